import { finalReportAnswers } from "../../flows/final-report.ts";
import type { QuestionnaireContext } from "../../flows/types.ts";
import { ticketEmailAttachments } from "../delivery/documents/attachments.ts";
import {
  type FinalReportAnswers,
  finalAnswersOf,
  finalReportFiles,
} from "../delivery/documents/final-report.ts";
import { cachedDocuments, canSendDocuments, documentMessages } from "../delivery/documents/reporter.ts";
import { EMAIL_CHANNEL } from "../delivery/email.ts";
import { assessReport, inactiveIds } from "../domain/assessment.ts";
import { dutyContacts, isReporterOf, mayHandleTicket } from "../domain/authority.ts";
import { clipText } from "../domain/text-cut.ts";
import { isTicketId, legalDeadline } from "../domain/tickets.ts";
import { queueFinalReportEmails } from "../evidence/final-email.ts";
import { recordLaterEvidence } from "../evidence/record.ts";
import { formatDateTime } from "../present/datetime.ts";
import { contactName } from "../present/incident.ts";
import { SqliteFinalReports } from "../store/repos/final-reports.ts";
import type { IncidentRow } from "../store/store.ts";
import { push, renderTop, top } from "./stack.ts";
import type { Turn } from "./turn.ts";

// The paper trail in chat: `/maubaocao` (the initial report as documents) and `/ketthuc` (the final report's
// flow, then its documents and its "[TBSC]" e-mail to rule R7's recipients). Authority is checked here, on the
// server: the ticket's reporter, or an officer of a contact the ticket went to (or an admin).

/** The token of the button on rule R7's reminder; its value is the ticket id. */
export const FINAL_REPORT_TOKEN = "final";

/** Statuses in which the response has ended, so a final report can be made. */
const RESPONSE_ENDED = new Set(["resolved", "closed"]);

/** The job that reminds the reporter of the final report (armed when the ticket is resolved). */
export const finalReminderKey = (ticketId: string) => `final:${ticketId}`;

/** The ticket a command names, if the person may have its documents; otherwise says why (and audits a refusal). */
function ticketFor(turn: Turn, args: string, usage: string, action: string): IncidentRow | undefined {
  const ticketId = args.trim().split(/\s+/)[0]?.toUpperCase() ?? "";
  if (!ticketId) {
    turn.say(usage);
    return undefined;
  }
  if (!isTicketId(ticketId)) {
    turn.say("common:status.badId", { value: clipText(args, 30) });
    return undefined;
  }
  const incident = turn.store.incidentByTicket(ticketId);
  const { channel, chatId, userId } = turn.event;
  const contacts = [
    ...dutyContacts(turn.store.rolesOf(channel, userId)),
    ...(chatId === userId ? turn.store.contactsOfChat(channel, chatId) : []),
  ];
  const allowed =
    incident !== undefined &&
    (isReporterOf(incident, turn.event) ||
      mayHandleTicket(
        { admin: turn.isAdmin(), contacts },
        incident.routing.destinations.map((d) => d.contactId),
      ));
  if (!allowed) {
    turn.store.audit(turn.at, turn.actor(), action, ticketId, "denied", {});
    // Not found and not yours answer alike, so ticket ids cannot be probed.
    turn.say("common:status.notFound", { ticketId });
    return undefined;
  }
  return incident;
}

/** `/maubaocao SC-…` (`/form`): the initial report (Mẫu 03) as DOCX and PDF, and the final report once filed. */
export function sendForms(turn: Turn, args: string): void {
  const incident = ticketFor(turn, args, "final:form.usage", "document.form");
  if (!incident) return;
  turn.store.audit(turn.at, turn.actor(), "document.form", incident.ticketId, "ok", {});
  if (!canSendDocuments(turn.event.channel)) {
    turn.say("final:form.elsewhere", { ticketId: incident.ticketId });
    return;
  }
  const options = { templateDir: turn.options.templateDir };
  turn.documents.push(
    ...documentMessages(
      ticketEmailAttachments(incident, turn.rc, options),
      turn.t.text(turn.locale, "final:initial.caption", { ticketId: incident.ticketId }),
    ),
  );
  const filed = new SqliteFinalReports(turn.store.db).of(incident.id);
  if (filed) {
    turn.documents.push(
      ...documentMessages(
        finalReportFiles(incident, finalAnswersOf(filed.answers), filed.createdAt, turn.rc, options),
        turn.t.text(turn.locale, "final:done.caption", { ticketId: incident.ticketId }),
      ),
    );
  }
  turn.say("final:form.sent", { ticketId: incident.ticketId });
}

/** `/ketthuc SC-…` (`/finalreport`), or the button on rule R7's reminder: starts the final report's flow. */
export function startFinalReport(turn: Turn, args: string): void {
  const flow = turn.flows.final;
  const incident = flow ? ticketFor(turn, args, "final:start.usage", "document.final") : undefined;
  if (!flow || !incident) {
    renderTop(turn);
    return;
  }
  const filed = new SqliteFinalReports(turn.store.db).of(incident.id);
  if (filed) {
    turn.say("final:start.already", {
      ticketId: incident.ticketId,
      at: formatDateTime(filed.createdAt, turn.options.timeZone),
    });
    renderTop(turn);
    return;
  }
  if (!RESPONSE_ENDED.has(incident.status)) {
    turn.say("final:start.notEnded", {
      ticketId: incident.ticketId,
      status: turn.t.t(turn.locale, `common:ticketStatus.${incident.status}`),
    });
    renderTop(turn);
    return;
  }
  if (top(turn)) {
    // A report or profile in progress stays as it is; the final report waits until it is done or cancelled.
    turn.say("final:start.busy");
    renderTop(turn);
    return;
  }
  const reportedAt =
    typeof incident.answers.reportedAt === "string" ? incident.answers.reportedAt : incident.createdAt;
  const snapshot = flow.runner.initial({
    draftId: `final:${incident.ticketId}:${turn.event.channel}:${turn.event.dedupeKey}`,
    at: turn.at,
    prefill: {
      ticketId: incident.ticketId,
      initialReportedAt: formatDateTime(reportedAt, turn.options.timeZone),
    },
  });
  push(turn, { flow, snapshot });
  turn.say("final:start.intro", { ticketId: incident.ticketId });
  renderTop(turn);
}

/**
 * The final report confirmed: kept (one per ticket), its documents rendered once, e-mailed to rule R7's
 * recipients from the rule data (and the system owner's address when given), sent to the person who filed it,
 * the duty chats told, and rule R7's reminder stopped: the ticket is now closed for the legal clock.
 */
export function fileFinalReport(turn: Turn, context: QuestionnaireContext): void {
  const incident = turn.store.incidentByTicket(String(context.prefill.ticketId ?? ""));
  if (!incident) {
    turn.say("final:error.noTicket");
    return;
  }
  const repo = new SqliteFinalReports(turn.store.db);
  if (repo.of(incident.id)) {
    turn.say("final:start.already", {
      ticketId: incident.ticketId,
      at: formatDateTime(turn.at, turn.options.timeZone),
    });
    return;
  }
  const filed = finalReportAnswers(context);
  const answers: FinalReportAnswers = {
    ...finalAnswersOf(filed),
    documents: context.files.map((f) => f.name ?? f.kind),
  };
  const ownerEmail = typeof filed.ownerEmail === "string" ? filed.ownerEmail : undefined;
  const contacts = turn.store.contacts();
  const r7 = assessReport(incident.answers, turn.store.routingRules(), "closed", inactiveIds(contacts))
    .routing.destinations.filter((d) => d.kinds.includes("final_report"))
    .flatMap((d) => contacts.filter((c) => c.id === d.contactId));
  const recipients = [...r7.map((c) => c.id), ...(ownerEmail ? ["owner"] : [])];
  // The documents attached are evidence like the report's files: recorded now, fetched after the commit; the
  // receipts go to the chat the report was filed from (an officer may file it).
  const filedIn = { channel: turn.event.channel, chatId: turn.event.chatId };
  const evidence = recordLaterEvidence(
    turn.store,
    incident,
    context.files,
    { channel: filedIn.channel, messageRef: null },
    turn.at,
  );
  repo.add({
    incidentId: incident.id,
    answers: {
      ...answers,
      ...(ownerEmail ? { ownerEmail } : {}),
      files: context.files,
      evidence,
      filedIn,
    },
    recipients,
    createdBy: turn.actor(),
    createdAt: turn.at,
  });
  turn.store.cancelJob(finalReminderKey(incident.ticketId));
  turn.store.audit(turn.at, turn.actor(), "ticket.final_report", incident.ticketId, "ok", { recipients });

  const options = { templateDir: turn.options.templateDir };
  // Without files the e-mail is queued now; with files, by the evidence keeper once they are all settled.
  if (turn.options.email) {
    const queued = queueFinalReportEmails(turn.store, incident, {
      rc: { ...turn.rc, locale: turn.options.defaultLocale },
      templateDir: turn.options.templateDir,
      messageIdDomain: turn.options.email.messageIdDomain,
      at: turn.at,
    });
    for (const recipient of queued) turn.touch(EMAIL_CHANNEL, recipient);
  }
  const names = [
    ...r7.map((c) => contactName(c, turn.locale)),
    ...(ownerEmail ? [turn.t.text(turn.locale, "final:done.owner", { email: ownerEmail })] : []),
  ];
  if (canSendDocuments(turn.event.channel)) {
    turn.documents.push(
      ...documentMessages(
        // The same files as the e-mail's when the reader's language is the deployment's: rendered once.
        cachedDocuments(`${incident.ticketId}:final:${turn.at}:${turn.locale}`, () =>
          finalReportFiles(incident, answers, turn.at, turn.rc, options),
        ),
        turn.t.text(turn.locale, "final:done.caption", { ticketId: incident.ticketId }),
      ),
    );
  }
  turn.say("final:done.filed", { ticketId: incident.ticketId, recipients: names.join(", ") });
  const chats = new Map<string, { channel: string; chatId: string }>();
  for (const post of turn.store.dutyPosts(incident.id)) chats.set(`${post.channel}:${post.chatId}`, post);
  const duty = turn.t.t(turn.options.defaultLocale, "final:done.duty", {
    ticketId: incident.ticketId,
    recipients: names.join(", "),
  });
  for (const chat of chats.values())
    turn.others.push({ channel: chat.channel, chatId: chat.chatId, text: duty });
}

/** The final report's line in `/trangthai`: filed (when, to whom), or still due (by when) once the response ended. */
export function finalReportStatus(turn: Turn, incident: IncidentRow): string | undefined {
  const filed = new SqliteFinalReports(turn.store.db).of(incident.id);
  if (filed) {
    return turn.t.t(turn.locale, "final:status.filed", {
      at: formatDateTime(filed.createdAt, turn.options.timeZone),
    });
  }
  if (!RESPONSE_ENDED.has(incident.status)) return undefined;
  const resolvedAt = turn.store.job(finalReminderKey(incident.ticketId))?.payload.resolvedAt;
  const from = typeof resolvedAt === "string" ? resolvedAt : incident.updatedAt;
  return turn.t.t(turn.locale, "final:status.due", {
    ticketId: incident.ticketId,
    deadline: formatDateTime(legalDeadline(from, turn.store.routingRules(), "closed"), turn.options.timeZone),
  });
}
