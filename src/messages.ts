import type { FileRef } from "../flows/types.ts";
import type { Locale } from "./i18n.ts";

/** One inbound update from any channel, normalized: the engine never sees a channel's own types. */
export interface InboundEvent {
  channel: string;
  chatId: string;
  userId: string;
  chatType: "private" | "group";
  /** The person's public name on the channel (pre-fills the reporter's name when they have no profile yet). */
  userName?: string | undefined;
  /** The language the client reports (e.g. Telegram's language_code), used until the user picks one. */
  languageCode?: string | undefined;
  /** Unique per update on its channel (e.g. Telegram's update_id): the same key is applied once. */
  dedupeKey: string;
  at: Date;
  payload: InboundPayload;
  /** The channel's id of the message a pressed button belongs to, so the question can be edited in place. */
  messageRef?: string | undefined;
}

export type InboundPayload =
  | { kind: "text"; text: string }
  | { kind: "command"; command: string; args: string }
  | { kind: "choice"; token: string; value: string }
  | { kind: "file"; file: FileRef; caption?: string | undefined }
  | { kind: "timer"; job: string };

/** A choice offered with a message; channels draw buttons or a numbered list, always numbered. */
export interface Choice {
  value: string;
  label: string;
}

/** A message to a reporter's chat, already rendered in the reader's language (HTML parse mode). */
export interface ChatMessage {
  kind: "chat";
  text: string;
  /** Identifies the question the choices belong to; a button carrying another token is stale. */
  token?: string;
  choices?: Choice[];
  /** The channel's id of a message in the same chat this one answers: keeps a ticket's thread together. */
  replyTo?: string;
  /** Asks the client to open a reply to this message: the answer is matched to the question by it. */
  forceReply?: boolean;
  /**
   * A button that opens a private chat with the assistant and starts this command there (the answer to a
   * report command typed in a group); channels that cannot link to a private chat show the text alone.
   */
  openPrivate?: { label: string; start: string };
  /** The language the text is written in, when its writer knew it: a channel adding words of its own matches it. */
  locale?: Locale;
}

/** A copy of a message (a file a reporter sent, say) into another chat, without re-uploading it. */
export interface CopyMessage {
  kind: "copy";
  fromChatId: string;
  messageRef: string;
  replyTo?: string;
}

/** A routed ticket for a contact's duty chats and mailbox; the delivery layer renders and fans it out. */
export interface RoutedTicket {
  kind: "ticket_routed";
  ticketId: string;
  contactId: string;
  contactVersion: number;
  kinds: string[];
  rules: string[];
}

/**
 * A preliminary ticket (sent as a quick alert) changed: the duty desk redraws its duty messages in place, and on
 * completion sends the full Mẫu 03 notification by e-mail.
 */
export interface TicketUpdated {
  kind: "ticket_updated";
  ticketId: string;
  complete: boolean;
}

/** Replaces an earlier message of the chat (the question whose button was pressed). */
export interface EditMessage {
  kind: "edit";
  messageRef: string;
  text: string;
  token?: string;
  choices?: Choice[];
}

/**
 * A file sent into a chat (the initial or final report as DOCX or PDF), rendered once when queued so every
 * retry sends the same bytes. Only channels that can send files get one (see documents/reporter.ts).
 */
export interface DocumentMessage {
  kind: "document";
  filename: string;
  contentType: string;
  /** The file's bytes, base64. */
  content: string;
  /** Plain text under the file (no markup). */
  caption?: string;
}

export type OutboundPayload =
  | ChatMessage
  | EditMessage
  | CopyMessage
  | RoutedTicket
  | TicketUpdated
  | DocumentMessage;

/** What one call to the engine did. */
export interface HandleResult {
  duplicate: boolean;
  /** Outbox rows written by this event, for the dispatcher to send after commit. */
  outbox: number[];
  /** A ticket created by this event, if any. */
  ticketId?: string;
  /** Rows for the duty desk were queued (a preliminary ticket changed): fan out now, not at the next tick. */
  fanOut?: boolean;
  /**
   * This chat's rows among them, as written: a sender in the same process may send these without reading
   * them back (they are committed, so after a crash the dispatcher finds them pending all the same).
   */
  own?: Array<{ id: number; payload: ChatMessage | EditMessage }>;
  /**
   * Other chats (and mailboxes) this event queued rows for, such as another admin's approval request or a final
   * report's e-mail: handed to their senders with this chat's, not left for the next retry pass to find.
   */
  elsewhere?: Array<{ channel: string; chatId: string }>;
}

/** Channel of outbox rows addressed to a contact rather than a chat. */
export const DUTY_CHANNEL = "duty";
