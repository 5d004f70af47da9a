import type { FileRef } from "../../flows/types.ts";

/**
 * One inbound update from any channel (Telegram, Zalo, the terminal, a test channel), as its adapter
 * normalized it. The router reads only this shape: nothing here names a channel's own types, so a new channel
 * is an adapter that fills it in and a sender that delivers outbox rows.
 */
export interface InboundEvent {
  channel: string;
  chatId: string;
  chatType: "private" | "group";
  userId: string;
  /** The person's public name on the channel, shown to duty officers when they act. */
  userName?: string | undefined;
  /** The language the client reports (e.g. Telegram's language_code), used until the user picks one. */
  languageCode?: string | undefined;
  /** Unique per update on its channel (e.g. Telegram's update_id): the same key is applied once. */
  dedupeKey: string;
  at: Date;
  /** The channel's id of this message, or of the message a pressed button belongs to. */
  messageRef?: string | undefined;
  /** The channel's id of the assistant's message this one replies to (set only for replies to the assistant). */
  replyTo?: string | undefined;
  payload: InboundPayload;
}

export type InboundPayload =
  | { kind: "text"; text: string }
  | { kind: "command"; command: string; args: string }
  /** A pressed button: the token of the question it belongs to and the value it carries. */
  | { kind: "choice"; token: string; value: string }
  | { kind: "file"; file: FileRef; caption?: string | undefined }
  /** A ticket action a channel recognised itself (e.g. from its own button format). */
  | { kind: "action"; ticketId: string; action: string };
