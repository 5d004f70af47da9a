import type { ChatMessage, DocumentMessage } from "../../messages.ts";
import type { EmailAttachment } from "../email/compose.ts";

/**
 * Channels that can send a file into a chat. Zalo's bot API sends text and images only, so a Zalo reporter is
 * told where to get the document instead (by e-mail, `/maubaocao` on Telegram, or from an admin's export).
 */
export const DOCUMENT_CHANNELS: ReadonlySet<string> = new Set(["telegram"]);

export const canSendDocuments = (channel: string): boolean => DOCUMENT_CHANNELS.has(channel);

/** The rendered files as document messages, the caption on the first (Telegram captions hold 1,024 characters). */
export function documentMessages(files: readonly EmailAttachment[], caption: string): DocumentMessage[] {
  return files.map((f, i) => ({
    kind: "document",
    filename: f.filename,
    contentType: f.contentType,
    content: f.content,
    ...(i === 0 && caption ? { caption: caption.slice(0, 1000) } : {}),
  }));
}

/** What a reporter on a channel without files reads instead. */
export function documentsElsewhere(text: string): ChatMessage {
  return { kind: "chat", text };
}

const MAX_CACHED = 32;
const cache = new Map<string, EmailAttachment[]>();

/**
 * Rendered documents by a key naming the ticket, its version and the reader's language: one submission's
 * fan-out needs the same files for the reporter and for each mailbox, and a retried pass none at all (the
 * callers check that the row is not queued yet before asking). A few recent ones are kept, oldest dropped.
 */
export function cachedDocuments(key: string, render: () => EmailAttachment[]): EmailAttachment[] {
  const hit = cache.get(key);
  if (hit) return hit;
  const files = render();
  cache.set(key, files);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return files;
}
