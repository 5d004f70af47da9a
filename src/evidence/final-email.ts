import { finalEmailKey, finalReportEmail } from "../delivery/documents/final-email.ts";
import { finalAnswersOf, finalReportFiles, finalReportView } from "../delivery/documents/final-report.ts";
import { cachedDocuments } from "../delivery/documents/reporter.ts";
import { EMAIL_CHANNEL } from "../delivery/email.ts";
import type { RenderContext } from "../present/incident.ts";
import type { EvidenceRow } from "../store/repos/evidence.ts";
import { type FinalReportRow, SqliteFinalReports } from "../store/repos/final-reports.ts";
import type { IncidentRow, Store } from "../store/store.ts";
import { evidenceForEmail } from "./email.ts";
import type { EvidenceFiles } from "./files.ts";

// The final report's "[TBSC]" e-mail to rule R7's recipients carries the report as documents and the files the
// flow asked for ("the documents attached, as files"), kept as evidence: downloaded, hashed and stored first. So
// a report with files is e-mailed once its files are settled (by the evidence keeper, in the transaction that
// settles the last one); a report without files at once, in the filing's own transaction.

/** The places (evidence positions) of the final report's own files, as its row records them. */
export function finalReportPositions(filed: FinalReportRow): number[] {
  const positions = filed.answers.evidence;
  return Array.isArray(positions) ? positions.filter((p): p is number => typeof p === "number") : [];
}

/** The chat the final report was filed from (its files' receipts go there), as its row records it. */
export function finalReportChat(filed: FinalReportRow): { channel: string; chatId: string } | undefined {
  const chat = filed.answers.filedIn as { channel?: unknown; chatId?: unknown } | undefined;
  return typeof chat?.channel === "string" && typeof chat.chatId === "string"
    ? { channel: chat.channel, chatId: chat.chatId }
    : undefined;
}

export interface FinalEmailOptions {
  /** The deployment's language: the official copy, like the initial report's e-mail. */
  rc: RenderContext;
  templateDir?: string | undefined;
  messageIdDomain?: string | undefined;
  /** The kept files and the e-mail's limit for attaching them (the others are listed with their hash). */
  evidence?: { files: EvidenceFiles; maxBytes: number } | undefined;
  at: string;
}

/**
 * Queues the final report's e-mail to each of its recipients (rule R7's contacts with an address, and the system
 * owner's own address) once every file of the report is settled; returns the recipients queued for (none while a
 * file is still being fetched, and for a repeat: each recipient's row is written once, rendered only then).
 */
export function queueFinalReportEmails(store: Store, incident: IncidentRow, o: FinalEmailOptions): string[] {
  const reports = new SqliteFinalReports(store.db);
  const filed = reports.of(incident.id);
  if (!filed) return [];
  const positions = new Set(finalReportPositions(filed));
  const rows: EvidenceRow[] = store.evidence.ofIncident(incident.id).filter((r) => positions.has(r.position));
  if (rows.some((r) => r.status === "pending")) return [];
  const ownerEmail = typeof filed.answers.ownerEmail === "string" ? filed.answers.ownerEmail : undefined;
  const recipients = filed.recipients.flatMap((id): Array<{ id: string; to: string[] }> => {
    if (id === "owner") return ownerEmail ? [{ id, to: [ownerEmail] }] : [];
    const contact = store.contact(id);
    return contact && contact.emails.length > 0 ? [{ id, to: [...contact.emails] }] : [];
  });
  const waiting = recipients.filter((r) => !reports.queued(finalEmailKey(incident.ticketId, r.id)));
  if (waiting.length === 0) return [];
  const { rc } = o;
  const answers = finalAnswersOf(filed.answers);
  const view = finalReportView(incident, answers, filed.createdAt, rc);
  const documents = cachedDocuments(`${incident.ticketId}:final:${filed.createdAt}:${rc.locale}`, () =>
    finalReportFiles(incident, answers, filed.createdAt, rc, { templateDir: o.templateDir }),
  );
  const kept =
    rows.length > 0 && o.evidence
      ? evidenceForEmail(rows, o.evidence.files, o.evidence.maxBytes, rc.t, rc.locale)
      : { attachments: [], lines: [] };
  for (const r of waiting) {
    const key = finalEmailKey(incident.ticketId, r.id);
    const payload = finalReportEmail(incident, view, rc, {
      to: r.to,
      key,
      messageIdDomain: o.messageIdDomain,
      attachments: [...documents, ...kept.attachments],
      files: kept.lines,
    });
    store.enqueue(key, EMAIL_CHANNEL, r.id, payload, o.at);
  }
  return waiting.map((r) => r.id);
}
