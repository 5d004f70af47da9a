import type { Contact } from "../../domain/contacts.ts";
import { incidentTypeLabelKey, isIncidentType } from "../../domain/incident-types.ts";
import { DEFAULT_ROUTING_RULES, type RoutingRule } from "../../domain/routing.ts";
import type { LeveledReason } from "../../domain/severity.ts";
import { severityLabelKey } from "../../domain/severity.ts";
import { clipText } from "../../domain/text-cut.ts";
import { legalDeadline } from "../../domain/tickets.ts";
import { escapeHtml, type Params } from "../../i18n.ts";
import type { RoutedTicket } from "../../messages.ts";
import { formatDateTime } from "../../present/datetime.ts";
import { contactName, type RenderContext } from "../../present/incident.ts";
import type { IncidentRow } from "../../store/store.ts";
import { incidentForm } from "../documents/form.ts";
import { type FieldView, type FormView, formView, plain, type SectionView } from "../documents/view.ts";

/** Circular 20/2017 (note printed on Mẫu 03): e-mailed notifications start their subject with this. */
export const TBSC_PREFIX = "[TBSC]";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT_PART_MAX = 120;

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
  form: FormView;
  notes: string[];
  closing: string;
  signature: string;
}

/** A subject is one line: typed text may hold line breaks or runs of spaces. */
const oneLine = (text: string, max = SUBJECT_PART_MAX): string => {
  const line = text.replace(/\s+/g, " ").trim();
  return clipText(line, max);
};

/**
 * A Mẫu 03 section as an e-mail block. A section that is one field of its own code (F, G, H, K) shows the
 * value under its heading; the signature block is left to the signed document, which an e-mail is not.
 */
function emailSection(s: SectionView): Section | undefined {
  const fields = s.fields.filter((f) => !f.signature);
  if (fields.length === 0) return undefined;
  const [only] = fields;
  if (fields.length === 1 && only?.code === s.code) return { title: s.title, fields: [], body: only.text };
  return { title: s.title, fields: fields.map((f: FieldView) => ({ label: f.label, value: f.text })) };
}

/** Builds the content once; the text and HTML parts are two renderings of the same model. */
function buildModel(
  incident: IncidentRow,
  routed: RoutedTicket,
  contact: Contact,
  rc: RenderContext,
  rules: readonly RoutingRule[],
): EmailModel {
  const t = (key: string, params?: Params) => plain(rc, key, params);
  const empty = t("email:empty");
  /** The label of a stored choice; an unknown value (older data, say) is shown as stored. */
  const choice = (base: string, value: string) => {
    const key = `${base}.${value}`;
    return rc.t.exists(key, rc.locale) ? t(key) : value;
  };
  const form = formView(incidentForm(incident), rc, { merge: true });
  const severity = t(severityLabelKey(incident.severity as 1 | 2 | 3 | 4));
  const type = isIncidentType(incident.incidentType)
    ? t(incidentTypeLabelKey(incident.incidentType))
    : incident.incidentType;
  const operator = incident.answers.operator;
  const organisation = form.organisation || (typeof operator === "string" ? operator.trim() : "");
  // The notification deadline comes from the routing rules' data (Circular 20/2017 Art. 9 by default), as on
  // the duty post and the reporter's receipt.
  const deadline = formatDateTime(legalDeadline(incident.detectedAt, rules, "submitted"), rc.timeZone);
  const reasons = (
    Array.isArray(incident.severityReasons) ? incident.severityReasons : []
  ) as LeveledReason[];
  const files = Array.isArray(incident.answers.files) ? incident.answers.files.length : 0;
  const kinds = routed.kinds.map((k) => choice("routing:kind", k)).join(", ");
  const ruleTexts = routed.rules
    .filter((r) => rc.t.exists(`routing:rule.${r}`, rc.locale))
    .map((r) => `${r}: ${t(`routing:rule.${r}`)}`);

  // A quick alert's e-mail says it is preliminary; the complete report's e-mail follows without the mark.
  const mark = incident.preliminary ? `${t("alert:emailMark")} ` : "";
  const subject = `${TBSC_PREFIX} ${mark}${oneLine(
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
    intro: t("email:intro", { organisation: organisation || empty, reportedAt: form.reportedAt }),
    confidential: form.confidential ? t("email:confidential") : undefined,
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
    form,
    notes: [
      ...(files > 0 ? [t("email:files", { count: files })] : []),
      t("email:note.notification"),
      t("email:note.contact", { ticketId: incident.ticketId }),
    ],
    closing: t("email:closing"),
    signature: t("common:appName"),
  };
}

const formSections = (m: EmailModel): Section[] =>
  m.form.sections.map(emailSection).filter((s): s is Section => s !== undefined);

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
    [m.form.title, m.form.subtitle, m.form.requiredNote].join("\n"),
    ...formSections(m).map(section),
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
    `<h2 style="font-size:17px;text-align:center;margin:24px 0 0">${h(m.form.title)}</h2>`,
    `<p style="text-align:center;margin:0"><i>${h(m.form.subtitle)}</i></p>`,
    `<p style="text-align:center;margin:0 0 12px"><i>${h(m.form.requiredNote)}</i></p>`,
    ...formSections(m).map(section),
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

/** A file to attach to an e-mail, as it is queued: the bytes in base64, so the outbox row stays JSON. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
}
