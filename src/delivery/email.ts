import { createHash } from "node:crypto";
import nodemailer, { type NodemailerError, type SendMailOptions, type Transporter } from "nodemailer";
import type { Logger } from "../app.ts";
import type { Contact } from "../domain/contacts.ts";
import type { RenderContext } from "../engine/render.ts";
import type { RoutedTicket } from "../engine/types.ts";
import type { IncidentRow, OutboxRow, Store } from "../store/store.ts";
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
    /** Files to attach, e.g. the initial report as DOCX and PDF (documents/attachments.ts). */
    attachments?: EmailAttachment[] | undefined;
  } = {},
): boolean {
  if (contact.emails.length === 0) return false;
  const key = ticketEmailKey(incident.ticketId, contact.id);
  const rendered = renderTicketEmail(incident, routed, contact, rc);
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

export interface EmailSenderOptions {
  /** The From address (SMTP_FROM). */
  from: string;
  /** Attempts before a message is dead-lettered. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter. */
  baseDelayMs?: number;
  clock?: () => Date;
  /**
   * Called once per message given up on, after it is marked dead (e.g. to tell the admins), with the error
   * as stored: the same signature as the Telegram sender's, so one handler serves both.
   */
  onDeadLetter?: (row: OutboxRow, error: string) => void;
}

/** Server replies and errors as stored and logged: addresses (which servers echo back) are masked. */
const maskAddresses = (text: string) => text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, "[address]");

function describe(error: unknown): string {
  return maskAddresses(error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/**
 * A rejection of this message that no retry will change: a 5xx reply (nodemailer marks it `permanent`) to
 * the envelope or the data. A 5xx to the login, or a failed connection, is the deployment's problem, not
 * the message's: those are retried, so the message goes once the operator fixes the configuration.
 */
function isPermanent(error: unknown): boolean {
  const e = error as Partial<NodemailerError>;
  const permanent =
    e.permanent ?? (typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode !== 503);
  return permanent === true && (e.code === "EENVELOPE" || e.code === "EMESSAGE");
}

function isEmailPayload(value: unknown): value is EmailPayload {
  const p = value as Partial<EmailPayload> | null;
  return (
    typeof p === "object" &&
    p !== null &&
    p.kind === "email" &&
    Array.isArray(p.to) &&
    p.to.length > 0 &&
    typeof p.subject === "string" &&
    typeof p.messageId === "string"
  );
}

/**
 * Delivers the e-mail rows of the outbox: at least once, a failed send left pending with exponential
 * backoff, a permanent rejection or the last attempt dead-lettered (and reported through onDeadLetter).
 */
export class EmailSender {
  private pass: Promise<void> | undefined;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly transport: Transporter,
    private readonly logger: Logger,
    private readonly options: EmailSenderOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    // Mail servers defer for minutes (greylisting, a full queue), not seconds.
    this.baseDelayMs = options.baseDelayMs ?? 30_000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Sends every due e-mail; a call while a pass runs waits for it and then runs one more. */
  flushAll(): Promise<void> {
    const running = this.pass;
    if (running !== undefined) return running.then(() => this.flushAll());
    const pass = this.sendDue().finally(() => {
      this.pass = undefined;
    });
    this.pass = pass;
    return pass;
  }

  /** Retries pending e-mails every interval until stopped. */
  start(intervalMs = 5000): void {
    this.timer = setInterval(() => {
      // A pass still running is not joined: the next tick comes soon enough.
      if (this.pass !== undefined) return;
      this.flushAll().catch((error: unknown) =>
        this.logger.error({ err: describe(error) }, "e-mail outbox flush failed"),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits for the pass in flight (graceful shutdown). */
  async drain(): Promise<void> {
    if (this.pass !== undefined) await Promise.allSettled([this.pass]);
  }

  private async sendDue(): Promise<void> {
    const rows = this.store.duePending(EMAIL_CHANNEL, this.clock().toISOString(), 100);
    // One at a time: a government mail relay is better not flooded, and the volume is a few per ticket.
    for (const row of rows) await this.deliver(row);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const payload = row.payload;
    if (!isEmailPayload(payload)) {
      this.deadLetter(row, new Error("malformed e-mail payload"));
      return;
    }
    const digest = createHash("sha256").update(payload.messageId).digest("hex").slice(0, 16);
    const message: SendMailOptions = {
      from: this.options.from,
      to: payload.to,
      subject: payload.subject,
      text: payload.text,
      html: payload.html,
      messageId: payload.messageId,
      // Fixed date and MIME boundaries: a retry is byte for byte the message of the first attempt.
      date: new Date(row.createdAt),
      baseBoundary: digest,
      headers: {
        "X-Ticket-Id": payload.ticketId,
        // RFC 3834: out-of-office and other robots must not answer a notification.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
      },
      disableFileAccess: true,
      disableUrlAccess: true,
    };
    try {
      const info = await this.transport.sendMail(message);
      const rejected = info.rejected?.length ?? 0;
      this.store.markSent(row.id, this.clock().toISOString(), {
        messageId: payload.messageId,
        accepted: info.accepted?.length ?? 0,
        rejected,
      });
      if (rejected > 0) {
        // The other recipients got it; this one is not retried (one message, one Message-ID).
        this.logger.warn({ outboxId: row.id, rejected }, "e-mail sent, some recipients rejected");
      }
    } catch (error) {
      const attempts = row.attempts + 1;
      if (isPermanent(error) || attempts >= this.maxAttempts) {
        this.deadLetter(row, error);
        return;
      }
      const backoff = this.baseDelayMs * 2 ** (attempts - 1);
      const delay = backoff / 2 + Math.random() * backoff;
      this.store.markRetry(row.id, new Date(this.clock().getTime() + delay).toISOString(), describe(error));
      const e = error as Partial<NodemailerError>;
      this.logger.warn(
        {
          outboxId: row.id,
          attempts,
          code: e.code,
          responseCode: e.responseCode,
          delayMs: Math.round(delay),
        },
        "e-mail send failed, will retry",
      );
    }
  }

  private deadLetter(row: OutboxRow, error: unknown): void {
    const description = describe(error);
    this.store.markDead(row.id, description);
    const e = error as Partial<NodemailerError>;
    this.logger.error(
      { outboxId: row.id, attempts: row.attempts + 1, code: e.code, responseCode: e.responseCode },
      "e-mail dead-lettered",
    );
    try {
      this.options.onDeadLetter?.(row, description);
    } catch (hookError) {
      this.logger.error({ outboxId: row.id, err: describe(hookError) }, "onDeadLetter failed");
    }
  }
}
