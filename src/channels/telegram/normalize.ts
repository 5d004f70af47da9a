import type { Update } from "grammy/types";
import type { FileRef } from "../../../flows/types.ts";
import { stripInvisibleControls } from "../../domain/text.ts";
import type { DutyEvent } from "../../duty/desk.ts";
import type { InboundEvent } from "../../messages.ts";

export const TELEGRAM_CHANNEL = "telegram";

/** What an update means to the product: an event for the engine, a command in a group, or nothing. */
export type TelegramInbound =
  | {
      kind: "event";
      event: InboundEvent;
      callbackQueryId?: string;
      /** Set when the message replies to one of the bot's: the duty desk takes it if it asked that question. */
      dutyReply?: DutyEvent;
    }
  | { kind: "duty"; event: DutyEvent; callbackQueryId?: string }
  | { kind: "group_command"; chatId: number; command: string; languageCode?: string | undefined }
  | { kind: "ignore"; callbackQueryId?: string };

/** Separates a button's question token from its value in callback data. */
export const CALLBACK_SEPARATOR = "|";

/** Parses "/cmd@bot args" into its command (lower case, without the bot's name) and arguments. */
export function parseCommand(text: string): { command: string; args: string } | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: (match[1] ?? "").toLowerCase(), args: (match[2] ?? "").trim() } : undefined;
}

const DUTY_COMMANDS = new Set(["bind", "unbind", "tickets", "ticket"]);

type TelegramUser = { id: number; first_name: string; last_name?: string; username?: string };

/** How a person is shown to other duty officers: their Telegram name, as Telegram shows it. */
function displayName(user: TelegramUser): string {
  // A Telegram name is free text too: "\u202E" in it would turn the rest of a duty-chat line around.
  const name = stripInvisibleControls([user.first_name, user.last_name].filter(Boolean).join(" "));
  return user.username ? `${name} (@${user.username})` : name;
}

/** Turns a Telegram update into the engine's inbound event; both runtimes hand over the same raw update. */
export function normalizeUpdate(update: Update, now: Date): TelegramInbound {
  // The id is the dedupe key: without one, every such update would be "the same" and all but the first dropped.
  if (!Number.isInteger(update.update_id)) {
    return update.callback_query
      ? { kind: "ignore", callbackQueryId: update.callback_query.id }
      : { kind: "ignore" };
  }
  const dedupeKey = String(update.update_id);
  const query = update.callback_query;
  // In a private chat only its owner can press its buttons; another sender is a forged update, and must not
  // touch the owner's draft or act on a ticket in the owner's name.
  if (query?.message?.chat.type === "private" && query.from.id !== query.message.chat.id) {
    return { kind: "ignore", callbackQueryId: query.id };
  }
  if (query?.data?.startsWith("t.") && query.message) {
    // A ticket's duty button: pressed in a duty group, or in a duty officer's private chat.
    const [token = "", value = ""] = query.data.split(CALLBACK_SEPARATOR);
    const chat = query.message.chat;
    return {
      kind: "duty",
      callbackQueryId: query.id,
      event: {
        channel: TELEGRAM_CHANNEL,
        chatId: String(chat.id),
        chatType: chat.type === "private" ? "private" : "group",
        userId: String(query.from.id),
        userName: displayName(query.from),
        dedupeKey,
        at: now,
        messageRef: String(query.message.message_id),
        payload: { kind: "action", ticketId: token.slice(2), action: value },
      },
    };
  }
  if (query) {
    const message = query.message;
    if (message?.chat.type !== "private") return { kind: "ignore", callbackQueryId: query.id };
    const data = query.data ?? "";
    const at = data.indexOf(CALLBACK_SEPARATOR);
    return {
      kind: "event",
      callbackQueryId: query.id,
      event: {
        channel: TELEGRAM_CHANNEL,
        chatId: String(message.chat.id),
        userId: String(query.from.id),
        chatType: "private",
        languageCode: query.from.language_code,
        dedupeKey,
        at: now,
        messageRef: String(message.message_id),
        // Data without a separator was not made by this bot: the engine refuses it as an unknown button.
        payload:
          at < 0
            ? { kind: "choice", token: "", value: data }
            : {
                kind: "choice",
                token: data.slice(0, at),
                value: data.slice(at + 1),
              },
      },
    };
  }
  const message = update.message;
  if (!message?.from) return { kind: "ignore" };
  const text = message.text ?? message.caption;
  const command = message.text ? parseCommand(message.text) : undefined;
  if (command && DUTY_COMMANDS.has(command.command)) {
    return {
      kind: "duty",
      event: {
        ...dutyBase(message, dedupeKey, now),
        payload: {
          kind: "command",
          command: command.command as "bind" | "unbind" | "tickets" | "ticket",
          args: command.args,
        },
      },
    };
  }
  const replyTo = message.reply_to_message?.from?.is_bot ? message.reply_to_message.message_id : undefined;
  const dutyReply: DutyEvent | undefined =
    replyTo === undefined || command
      ? undefined
      : {
          ...dutyBase(message, dedupeKey, now),
          messageRef: String(message.message_id),
          payload: {
            kind: "reply",
            replyTo: String(replyTo),
            text: text ?? "",
            hasFile: fileOf(message) !== undefined,
          },
        };
  if (message.chat.type !== "private") {
    // In a group, only answers to the bot's own messages (a question it asked, a ticket) are the desk's.
    if (dutyReply) return { kind: "duty", event: dutyReply };
    return command
      ? {
          kind: "group_command",
          chatId: message.chat.id,
          command: command.command,
          languageCode: message.from.language_code,
        }
      : { kind: "ignore" };
  }
  const base = {
    channel: TELEGRAM_CHANNEL,
    chatId: String(message.chat.id),
    userId: String(message.from.id),
    chatType: "private" as const,
    languageCode: message.from.language_code,
    dedupeKey,
    // The time the reporter sent it: "now" means then, even if the bot was down for a while.
    at: new Date(Math.min(now.getTime(), message.date * 1000)),
  };
  const file = fileOf(message);
  const reply = dutyReply ? { dutyReply } : {};
  if (file)
    return {
      kind: "event",
      event: { ...base, payload: { kind: "file", file, caption: message.caption } },
      ...reply,
    };
  if (command) return { kind: "event", event: { ...base, payload: { kind: "command", ...command } } };
  if (text !== undefined)
    return { kind: "event", event: { ...base, payload: { kind: "text", text } }, ...reply };
  return { kind: "ignore" };
}

/** Who sent a message where, as the duty desk sees it. */
function dutyBase(
  message: NonNullable<Update["message"]> & { from: TelegramUser },
  dedupeKey: string,
  at: Date,
): Omit<DutyEvent, "payload"> {
  return {
    channel: TELEGRAM_CHANNEL,
    chatId: String(message.chat.id),
    chatType: message.chat.type === "private" ? "private" : "group",
    userId: String(message.from.id),
    userName: displayName(message.from),
    dedupeKey,
    at,
  };
}

function fileOf(message: NonNullable<Update["message"]>): FileRef | undefined {
  const photo = message.photo?.at(-1); // the largest size
  if (photo) {
    return {
      fileId: photo.file_id,
      uniqueId: photo.file_unique_id,
      ...(photo.file_size !== undefined ? { size: photo.file_size } : {}),
      mimeType: "image/jpeg",
      kind: "photo",
    };
  }
  const doc = message.document;
  if (doc) {
    return {
      fileId: doc.file_id,
      uniqueId: doc.file_unique_id,
      ...(doc.file_name !== undefined ? { name: doc.file_name } : {}),
      ...(doc.file_size !== undefined ? { size: doc.file_size } : {}),
      ...(doc.mime_type !== undefined ? { mimeType: doc.mime_type } : {}),
      kind: "document",
    };
  }
  return undefined;
}
