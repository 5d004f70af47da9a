import type { FileRef } from "../../../flows/types.ts";
import type { InboundEvent } from "../../inbound/event.ts";
import { unwrapUpdate } from "./client.ts";
import { ZALO_EVENTS, type ZaloMessage } from "./types.ts";

export const ZALO_CHANNEL = "zalo";

/** Content the bot cannot read: answered with a short localized note, and nothing changes. */
export type ZaloNoticeKey = "zaloBot:sticker" | "zaloBot:voice" | "zaloBot:unsupported";

/** What a Zalo update means to the product, in channel-neutral terms. */
export type ZaloInbound =
  | {
      kind: "event";
      event: InboundEvent;
      /** The sender's public name, shown to duty officers. */
      userName: string;
      /**
       * In a group: the message named the bot (a Zalo group only delivers messages that mention the bot or
       * quote one of its messages, and the update does not say which one was quoted).
       */
      mentioned: boolean;
    }
  | {
      kind: "notice";
      key: ZaloNoticeKey;
      channel: typeof ZALO_CHANNEL;
      chatId: string;
      userId: string;
      chatType: "private" | "group";
      dedupeKey: string;
      at: Date;
    }
  | { kind: "ignore"; reason: string };

/** Parses "/cmd args" (a Telegram-style "@bot" suffix tolerated) into a lower-case command and its arguments. */
export function parseCommand(text: string): { command: string; args: string } | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: (match[1] ?? "").toLowerCase(), args: (match[2] ?? "").trim() } : undefined;
}

/**
 * Removes the "@<bot name> " that Zalo puts before a group message addressed to the bot. Bot names contain
 * spaces ("Bot Sự Cố"), so the known names are tried first; an unknown name followed by a command
 * ("@Bot icheck /start") still gives the command.
 */
export function stripMention(
  text: string,
  botNames: readonly string[],
): { text: string; mentioned: boolean } {
  if (!text.startsWith("@")) return { text, mentioned: false };
  const lower = text.toLowerCase();
  for (const name of [...botNames].sort((a, b) => b.length - a.length)) {
    const prefix = `@${name}`.toLowerCase();
    if (name && lower.startsWith(prefix) && /^(\s|$)/.test(text.slice(prefix.length))) {
      return { text: text.slice(prefix.length).trim(), mentioned: true };
    }
  }
  const command = /^@[^/\n]{1,80}?\s+(\/[A-Za-z0-9_][\s\S]*)$/.exec(text);
  if (command) return { text: (command[1] ?? "").trim(), mentioned: true };
  return { text, mentioned: false };
}

/** Turns one Zalo update (wrapped or raw) into the product's inbound event, a notice, or nothing. */
export function normalizeZaloUpdate(body: unknown, now: Date, botNames: readonly string[] = []): ZaloInbound {
  const update = unwrapUpdate(body);
  const msg = update?.message as ZaloMessage | undefined;
  if (!update || !msg?.message_id || !msg.from?.id || !msg.chat?.id) {
    return { kind: "ignore", reason: "no message" };
  }
  // Zalo has no update id and has been seen to deliver a message twice: its message id is the key.
  const dedupeKey = String(msg.message_id);
  const chatType = msg.chat.chat_type === "GROUP" ? "group" : "private";
  const sentAt = typeof msg.date === "number" && Number.isFinite(msg.date) ? msg.date : now.getTime();
  // The time the person sent it (Zalo gives milliseconds): "now" means then, even after a restart.
  const at = new Date(Math.min(now.getTime(), sentAt));
  const base = {
    channel: ZALO_CHANNEL,
    chatId: String(msg.chat.id),
    userId: String(msg.from.id),
    chatType,
    dedupeKey,
    at,
    messageRef: dedupeKey,
  } as const;
  const userName = msg.from.display_name?.trim() || String(msg.from.id);
  if (msg.from.is_bot) return { kind: "ignore", reason: "from a bot" };

  const photo = msg.photo_url || msg.photo;
  if (update.event_name === ZALO_EVENTS.image || photo) {
    if (!photo) return notice("zaloBot:unsupported");
    const file: FileRef = {
      // The CDN URL is the reference: Zalo needs no token to fetch it, but it may expire (reference §3.3).
      fileId: photo,
      uniqueId: dedupeKey,
      mimeType: "image/jpeg",
      kind: "photo",
    };
    const caption = msg.caption?.trim();
    return {
      kind: "event",
      userName,
      mentioned: false,
      event: { ...base, payload: { kind: "file", file, ...(caption ? { caption } : {}) } },
    };
  }
  if (typeof msg.text === "string" && (update.event_name === ZALO_EVENTS.text || msg.text)) {
    const { text, mentioned } =
      chatType === "group" ? stripMention(msg.text, botNames) : { text: msg.text, mentioned: false };
    const command = parseCommand(text);
    return {
      kind: "event",
      userName,
      mentioned,
      event: {
        ...base,
        payload: command ? { kind: "command", ...command } : { kind: "text", text },
      },
    };
  }
  if (update.event_name === ZALO_EVENTS.sticker || msg.sticker) return notice("zaloBot:sticker");
  if (update.event_name === ZALO_EVENTS.voice || msg.voice_url) return notice("zaloBot:voice");
  return notice("zaloBot:unsupported");

  function notice(key: ZaloNoticeKey): ZaloInbound {
    return { kind: "notice", key, ...base };
  }
}
