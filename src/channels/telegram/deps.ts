import type { App } from "../../app.ts";
import { deadLetterNotifier } from "../../delivery/dead-letters.ts";
import { domainOf } from "../../delivery/email.ts";
import { DutyDesk } from "../../duty/desk.ts";
import type { TelegramHandlerDeps } from "./handler.ts";
import type { TelegramPort } from "./port.ts";
import { type SenderOptions, TelegramSender } from "./sender.ts";

/** Everything the update handler needs, for one bot (its API port and @username). */
export function createTelegramDeps(
  app: App,
  port: TelegramPort,
  botUsername: string,
  senderOptions: SenderOptions = {},
): TelegramHandlerDeps {
  const desk = new DutyDesk({
    store: app.store,
    translator: app.translator,
    timeZone: app.config.timeZone,
    defaultLocale: app.config.defaultLocale,
    detail: app.config.dutyMessageDetail,
    configAdmins: { telegram: app.config.adminTelegramIds },
    ackDeadlines: app.config.ackDeadlines,
    unresolvedReminderMs: app.config.unresolvedReminderMs,
    legalWarningMs: app.config.legalWarningMs,
    finalReportReminderMs: app.config.finalReportReminderMs,
    ...(app.config.smtp ? { email: { messageIdDomain: domainOf(app.config.smtp.from) } } : {}),
  });
  return {
    engine: app.engine,
    desk,
    sender: new TelegramSender(app.store, port, app.logger, {
      maxAttempts: app.config.deliveryMaxAttempts,
      onDeadLetter: adminDeadLetterNotifier(app),
      ...senderOptions,
    }),
    port,
    translator: app.translator,
    defaultLocale: app.config.defaultLocale,
    logger: app.logger,
    botUsername,
  };
}

/** Tells the Telegram admins about a message given up on (either delivery path). */
export function adminDeadLetterNotifier(app: App) {
  return deadLetterNotifier({
    store: app.store,
    translator: app.translator,
    locale: app.config.defaultLocale,
    channel: "telegram",
    configAdmins: app.config.adminTelegramIds,
  });
}
