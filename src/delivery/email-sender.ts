import { createHash } from "node:crypto";
import type { NodemailerError, SendMailOptions, Transporter } from "nodemailer";
import type { Logger } from "../app.ts";
import { type ChannelSender, type LaneOptions, OutboxLane } from "../outbox/lane.ts";
import type { SendFailure } from "../outbox/retry.ts";
import type { OutboxRow, Store } from "../store/store.ts";
import { EMAIL_CHANNEL, type EmailPayload } from "./email.ts";

export interface EmailSenderOptions extends LaneOptions {
  /** The From address (SMTP_FROM). */
  from: string;
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
 * The e-mail rows of the outbox, delivered by the one outbox lane (retries, dead letters) over the e-mail
 * sender: one at a time across all mailboxes, each row on its own, backoff starting at 30 s (mail servers
 * defer for minutes, greylisting or a full queue, not seconds).
 */
export class EmailSender extends OutboxLane {
  constructor(store: Store, transport: Transporter, logger: Logger, options: EmailSenderOptions) {
    super(store, new EmailChannelSender(transport, options.from), logger, {
      ...options,
      serial: true,
      defaultBaseDelayMs: 30_000,
    });
  }

  override start(intervalMs = 5000): void {
    super.start(intervalMs);
  }
}

/** Sends one e-mail row over SMTP and says what a failure means. */
export class EmailChannelSender implements ChannelSender {
  readonly channel = EMAIL_CHANNEL;

  constructor(
    private readonly transport: Transporter,
    private readonly from: string,
  ) {}

  async send(row: OutboxRow): Promise<unknown> {
    const payload = row.payload;
    if (!isEmailPayload(payload)) throw new MalformedEmail();
    const digest = createHash("sha256").update(payload.messageId).digest("hex").slice(0, 16);
    const message: SendMailOptions = {
      from: this.from,
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
      // The initial report as DOCX and PDF, rendered when the mail was queued (the same bytes on every retry).
      ...(payload.attachments?.length
        ? {
            attachments: payload.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: a.content,
              encoding: "base64",
            })),
          }
        : {}),
    };
    const info = await this.transport.sendMail(message);
    // Recipients the server refused are not retried (one message, one Message-ID); the others got it.
    return {
      messageId: payload.messageId,
      accepted: info.accepted?.length ?? 0,
      rejected: info.rejected?.length ?? 0,
    };
  }

  classify(error: unknown): SendFailure {
    return error instanceof MalformedEmail || isPermanent(error)
      ? { kind: "permanent" }
      : { kind: "transient" };
  }

  describe(error: unknown): string {
    return describe(error);
  }
}

/** A row that is no e-mail this sender can send: dead at once, no retry can change it. */
class MalformedEmail extends Error {
  constructor() {
    super("malformed e-mail payload");
  }
}
