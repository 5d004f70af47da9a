/**
 * Runtime wiring of the Zalo channel: the client, the update handler (normalize → engine or notice → send),
 * polling or the /zalo/hook webhook, and the sender loop. It runs alone or beside Telegram on one database.
 *
 * This is the minimal wiring built before the channel-independent router landed: reporters on Zalo are
 * complete; duty actions in Zalo chats (numbered replies, /tiepnhan SC-…) and posting tickets into Zalo duty
 * chats belong to the router and dispatcher, and are not handled here beyond /bind and its kin.
 */
import type { FastifyInstance } from "fastify";
import type { App } from "../../app.ts";
import { deadLetterNotifier } from "../../delivery/dead-letters.ts";
import { Scheduler } from "../../delivery/scheduler.ts";
import { DutyDesk, type DutyEvent } from "../../duty/desk.ts";
import { isLocale, type Locale } from "../../i18n.ts";
import { type HttpServerOptions, startHttpServer } from "../../server/http.ts";
import { ZaloBot } from "./client.ts";
import { normalizeZaloUpdate, ZALO_CHANNEL } from "./normalize.ts";
import { quotaNotifier, ZaloSendCounter } from "./quota.ts";
import { ZaloSender, type ZaloSenderOptions } from "./sender.ts";

export const ZALO_WEBHOOK_PATH = "/zalo/hook";
const DUTY_COMMANDS = new Set(["bind", "unbind", "tickets", "ticket"]);
const REPORT_COMMANDS = new Set(["start", "report", "baocao"]);

export interface ZaloRunOptions {
  /** Starts its own HTTP server (/healthz, and the webhook): when Telegram does not run in this process. */
  ownServer?: boolean;
  /** Seconds of one long poll (default 30). */
  pollTimeoutSeconds?: number;
  /** Milliseconds between polls (default 300). */
  pollIntervalMs?: number;
  sender?: Partial<ZaloSenderOptions>;
}

export interface RunningZalo {
  bot: ZaloBot;
  sender: ZaloSender;
  /** One update, as polled or pushed: applied once, answered, sent. */
  handle(body: unknown): Promise<void>;
  /** The webhook route for the HTTP server, in webhook mode. */
  webhook: HttpServerOptions["zaloWebhook"];
  server: FastifyInstance | undefined;
  /** Stops polling and the loops, finishes the sends in hand; leaves the database open. */
  stop(): Promise<void>;
}

/** Starts the Zalo channel in the configured mode. Webhook mode needs the route on a server (own or Telegram's). */
export async function startZalo(app: App, options: ZaloRunOptions = {}): Promise<RunningZalo> {
  const { zalo } = app.config;
  if (!zalo.token) throw new Error("ZALO_BOT_TOKEN is not set");
  const bot = new ZaloBot(zalo.token, {
    baseApiUrl: zalo.apiRoot,
    polling: {
      autoStart: false,
      interval: options.pollIntervalMs ?? 300,
      params: { timeout: options.pollTimeoutSeconds ?? 30 },
    },
    logger: { error: (line) => app.logger.warn(line) },
  });
  const me = await bot.getMe();
  const botNames = [me.display_name, me.account_name].filter((n): n is string => Boolean(n));
  const counter = new ZaloSendCounter(app.store, zalo.monthlyQuota, app.config.timeZone);
  const sender = new ZaloSender(app.store, bot, app.logger, {
    translator: app.translator,
    defaultLocale: app.config.defaultLocale,
    counter,
    onQuota: quotaNotifier({
      store: app.store,
      translator: app.translator,
      locale: app.config.defaultLocale,
      configAdmins: app.config.adminIds,
    }),
    maxAttempts: app.config.deliveryMaxAttempts,
    onDeadLetter: deadLetterNotifier({
      store: app.store,
      translator: app.translator,
      locale: app.config.defaultLocale,
      channel: ZALO_CHANNEL,
      configAdmins: app.config.adminIds.zalo ?? [],
    }),
    ...options.sender,
  });
  const desk = new DutyDesk({
    store: app.store,
    translator: app.translator,
    timeZone: app.config.timeZone,
    defaultLocale: app.config.defaultLocale,
    detail: app.config.dutyMessageDetail,
    configAdmins: app.config.adminIds,
    ackDeadlines: app.config.ackDeadlines,
    unresolvedReminderMs: app.config.unresolvedReminderMs,
    legalWarningMs: app.config.legalWarningMs,
    finalReportReminderMs: app.config.finalReportReminderMs,
  });

  const localeOf = (userId: string): Locale => {
    const saved = app.store.userLocale(ZALO_CHANNEL, userId);
    return isLocale(saved) ? saved : app.config.defaultLocale;
  };
  const background = (work: Promise<void>) => {
    work.catch((error: unknown) =>
      app.logger.error({ err: error instanceof Error ? error.message : String(error) }, "zalo send failed"),
    );
  };

  /** A note sent once per update (the dedupe key), through the outbox like every message. */
  const note = (inbound: { dedupeKey: string; chatId: string; userId: string; at: Date }, key: string) => {
    const at = inbound.at.toISOString();
    const fresh = app.store.transaction(() => {
      if (!app.store.markProcessed(ZALO_CHANNEL, inbound.dedupeKey, at)) return false;
      app.store.enqueue(
        `zalo-note:${inbound.dedupeKey}`,
        ZALO_CHANNEL,
        inbound.chatId,
        { kind: "chat", text: app.translator.t(localeOf(inbound.userId), key) },
        at,
      );
      return true;
    });
    if (fresh) background(sender.flushChat(inbound.chatId));
  };

  const handle = async (body: unknown): Promise<void> => {
    const inbound = normalizeZaloUpdate(body, new Date(), botNames);
    if (inbound.kind === "ignore") return;
    if (inbound.kind === "notice") {
      if (inbound.chatType === "private") note(inbound, inbound.key);
      return;
    }
    const { event } = inbound;
    if (event.chatType === "group") {
      const p = event.payload;
      if (p.kind === "command" && DUTY_COMMANDS.has(p.command)) {
        const duty: DutyEvent = {
          channel: ZALO_CHANNEL,
          chatId: event.chatId,
          chatType: "group",
          userId: event.userId,
          userName: inbound.userName,
          dedupeKey: event.dedupeKey,
          at: event.at,
          payload: { kind: "command", command: p.command as "bind", args: p.args },
        };
        const { chats } = desk.handle(duty);
        await Promise.all(chats.map((chat) => sender.flushChat(chat)));
      } else if (p.kind === "command" && REPORT_COMMANDS.has(p.command)) {
        // Incident details do not belong in a group: the member is asked to write to the assistant privately.
        note(event, "common:group.privateOnly");
      }
      return;
    }
    // "Typing…" while the engine works and the answer goes out; a courtesy that never holds anything up.
    background(sender.typing(event.chatId));
    const result = app.engine.handle(event);
    if (result.duplicate) return;
    await sender.flushChat(event.chatId);
  };

  let scheduler: Scheduler | undefined;
  let server: FastifyInstance | undefined;
  const webhook =
    zalo.mode === "webhook" && zalo.webhookSecret
      ? { path: ZALO_WEBHOOK_PATH, secret: zalo.webhookSecret, onUpdate: handle }
      : undefined;
  if (options.ownServer) {
    server = await startHttpServer({
      port: app.config.port,
      host: app.config.host,
      logger: app.logger,
      health: () => app.store.ping(),
      ...(webhook ? { zaloWebhook: webhook } : {}),
    });
    // Alone in the process: draft reminders and expiry are this channel's to fire.
    scheduler = new Scheduler(app.engine, app.store, app.logger, () => background(sender.flushAll()));
    scheduler.start();
  }
  // Messages committed before a crash or restart go out first; then retries run every second.
  await sender.flushAll();
  sender.start();
  if (zalo.mode === "webhook") {
    await bot.setWebhook(zalo.webhookUrl ?? "", { secret_token: zalo.webhookSecret ?? "" });
  } else {
    // Polling and a webhook exclude each other on Zalo.
    await bot.deleteWebhook().catch(() => undefined);
    bot.onUpdate(handle);
    bot.on("polling_error", (error: Error) => app.logger.warn({ err: error.message }, "zalo polling error"));
    await bot.startPolling();
  }
  app.logger.info({ mode: zalo.mode, bot: me.account_name }, "zalo channel started");

  let stopped: Promise<void> | undefined;
  return {
    bot,
    sender,
    handle,
    webhook,
    server,
    stop: () => {
      stopped ??= (async () => {
        await bot.stopPolling({ cancel: true });
        scheduler?.stop();
        await server?.close();
        sender.stop();
        await sender.drain();
      })();
      return stopped;
    },
  };
}
