import { createHash } from "node:crypto";
import nodemailer, { type NodemailerError, type SendMailOptions, type Transporter } from "nodemailer";
import type { Logger } from "../app.ts";
import type { Contact } from "../domain/contacts.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import { DEFAULT_ROUTING_RULES, type RoutingRule } from "../domain/routing.ts";
import type { LeveledReason } from "../domain/severity.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { clipText } from "../domain/text-cut.ts";
import { legalDeadline } from "../domain/tickets.ts";
import { escapeHtml, type Params } from "../i18n.ts";
import type { RoutedTicket } from "../messages.ts";
import { formatDateTime } from "../present/datetime.ts";
import { contactName, type RenderContext } from "../present/incident.ts";
import type { IncidentRow, OutboxRow, Store } from "../store/store.ts";

/** Outbox channel of ticket e-mails; the row's chat id is the contact id. */
export const EMAIL_CHANNEL = "email";

/** Circular 20/2017 (note printed on Mẫu 03): e-mailed notifications start their subject with this. */
export const TBSC_PREFIX = "[TBSC]";

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
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const DEFAULT_MESSAGE_ID_DOMAIN = "incident-bot.invalid";
const SUBJECT_PART_MAX = 120;

type Answers = Record<string, unknown>;

interface Field {
  label: string;
  value: string;
}

/** A block of the e-mail: a heading, then labelled fields and/or a free paragraph. */
interface Section {
  title: string;
  fields: Field[];
  body?: string;
}

interface EmailModel {
  subject: string;
  lang: string;
  greeting: string;
  intro: string;
  confidential: string | undefined;
  summary: Section;
  formTitle: string;
  formSubtitle: string;
  requiredNote: string;
  sections: Section[];
  notes: string[];
  closing: string;
  signature: string;
}

/** An e-mail's texts are plain: the HTML part escapes the whole model once, at the end. */
function plain(rc: RenderContext, key: string, params?: Params): string {
  return rc.t.text(rc.locale, key, params);
}

const str = (v: unknown): string =>
  typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];

/** A subject is one line: typed text may hold line breaks or runs of spaces. */
const oneLine = (text: string, max = SUBJECT_PART_MAX): string => {
  const line = text.replace(/\s+/g, " ").trim();
  return clipText(line, max);
};

/** Builds the content once; the text and HTML parts are two renderings of the same model. */
function buildModel(
  incident: IncidentRow,
  routed: RoutedTicket,
  contact: Contact,
  rc: RenderContext,
  rules: readonly RoutingRule[],
): EmailModel {
  const t = (key: string, params?: Params) => plain(rc, key, params);
  const answers = incident.answers as Answers;
  const reporter = (
    typeof answers.reporter === "object" && answers.reporter !== null ? answers.reporter : {}
  ) as Answers;
  const empty = t("email:empty");
  const orEmpty = (v: string) => v || empty;
  /** The label of a stored choice; an unknown value (older data, say) is shown as stored. */
  const choice = (base: string, value: string) => {
    const key = `${base}.${value}`;
    return rc.t.exists(key, rc.locale) ? t(key) : value;
  };
  const choices = (base: string, v: unknown) =>
    list(v)
      .map((value) => choice(base, value))
      .join("; ");
  const yesNo = (v: unknown) => (typeof v === "string" && v ? choice("flow:choice", v) : "");

  const severity = t(severityLabelKey(incident.severity as 1 | 2 | 3 | 4));
  const type = isIncidentType(incident.incidentType)
    ? t(incidentTypeLabelKey(incident.incidentType))
    : incident.incidentType;
  const organisation = str(reporter.organisation) || str(answers.operator);
  const reportedAt = formatDateTime(str(answers.reportedAt) || incident.createdAt, rc.timeZone);
  const detected = formatDateTime(incident.detectedAt, rc.timeZone);
  const [detectedDate = "", detectedTime = ""] = detected.split(" ");
  const deadline = formatDateTime(legalDeadline(incident.detectedAt, rules, "submitted"), rc.timeZone);
  const reasons = (
    Array.isArray(incident.severityReasons) ? incident.severityReasons : []
  ) as LeveledReason[];
  const kinds = routed.kinds.map((k) => choice("routing:kind", k)).join(", ");
  const ruleTexts = routed.rules
    .filter((r) => rc.t.exists(`routing:rule.${r}`, rc.locale))
    .map((r) => `${r}: ${t(`routing:rule.${r}`)}`);
  const files = Array.isArray(answers.files) ? answers.files.length : 0;
  const phone = str(reporter.phone);
  const email = str(reporter.email);

  const subject = `${TBSC_PREFIX} ${oneLine(
    t("email:subject", {
      ticketId: incident.ticketId,
      severity,
      type: oneLine(type),
      organisation: oneLine(organisation || empty),
    }),
    600,
  )}`;

  return {
    subject,
    lang: rc.locale,
    greeting: t("email:greeting", { recipient: contactName(contact, rc.locale) }),
    intro: t("email:intro", { organisation: organisation || empty, reportedAt }),
    confidential: answers.confidential === "yes" ? t("email:confidential") : undefined,
    summary: {
      title: t("email:summary.title"),
      fields: [
        { label: t("email:summary.ticketId"), value: incident.ticketId },
        { label: t("email:summary.severity"), value: severity },
        {
          label: t("email:summary.reasons"),
          value: reasons.map((r) => `– ${t(r.key, r.params)}`).join("\n"),
        },
        {
          label: t("email:summary.routing"),
          value: [
            routed.rules.length > 0
              ? t("email:summary.routingValue", { kinds, rules: routed.rules.join(", ") })
              : kinds,
            ...ruleTexts.map((r) => `– ${r}`),
          ].join("\n"),
        },
        { label: t("email:summary.deadline"), value: deadline },
      ],
    },
    formTitle: t("email:form.title"),
    formSubtitle: t("email:form.subtitle"),
    requiredNote: t("email:form.requiredNote"),
    sections: [
      {
        title: t("email:section.A"),
        fields: [
          { label: t("email:field.A1"), value: orEmpty(str(reporter.organisation)) },
          { label: t("email:field.A2"), value: orEmpty(str(reporter.address)) },
          { label: t("email:field.A3"), value: orEmpty(phone) },
          { label: t("email:field.A4"), value: orEmpty(email) },
        ],
      },
      {
        title: t("email:section.B"),
        fields: [
          { label: t("email:field.B1"), value: orEmpty(str(reporter.fullName)) },
          { label: t("email:field.B2"), value: orEmpty(str(reporter.title)) },
          { label: t("email:field.B3"), value: orEmpty(phone) },
          { label: t("email:field.B4"), value: orEmpty(email) },
        ],
      },
      {
        title: t("email:section.C"),
        fields: [
          { label: t("email:field.C1"), value: orEmpty(str(answers.operator)) },
          { label: t("email:field.C2"), value: orEmpty(str(answers.owner)) },
          { label: t("email:field.C3"), value: orEmpty(str(answers.system)) },
          {
            label: t("email:field.C4"),
            value: orEmpty(
              str(answers.systemLevel) && choice("report:choice.systemLevel", str(answers.systemLevel)),
            ),
          },
          { label: t("email:field.C5C6"), value: orEmpty(str(answers.providers)) },
        ],
      },
      {
        title: t("email:section.D"),
        fields: [
          { label: t("email:field.type"), value: type },
          { label: t("email:field.description"), value: orEmpty(str(answers.description)) },
        ],
      },
      {
        title: t("email:section.E"),
        fields: [
          { label: t("email:field.E1"), value: detectedDate },
          { label: t("email:field.E2"), value: detectedTime },
        ],
      },
      {
        title: t("email:section.F"),
        fields: [],
        body: orEmpty(str(answers.status) && choice("report:choice.status", str(answers.status))),
      },
      {
        title: t("email:section.G"),
        fields: [],
        body: orEmpty(choices("report:choice.detection", answers.detection)),
      },
      {
        title: t("email:section.H"),
        fields: [],
        body: orEmpty(choices("report:choice.notified", answers.notified)),
      },
      {
        title: t("email:section.I"),
        fields: [
          { label: t("email:field.I1"), value: orEmpty(str(answers.os)) },
          { label: t("email:field.I2"), value: orEmpty(choices("report:choice.services", answers.services)) },
          { label: t("email:field.I3"), value: orEmpty(choices("report:choice.controls", answers.controls)) },
          { label: t("email:field.I4"), value: orEmpty(list(answers.ips).join(", ")) },
          { label: t("email:field.I5"), value: orEmpty(list(answers.domains).join(", ")) },
          { label: t("email:field.I6"), value: orEmpty(str(answers.purpose)) },
          {
            label: t("email:field.I7"),
            value: files > 0 ? t("email:files", { count: files }) : t("email:noFiles"),
          },
          { label: t("email:field.I8"), value: orEmpty(yesNo(answers.confidential)) },
        ],
      },
      {
        title: t("email:section.J"),
        fields: [
          { label: t("email:field.J"), value: orEmpty(str(answers.support)) },
          { label: t("email:field.canHandleAlone"), value: orEmpty(yesNo(answers.canHandleAlone)) },
        ],
      },
      { title: t("email:section.K"), fields: [], body: reportedAt },
    ],
    notes: [t("email:note.notification"), t("email:note.contact", { ticketId: incident.ticketId })],
    closing: t("email:closing"),
    signature: t("common:appName"),
  };
}

function textOf(m: EmailModel): string {
  const field = (f: Field) =>
    f.value.includes("\n")
      ? `${f.label}:\n${f.value
          .split("\n")
          .map((l) => `    ${l}`)
          .join("\n")}`
      : `${f.label}: ${f.value}`;
  const section = (s: Section) =>
    [s.title, ...(s.body !== undefined ? [`  ${s.body}`] : []), ...s.fields.map((f) => `  ${field(f)}`)].join(
      "\n",
    );
  return [
    m.greeting,
    m.intro,
    ...(m.confidential ? [m.confidential] : []),
    section(m.summary),
    [m.formTitle, m.formSubtitle, m.requiredNote].join("\n"),
    ...m.sections.map(section),
    m.notes.join("\n"),
    `${m.closing}\n${m.signature}`,
  ]
    .join("\n\n")
    .concat("\n");
}

/** Every string of the model is text: escaped exactly once, here, and line breaks kept visible. */
const h = (text: string) => escapeHtml(text).replace(/'/g, "&#39;").replace(/\r?\n/g, "<br>\n");

function htmlOf(m: EmailModel): string {
  const table = (fields: Field[]) =>
    fields.length === 0
      ? ""
      : `<table role="presentation" cellpadding="6" cellspacing="0" border="1" style="border-collapse:collapse;border-color:#bbb;width:100%;max-width:760px">\n${fields
          .map(
            (f) =>
              `<tr><th align="left" valign="top" style="width:40%;background:#f3f3f3;font-weight:normal">${h(f.label)}</th><td valign="top">${h(f.value)}</td></tr>`,
          )
          .join("\n")}\n</table>`;
  const section = (s: Section) =>
    [
      `<h3 style="font-size:15px;margin:18px 0 6px">${h(s.title)}</h3>`,
      s.body !== undefined ? `<p style="margin:0 0 6px">${h(s.body)}</p>` : "",
      table(s.fields),
    ]
      .filter(Boolean)
      .join("\n");
  return [
    "<!DOCTYPE html>",
    `<html lang="${h(m.lang)}"><head><meta charset="utf-8"><title>${h(m.subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#111">',
    `<p>${h(m.greeting)}</p>`,
    `<p>${h(m.intro)}</p>`,
    m.confidential ? `<p style="color:#a00000"><b>${h(m.confidential)}</b></p>` : "",
    section(m.summary),
    `<h2 style="font-size:17px;text-align:center;margin:24px 0 0">${h(m.formTitle)}</h2>`,
    `<p style="text-align:center;margin:0"><i>${h(m.formSubtitle)}</i></p>`,
    `<p style="text-align:center;margin:0 0 12px"><i>${h(m.requiredNote)}</i></p>`,
    ...m.sections.map(section),
    ...m.notes.map((n) => `<p style="margin-top:18px">${h(n)}</p>`),
    `<p>${h(m.closing)}<br>\n<b>${h(m.signature)}</b></p>`,
    "</body></html>",
  ]
    .filter(Boolean)
    .join("\n")
    .concat("\n");
}

/** Renders the ticket e-mail for one contact: `[TBSC]` subject, Mẫu 03 body as plain text and HTML. */
export function renderTicketEmail(
  incident: IncidentRow,
  routed: RoutedTicket,
  contact: Contact,
  rc: RenderContext,
  /** The active routing rules: the legal deadline the e-mail states comes from their data. */
  rules: readonly RoutingRule[] = DEFAULT_ROUTING_RULES,
): RenderedEmail {
  const model = buildModel(incident, routed, contact, rc, rules);
  return { subject: model.subject, text: textOf(model), html: htmlOf(model) };
}

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
  options: { messageIdDomain?: string | undefined } = {},
): boolean {
  if (contact.emails.length === 0) return false;
  const key = ticketEmailKey(incident.ticketId, contact.id);
  const rendered = renderTicketEmail(incident, routed, contact, rc, store.routingRules());
  const payload: EmailPayload = {
    kind: "email",
    to: [...contact.emails],
    ...rendered,
    ticketId: incident.ticketId,
    messageId: messageIdFor(key, incident, options.messageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN),
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
