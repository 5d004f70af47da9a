import { createHash } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import type { Contact } from "../domain/contacts.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import type { LeveledReason } from "../domain/severity.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { clipText } from "../domain/text-cut.ts";
import { contactName, formatDateTime, type RenderContext } from "../engine/render.ts";
import type { RoutedTicket } from "../engine/types.ts";
import { escapeHtml, type Params } from "../i18n.ts";
import type { IncidentRow, Store } from "../store/store.ts";

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

// Circular 20/2017 Art. 9: notify within 5 days of detection (as the duty message and the reporter's receipt say).
const LEGAL_DEADLINE_MS = 5 * 86_400_000;
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

/**
 * The translator escapes every parameter for HTML; an e-mail needs the raw text (the HTML part escapes it
 * once, at the end). String parameters go through as inert private-use markers and are put back verbatim;
 * numbers pass as they are, so plural and number formatting still work.
 */
function plain(rc: RenderContext, key: string, params?: Params): string {
  if (!params) return rc.t.t(rc.locale, key);
  const raw: string[] = [];
  const marked: Params = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string") {
      marked[name] = `\uE000${raw.length}\uE001`;
      raw.push(value);
    } else {
      marked[name] = value;
    }
  }
  return rc.t.t(rc.locale, key, marked).replace(/\uE000(\d+)\uE001/g, (_, i: string) => raw[Number(i)] ?? "");
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
  const deadline = formatDateTime(
    new Date(Date.parse(incident.detectedAt) + LEGAL_DEADLINE_MS).toISOString(),
    rc.timeZone,
  );
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
): RenderedEmail {
  const model = buildModel(incident, routed, contact, rc);
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
  const rendered = renderTicketEmail(incident, routed, contact, rc);
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
