import type { TicketActor } from "../../flows/ticket.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { legalDeadline } from "../domain/tickets.ts";
import { formatDateTime } from "../present/datetime.ts";
import { SqliteFinalReports } from "../store/repos/final-reports.ts";
import type { IncidentRow, JobRow } from "../store/store.ts";
import { ackDueAt, reraiseMs } from "./deadline-settings.ts";
import {
  ACK_DEADLINE_JOB,
  type DutyDeskOptions,
  escalationCandidates,
  FINAL_REPORT_JOB,
  type TicketWork,
  UNRESOLVED_JOB,
} from "./ticket-work.ts";

// The reminders nobody may miss, fired by the scheduler through DutyDesk.fireJob inside its transaction.

const SYSTEM_ACTOR: TicketActor = { id: "system:sla", name: "SLA", contacts: [], admin: true };
/**
 * Still unacknowledged at its deadline: a reminder in its duty chats, escalation to the next organisation
 * of the chain not yet on the ticket, the reporter told, and the deadline armed again from now.
 */
export function ackDeadlinePassed(
  o: DutyDeskOptions,
  work: TicketWork,
  incident: IncidentRow,
  job: JobRow,
): void {
  if (!["new", "escalated"].includes(incident.status)) return;
  const locale = o.defaultLocale;
  work.toDutyChats(incident, "duty:sla.reminder", {
    ticketId: incident.ticketId,
    severity: work.t(locale, severityLabelKey(incident.severity as 1 | 2 | 3 | 4)),
    deadline: formatDateTime(job.dueAt, o.timeZone),
  });
  const escalatedTo = escalateUnacknowledged(o, work, incident);
  work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.ack_deadline", incident.ticketId, "ok", {
    escalatedTo: escalatedTo ?? null,
  });
  if (!escalatedTo) {
    work.store.scheduleJob(
      `ack:${incident.ticketId}`,
      ACK_DEADLINE_JOB,
      ackDueAt(o, work.at, incident.severity),
      { ticketId: incident.ticketId, from: work.at },
      work.at,
    );
  }
}

/**
 * Escalation of a ticket nobody acknowledged, to the next organisation of the chain not yet on it (at the
 * acknowledge deadline, or when every person of a unit's page chain was paged in vain); the reporter is told.
 * Returns the organisation it went to, if any.
 */
export function escalateUnacknowledged(
  _o: DutyDeskOptions,
  work: TicketWork,
  incident: IncidentRow,
): string | undefined {
  const onTicket = incident.routing.destinations.map((d) => d.contactId);
  const next = escalationCandidates(work.store.contacts(), onTicket, "sla")[0];
  const escalated = next ? work.escalate(incident, next.id, SYSTEM_ACTOR, "ack_deadline") : undefined;
  if (!next || !escalated) return undefined;
  work.toReporter(incident, "duty:sla.escalated", {
    ticketId: incident.ticketId,
    contact: work.contactName(next.id, work.reporterLocale(incident)),
  });
  work.refreshDutyPosts(escalated);
  return next.id;
}

/** Acknowledged but not resolved after the configured time: raised again in its duty chats, and re-armed. */
export function stillUnresolved(o: DutyDeskOptions, work: TicketWork, incident: IncidentRow): void {
  if (!["acknowledged", "in_progress", "waiting_reporter"].includes(incident.status)) return;
  const last = work.store.timeline(incident.id).at(-1);
  work.toDutyChats(incident, "duty:sla.unresolved", {
    ticketId: incident.ticketId,
    status: work.t(o.defaultLocale, `common:ticketStatus.${incident.status}`),
    since: formatDateTime(last?.at ?? incident.createdAt, o.timeZone),
  });
  work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.unresolved_reminder", incident.ticketId, "ok", {});
  work.store.scheduleJob(
    `unresolved:${incident.ticketId}`,
    UNRESOLVED_JOB,
    work.later(reraiseMs(o, work.at)),
    { ticketId: incident.ticketId },
    work.at,
  );
}

/**
 * The notification clock of Circular 20/2017 (the rules' deadline, 5 days by default) is about to run out and no organisation has confirmed
 * receiving the ticket: the duty chats are asked to acknowledge, the reporter to notify formally as well.
 */
export function legalDeadlineNear(
  o: DutyDeskOptions,
  work: TicketWork,
  incident: IncidentRow,
  deadline: string,
): void {
  // Once an organisation has acknowledged the ticket, the notification the Circular asks for was received.
  if (!["new", "escalated"].includes(incident.status)) return;
  const when = formatDateTime(deadline || incident.detectedAt, o.timeZone);
  work.toDutyChats(incident, "duty:sla.legalDuty", { ticketId: incident.ticketId, deadline: when });
  work.toReporter(incident, "duty:sla.legalReporter", { ticketId: incident.ticketId, deadline: when });
  work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.legal_warning", incident.ticketId, "ok", {});
}

/**
 * Rule R7: after the response ends the reporter is reminded that the final report is due (the closing rules'
 * deadline, 5 days by default), with a button that starts it, and again each day until the deadline. Once the
 * final report exists the ticket is closed for the legal clock: nothing more is sent.
 */
export function finalReportDue(
  o: DutyDeskOptions,
  work: TicketWork,
  incident: IncidentRow,
  resolvedAt: string,
): void {
  if (!["resolved", "closed"].includes(incident.status)) return;
  if (new SqliteFinalReports(work.store.db).of(incident.id)) return;
  const deadline = legalDeadline(resolvedAt, work.store.routingRules(), "closed");
  const locale = work.reporterLocale(incident);
  work.post(incident.channel, incident.chatId, {
    kind: "chat",
    text: [
      work.t(locale, "duty:sla.finalReport", {
        ticketId: incident.ticketId,
        resolvedAt: formatDateTime(resolvedAt, o.timeZone),
        deadline: formatDateTime(deadline, o.timeZone),
      }),
      work.t(locale, "final:reminder.how", { ticketId: incident.ticketId }),
    ].join("\n\n"),
    token: "final",
    choices: [{ value: incident.ticketId, label: work.t(locale, "final:reminder.button") }],
  });
  work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.final_report_reminder", incident.ticketId, "ok", {});
  const next = work.later(24 * 3_600_000);
  if (Date.parse(next) < Date.parse(deadline)) {
    work.store.scheduleJob(
      `final:${incident.ticketId}`,
      FINAL_REPORT_JOB,
      next,
      { ticketId: incident.ticketId, resolvedAt },
      work.at,
    );
  }
}
