import type { Update } from "grammy/types";
import type { Logger } from "../../app.ts";
import type { Engine } from "../../conversation/engine.ts";
import type { DutyDesk } from "../../duty/desk.ts";
import { isLocale, type Locale, type Translator } from "../../i18n.ts";
import { normalizeUpdate } from "./normalize.ts";
import { errorDescription, type TelegramPort } from "./port.ts";
import type { TelegramSender } from "./sender.ts";

export interface TelegramHandlerDeps {
  engine: Engine;
  desk: DutyDesk;
  sender: TelegramSender;
  port: TelegramPort;
  translator: Translator;
  defaultLocale: Locale;
  logger: Logger;
  /** The bot's @username, for the deep link that moves a group member to a private chat. */
  botUsername: string;
  clock?: () => Date;
}

const REPORT_COMMANDS = new Set(["start", "report", "baocao"]);

/**
 * One Telegram update, the same for both runtimes: normalize, apply in the engine (one transaction), answer
 * the button press, then send what the engine queued for the chat. Returns false for updates that are not the
 * incident flow's, so a host bot's other handlers can take them.
 */
export async function handleTelegramUpdate(update: Update, deps: TelegramHandlerDeps): Promise<boolean> {
  const now = (deps.clock ?? (() => new Date()))();
  const inbound = normalizeUpdate(update, now);
  if (inbound.kind === "ignore") {
    if (inbound.callbackQueryId) await answerQuietly(deps, inbound.callbackQueryId);
    return false;
  }
  if (inbound.kind === "group_command") {
    if (!REPORT_COMMANDS.has(inbound.command)) return false;
    const code = inbound.languageCode?.slice(0, 2);
    const locale: Locale = isLocale(code) ? code : deps.defaultLocale;
    // Incident details do not belong in a group: point the member to a private chat with the bot.
    // Sent at once (nothing to keep if it fails), but still within the group's limits like every other send.
    await deps.sender.limiter.run(String(inbound.chatId), () =>
      deps.port.sendMessage(inbound.chatId, deps.translator.t(locale, "common:group.privateOnly"), {
        parse_mode: "HTML",
        reply_markup: {
          inline_keyboard: [
            [
              {
                text: deps.translator.t(locale, "common:group.openPrivate"),
                url: `https://t.me/${deps.botUsername}?start=report`,
              },
            ],
          ],
        },
      }),
    );
    return true;
  }
  const reply = inbound.kind === "event" ? inbound.dutyReply : undefined;
  const duty =
    inbound.kind === "duty"
      ? inbound.event
      : reply?.payload.kind === "reply" &&
          deps.desk.claimsReply(reply.channel, reply.chatId, reply.payload.replyTo)
        ? reply
        : undefined;
  if (duty) {
    let chats: string[] = [];
    try {
      chats = deps.desk.handle(duty).chats;
    } finally {
      if (inbound.callbackQueryId) await answerQuietly(deps, inbound.callbackQueryId);
    }
    // The person who acted sees the answer before this update is done; other chats (a busy group may wait
    // for its per-minute window) are sent in the background, so this chat's next update is not held up.
    for (const chat of chats.filter((c) => c !== duty.chatId))
      inBackground(deps, deps.sender.flushChat(chat));
    if (chats.includes(duty.chatId)) await deps.sender.flushChat(duty.chatId);
    // An escalation from a button goes to the new organisation's duty chats at once.
    inBackground(deps, dispatchRoutedTickets(deps, now));
    return true;
  }
  if (inbound.kind === "duty") return true;
  let ticketId: string | undefined;
  try {
    ticketId = deps.engine.handle(inbound.event).ticketId;
  } finally {
    // Every button press is answered, even when the engine refused it, so the client stops its spinner.
    if (inbound.callbackQueryId) await answerQuietly(deps, inbound.callbackQueryId);
  }
  await deps.sender.flushChat(inbound.event.chatId);
  // A new ticket goes to the duty chats at once, not at the next tick of the delivery loop.
  if (ticketId) inBackground(deps, dispatchRoutedTickets(deps, now));
  return true;
}

/** Lets a send run on its own; a failure is logged (the outbox keeps the message for the retry loop). */
function inBackground(deps: TelegramHandlerDeps, work: Promise<void>): void {
  work.catch((error: unknown) =>
    deps.logger.error({ err: errorDescription(error) }, "background send failed"),
  );
}

/** Posts routed tickets into bound duty chats and sends them (also run by the delivery loop). */
export async function dispatchRoutedTickets(deps: TelegramHandlerDeps, now: Date): Promise<void> {
  const chats = deps.desk.fanOut(now);
  await Promise.all(chats.map((chat) => deps.sender.flushChat(chat)));
}

async function answerQuietly(deps: TelegramHandlerDeps, id: string): Promise<void> {
  try {
    await deps.port.answerCallbackQuery(id);
  } catch (error) {
    deps.logger.debug({ err: errorDescription(error) }, "answerCallbackQuery failed");
  }
}
