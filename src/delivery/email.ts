import { createHash } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import type { Contact } from "../domain/contacts.ts";
import type { RoutedTicket } from "../messages.ts";
import type { RenderContext } from "../present/incident.ts";
import type { IncidentRow, Store } from "../store/store.ts";
import { type EmailAttachment, renderTicketEmail } from "./email/compose.ts";

// The message itself (subject and Mẫu 03 body) is composed in email/compose.ts, from the one Mẫu 03 model.
export {
  type EmailAttachment,
  type RenderedEmail,
  renderTicketEmail,
  TBSC_PREFIX,
} from "./email/compose.ts";

/** Outbox channel of ticket e-mails; the row's chat id is the contact id. */
export const EMAIL_CHANNEL = "email";

/** One ticket e-mail as queued: rendered once at enqueue time, so every retry sends the same message. */
export interface EmailPayload {
  kind: "email";
  to: string[];
  subject: string;
  text: string;
  html: string;
  ticketId: string;
  /** The Message-ID header, angle brackets included; the same on every attempt. */
  messageId: string;
  /** Files to attach (the initial report as DOCX and PDF), rendered at enqueue time like the rest. */
  attachments?: EmailAttachment[];
}

const DEFAULT_MESSAGE_ID_DOMAIN = "incident-bot.invalid";

/** The idempotency key of a ticket's e-mail to a contact: one e-mail per ticket and contact. */
export const ticketEmailKey = (ticketId: string, contactId: string) => `email:${ticketId}:${contactId}`;

/** The domain of an address (for Message-IDs on the sender's own domain); undefined if it has none. */
export function domainOf(address: string): string | undefined {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address);
  return match?.[1];
}

/**
 * A Message-ID fixed at enqueue time from the idempotency key, so every retry carries the same one and the
 * receiving systems see one message. The incident's submission key and creation time go into the hash
 * too: another deployment (another province) numbers its tickets the same way, and mailboxes that receive
 * from both must not take two different tickets for one message.
 */
function messageIdFor(key: string, incident: IncidentRow, domain: string): string {
  const digest = createHash("sha256")
    .update(`${key}\n${incident.submissionKey}\n${incident.createdAt}`)
    .digest("hex")
    .slice(0, 20);
  const local = `${key.replace(/[^A-Za-z0-9-]/g, ".")}.${digest}`;
  return `<${local}@${domain}>`;
}

/**
 * Queues the ticket e-mail for one contact, rendered now. Returns true when a row was written; false when
 * the contact has no e-mail address or this e-mail was already queued (the key makes a repeat a no-op).
 */
export function enqueueTicketEmail(
  store: Store,
  incident: IncidentRow,
  routed: RoutedTicket,
  contact: Contact,
  rc: RenderContext,
  at: string,
  options: {
    messageIdDomain?: string | undefined;
    /** Another e-mail than the ticket's first for this contact (the complete report after a quick alert). */
    key?: string;
    /** Files to attach, e.g. the initial report as DOCX and PDF (documents/attachments.ts). */
    attachments?: EmailAttachment[] | undefined;
  } = {},
): boolean {
  if (contact.emails.length === 0) return false;
  const key = options.key ?? ticketEmailKey(incident.ticketId, contact.id);
  const rendered = renderTicketEmail(incident, routed, contact, rc, store.routingRules());
  const payload: EmailPayload = {
    kind: "email",
    to: [...contact.emails],
    ...rendered,
    ticketId: incident.ticketId,
    messageId: messageIdFor(key, incident, options.messageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN),
    ...(options.attachments?.length ? { attachments: options.attachments } : {}),
  };
  return store.enqueue(key, EMAIL_CHANNEL, contact.id, payload, at) !== undefined;
}

/** A nodemailer transport for an `smtp://` or `smtps://` URL, with timeouts that suit a retry loop. */
export function createEmailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport({
    url: smtpUrl,
    // A stuck server must not hold the delivery loop for the library's default ten minutes.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    // Message content is always in-memory strings; never let it name a file or URL to be read.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}
