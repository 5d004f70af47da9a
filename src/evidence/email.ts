import { createHash } from "node:crypto";
import { EMAIL_CHANNEL, type EmailAttachment, type EmailPayload, TBSC_PREFIX } from "../delivery/email.ts";
import { escapeHtml, type Locale, type Translator } from "../i18n.ts";
import type { EvidenceRow } from "../store/repos/evidence.ts";
import type { IncidentRow, Store } from "../store/store.ts";
import type { EvidenceFiles } from "./files.ts";
import { evidenceTextLines } from "./present.ts";

/** The idempotency key of a ticket's evidence e-mail to a contact: one per ticket and organisation. */
export const evidenceEmailKey = (ticketId: string, contactId: string) =>
  `email:evidence:${ticketId}:${contactId}`;

/** The key of the follow-up e-mail for one file sent after the submission: one per file and organisation. */
export const laterEvidenceEmailKey = (ticketId: string, contactId: string, position: number) =>
  `email:evidence:${ticketId}:${contactId}:${position}`;

/**
 * The stored files among `rows` as e-mail attachments while their total stays within `maxBytes` (named by their
 * order, `01-name`), and one numbered plain-text line per file with its name, type, size and SHA-256, saying
 * which stored file was left out for its size (it can still be checked against its hash when obtained).
 */
export function evidenceForEmail(
  rows: readonly EvidenceRow[],
  files: EvidenceFiles,
  maxBytes: number,
  t: Translator,
  locale: Locale,
): { attachments: EmailAttachment[]; lines: string[] } {
  const attachments: EmailAttachment[] = [];
  const attached = new Set<number>();
  let total = 0;
  rows.forEach((row, i) => {
    if (row.status !== "stored" || !row.path || row.size === null || total + row.size > maxBytes) return;
    const bytes = files.read(row.path);
    if (!bytes) return;
    total += bytes.length;
    attached.add(row.id);
    attachments.push({
      filename: `${String(i + 1).padStart(2, "0")}-${row.name}`,
      contentType: row.mime,
      content: bytes.toString("base64"),
    });
  });
  const lines = evidenceTextLines(rows, t, locale).map((line, i) => {
    const row = rows[i];
    const note =
      row?.status === "stored" && !attached.has(row.id)
        ? ` ${t.text(locale, "evidence:email.notAttached")}`
        : "";
    return `${i + 1}. ${line}${note}`;
  });
  return { attachments, lines };
}

/**
 * The files of a ticket as a "[TBSC]" e-mail to each organisation the ticket went to, once every file is
 * settled: the ticket's own e-mail leaves at once (the notification does not wait for downloads), this one
 * follows with the files attached while their total stays under the limit, and every file listed with its
 * name, type, size and SHA-256, so an attachment too big to send can still be checked when it is obtained.
 * Returns how many e-mails were queued (a repeat is a no-op through the key).
 */
export function queueEvidenceEmails(
  store: Store,
  incident: IncidentRow,
  rows: readonly EvidenceRow[],
  files: EvidenceFiles,
  o: {
    translator: Translator;
    locale: Locale;
    maxBytes: number;
    messageIdDomain?: string | undefined;
    at: string;
    /**
     * A file the reporter sent after the submission (an answer to a duty officer): its own follow-up e-mail,
     * one per file, worded as an addition to the ticket's evidence.
     */
    later?: boolean;
  },
): number {
  if (rows.length === 0) return 0;
  const { translator: t, locale } = o;
  const { attachments, lines } = evidenceForEmail(rows, files, o.maxBytes, t, locale);
  const wording = o.later ? "evidence:email.later" : "evidence:email";
  const subject = `${TBSC_PREFIX} ${t.text(locale, `${wording}.subject`, { ticketId: incident.ticketId })}`;
  const intro = t.text(locale, `${wording}.intro`, { ticketId: incident.ticketId, count: rows.length });
  const closing = t.text(locale, "evidence:email.closing");
  const text = [intro, "", ...lines, "", closing].join("\n");
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    "<ol>",
    ...rows.map((row, i) => `<li>${escapeHtml(lines[i]?.replace(/^\d+\. /, "") ?? row.name)}</li>`),
    "</ol>",
    `<p>${escapeHtml(closing)}</p>`,
  ].join("\n");
  let queued = 0;
  for (const destination of incident.routing.destinations) {
    const contact = store.contact(destination.contactId);
    if (!contact?.active || contact.emails.length === 0) continue;
    const key = o.later
      ? laterEvidenceEmailKey(incident.ticketId, contact.id, rows[0]?.position ?? 0)
      : evidenceEmailKey(incident.ticketId, contact.id);
    const digest = createHash("sha256")
      .update(`${key}\n${incident.submissionKey}\n${incident.createdAt}`)
      .digest("hex")
      .slice(0, 20);
    const payload: EmailPayload = {
      kind: "email",
      to: [...contact.emails],
      subject,
      text,
      html,
      ticketId: incident.ticketId,
      messageId: `<${key.replace(/[^A-Za-z0-9-]/g, ".")}.${digest}@${o.messageIdDomain ?? "incident-bot.invalid"}>`,
      ...(attachments.length > 0 ? { attachments } : {}),
    };
    if (store.enqueue(key, EMAIL_CHANNEL, contact.id, payload, o.at) !== undefined) queued++;
  }
  return queued;
}
