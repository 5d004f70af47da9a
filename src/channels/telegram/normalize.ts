import type { Update } from "grammy/types";
import type { FileRef } from "../../../flows/types.ts";
import { stripInvisibleControls } from "../../domain/text.ts";
import type { InboundEvent } from "../../inbound/event.ts";

export const TELEGRAM_CHANNEL = "telegram";

/**
 * What an update is, before any decision: a normalized event for the router (with the callback query to answer
 * when it was a button press), or nothing the product reads.
 */
export type TelegramInbound =
  | { kind: "event"; event: InboundEvent; callbackQueryId?: string }
  | { kind: "ignore"; callbackQueryId?: string };

/** Separates a button's question token from its value in callback data. */
export const CALLBACK_SEPARATOR = "|";

/** Parses "/cmd@bot args" into its command (lower case, without the bot's name) and arguments. */
export function parseCommand(text: string): { command: string; args: string } | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: (match[1] ?? "").toLowerCase(), args: (match[2] ?? "").trim() } : undefined;
}

type TelegramUser = { id: number; first_name: string; last_name?: string; username?: string };

/** How a person is shown to other duty officers: their Telegram name, as Telegram shows it. */
function displayName(user: TelegramUser): string {
  // A Telegram name is free text too: "\u202E" in it would turn the rest of a duty-chat line around.
  const name = stripInvisibleControls([user.first_name, user.last_name].filter(Boolean).join(" "));
  return user.username ? `${name} (@${user.username})` : name;
}

/** Turns a Telegram update into the channel-neutral inbound event; both runtimes hand over the same raw update. */
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
  if (query) {
    const message = query.message;
    if (!message) return { kind: "ignore", callbackQueryId: query.id };
    const data = query.data ?? "";
    const at = data.indexOf(CALLBACK_SEPARATOR);
    return {
      kind: "event",
      callbackQueryId: query.id,
      event: {
        channel: TELEGRAM_CHANNEL,
        chatId: String(message.chat.id),
        chatType: message.chat.type === "private" ? "private" : "group",
        userId: String(query.from.id),
        userName: displayName(query.from),
        languageCode: query.from.language_code,
        dedupeKey,
        at: now,
        messageRef: String(message.message_id),
        // Data without a separator was not made by this bot: the engine refuses it as an unknown button.
        payload:
          at < 0
            ? { kind: "choice", token: "", value: data }
            : { kind: "choice", token: data.slice(0, at), value: data.slice(at + 1) },
      },
    };
  }
  const message = update.message;
  if (!message?.from) return { kind: "ignore" };
  const text = message.text ?? message.caption;
  const command = message.text ? parseCommand(message.text) : undefined;
  const replyTo = message.reply_to_message?.from?.is_bot ? message.reply_to_message.message_id : undefined;
  const private_ = message.chat.type === "private";
  const base: Omit<InboundEvent, "payload"> = {
    channel: TELEGRAM_CHANNEL,
    chatId: String(message.chat.id),
    chatType: private_ ? "private" : "group",
    userId: String(message.from.id),
    userName: displayName(message.from),
    languageCode: message.from.language_code,
    dedupeKey,
    // The time the reporter sent it: "now" means then, even if the bot was down for a while.
    at: private_ ? new Date(Math.min(now.getTime(), message.date * 1000)) : now,
    messageRef: String(message.message_id),
    // Only replies to the bot's own messages can answer something it asked or posted.
    ...(replyTo !== undefined ? { replyTo: String(replyTo) } : {}),
  };
  const file = fileOf(message);
  if (command) return { kind: "event", event: { ...base, payload: { kind: "command", ...command } } };
  if (file)
    return { kind: "event", event: { ...base, payload: { kind: "file", file, caption: message.caption } } };
  if (text !== undefined) return { kind: "event", event: { ...base, payload: { kind: "text", text } } };
  return { kind: "ignore" };
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
      messageRef: String(message.message_id),
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
      messageRef: String(message.message_id),
    };
  }
  return undefined;
}
