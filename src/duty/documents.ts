import { ticketEmailAttachments } from "../delivery/documents/attachments.ts";
import { cachedDocuments, canSendDocuments, documentMessages } from "../delivery/documents/reporter.ts";
import type { EmailAttachment } from "../delivery/email/compose.ts";
import { enqueueTicketEmail, ticketEmailKey } from "../delivery/email.ts";
import { resolveLocale } from "../i18n.ts";
import type { RoutedTicket } from "../messages.ts";
import type { RenderContext } from "../present/incident.ts";
import { SqliteFinalReports } from "../store/repos/final-reports.ts";
import type { IncidentRow } from "../store/store.ts";
import { DOCUMENTS_JOB, type DutyDeskOptions, type TicketWork } from "./ticket-work.ts";

export { DOCUMENTS_JOB } from "./ticket-work.ts";

// The initial report (Mẫu 03) as documents: attached to the "[TBSC]" e-mails and sent to the reporter. The
// fan-out arms one persisted job per ticket (cheap, inside its pass) and the job renders and queues: the duty
// posts never wait for a PDF, a crash between the two leaves the job due, and the fan-out pass that repeats
// every minute while a contact has no duty chat bound renders nothing (the job exists already).

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
const documentsJobKey = (ticketId: string) => `documents:${ticketId}`;

/** Arms the ticket's documents job once (due now); a repeated fan-out pass finds it and does nothing. */
export function armDocuments(work: TicketWork, incident: IncidentRow): void {
  const key = documentsJobKey(incident.ticketId);
  if (work.store.job(key)) return;
  work.store.scheduleJob(key, DOCUMENTS_JOB, work.at, { ticketId: incident.ticketId }, work.at);
}

/**
 * The documents job: each routed contact with an address gets its "[TBSC]" e-mail with the initial report
 * attached (when SMTP is set), and the reporter gets the report in chat. A row already queued is skipped
 * before anything is rendered.
 */
export function deliverDocuments(o: DutyDeskOptions, work: TicketWork, incident: IncidentRow): void {
  if (o.email) {
    for (const d of incident.routing.destinations) {
      const contact = work.store.contact(d.contactId);
      if (!contact?.active || contact.emails.length === 0) continue;
      if (!notQueuedYet(work, ticketEmailKey(incident.ticketId, contact.id))) continue;
      const routed: RoutedTicket = {
        kind: "ticket_routed",
        ticketId: incident.ticketId,
        contactId: d.contactId,
        contactVersion: d.contactVersion,
        kinds: d.kinds,
        rules: d.rules,
      };
      enqueueTicketEmail(work.store, incident, routed, contact, work.rc(), work.at, {
        ...(o.email.messageIdDomain ? { messageIdDomain: o.email.messageIdDomain } : {}),
        attachments: initialReportFiles(incident, work.rc(), o.templateDir),
      });
    }
  }
  initialReportToReporter(work, incident, o.templateDir);
}

/**
 * The reporter gets the initial report once: as two files on a channel that sends files, else a text saying
 * where to get it.
 */
export function initialReportToReporter(
  work: TicketWork,
  incident: IncidentRow,
  templateDir: string | undefined,
): void {
  const key = initialDocumentKey(incident.ticketId);
  if (!notQueuedYet(work, key)) return;
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
  work.touched.set(`${channel}\u0000${chatId}`, { channel, chatId });
}
