import { ticketEmailAttachments } from "../delivery/documents/attachments.ts";
import { cachedDocuments, canSendDocuments, documentMessages } from "../delivery/documents/reporter.ts";
import type { EmailAttachment } from "../delivery/email/compose.ts";
import { resolveLocale } from "../i18n.ts";
import type { RenderContext } from "../present/incident.ts";
import { SqliteFinalReports } from "../store/repos/final-reports.ts";
import type { IncidentRow } from "../store/store.ts";
import type { TicketWork } from "./ticket-work.ts";

// The initial report (Mẫu 03) as documents, delivered from the fan-out that follows a submission: attached to
// the "[TBSC]" e-mails and sent to the reporter. The fan-out pass repeats every minute while a contact has no
// duty chat bound, so each document is rendered only for a row not yet queued, and once per ticket version.

/** The Mẫu 03 DOCX and PDF of a ticket in a reader's language, rendered once per ticket version and language. */
export function initialReportFiles(
  incident: IncidentRow,
  rc: RenderContext,
  templateDir: string | undefined,
): EmailAttachment[] {
  return cachedDocuments(`${incident.ticketId}:${incident.updatedAt}:${rc.locale}:initial`, () =>
    ticketEmailAttachments(incident, rc, { templateDir }),
  );
}

/** True when no outbox row of this key exists yet: only then is a document worth rendering. */
export function notQueuedYet(work: TicketWork, key: string): boolean {
  return !new SqliteFinalReports(work.store.db).queued(key);
}

export const initialDocumentKey = (ticketId: string) => `document:${ticketId}:initial`;

/**
 * The reporter gets the initial report once: as two files on a channel that sends files, else a text saying
 * where to get it. Returns the reporter's chat when something was queued (to flush), else undefined.
 */
export function initialReportToReporter(
  work: TicketWork,
  incident: IncidentRow,
  templateDir: string | undefined,
): { channel: string; chatId: string } | undefined {
  const key = initialDocumentKey(incident.ticketId);
  if (!notQueuedYet(work, key)) return undefined;
  const locale = resolveLocale(incident.reporterLocale, undefined, work.o.defaultLocale);
  const params = { ticketId: incident.ticketId };
  const { channel, chatId } = incident;
  if (canSendDocuments(channel)) {
    const files = initialReportFiles(incident, work.rc(locale), templateDir);
    const caption = work.o.translator.text(locale, "final:initial.caption", params);
    documentMessages(files, caption).forEach((message, i) => {
      work.store.enqueue(i === 0 ? key : `${key}:${i}`, channel, chatId, message, work.at);
    });
  } else {
    work.store.enqueue(
      key,
      channel,
      chatId,
      { kind: "chat", text: work.t(locale, "final:initial.elsewhere", params) },
      work.at,
    );
  }
  return { channel, chatId };
}
