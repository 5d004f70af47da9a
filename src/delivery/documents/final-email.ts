import { createHash } from "node:crypto";
import { escapeHtml } from "../../i18n.ts";
import type { RenderContext } from "../../present/incident.ts";
import type { IncidentRow } from "../../store/store.ts";
import { type EmailAttachment, TBSC_PREFIX } from "../email/compose.ts";
import type { EmailPayload } from "../email.ts";
import type { FormView } from "./view.ts";

/** The idempotency key of a ticket's final-report e-mail to one recipient (a contact id, or "owner"). */
export const finalEmailKey = (ticketId: string, recipient: string) => `final-email:${ticketId}:${recipient}`;

/** A Message-ID fixed by the key and the ticket's own submission, the same on every attempt. */
function messageId(key: string, incident: IncidentRow, domain: string): string {
  const digest = createHash("sha256")
    .update(`${key}\n${incident.submissionKey}\n${incident.createdAt}`)
    .digest("hex")
    .slice(0, 20);
  return `<${key.replace(/[^A-Za-z0-9-]/g, ".")}.${digest}@${domain}>`;
}

/**
 * The final report's "[TBSC]" e-mail: the report's text as the body (the e-mail is the notification), the
 * signed document to follow being the attached DOCX (and the same as PDF). Rendered once, when queued.
 */
export function finalReportEmail(
  incident: IncidentRow,
  view: FormView,
  rc: RenderContext,
  options: {
    to: string[];
    key: string;
    messageIdDomain?: string | undefined;
    attachments: EmailAttachment[];
    /** The report's files, one line each with its hash (attached, or said to be too big to attach). */
    files?: readonly string[] | undefined;
  },
): EmailPayload {
  const intro = rc.t.text(rc.locale, "final:email.intro", { ticketId: incident.ticketId });
  const sections = view.sections.map((s) => ({
    title: s.title,
    lines: s.fields.map((f) => ({ label: `${f.code}. ${f.label}`, text: f.text })),
  }));
  const files = options.files ?? [];
  const filesTitle = rc.t.text(rc.locale, "paper:finalEmail.files");
  const text = [
    intro,
    ...sections.map((s) => [s.title, ...s.lines.map((l) => `${l.label}: ${l.text}`)].join("\n")),
    ...(files.length > 0 ? [[filesTitle, ...files].join("\n")] : []),
  ].join("\n\n");
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    ...sections.map(
      (s) =>
        `<h3>${escapeHtml(s.title)}</h3><ul>${s.lines
          .map((l) => `<li><b>${escapeHtml(l.label)}:</b> ${escapeHtml(l.text).replace(/\n/g, "<br>")}</li>`)
          .join("")}</ul>`,
    ),
    ...(files.length > 0
      ? [
          `<h3>${escapeHtml(filesTitle)}</h3><ul>${files.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>`,
        ]
      : []),
  ].join("\n");
  return {
    kind: "email",
    to: options.to,
    subject: `${TBSC_PREFIX} ${view.title} – ${incident.ticketId}`,
    text,
    html,
    ticketId: incident.ticketId,
    messageId: messageId(options.key, incident, options.messageIdDomain ?? "incident-bot.invalid"),
    attachments: options.attachments,
  };
}
