import { isReporterOf } from "../domain/authority.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { clipText } from "../domain/text-cut.ts";
import { isTicketId } from "../domain/tickets.ts";
import { evidenceLines } from "../evidence/present.ts";
import { escapeHtml } from "../i18n.ts";
import { formatDateTime } from "../present/datetime.ts";
import { finalReportStatus } from "./final-report.ts";
import type { Turn } from "./turn.ts";

export function status(turn: Turn, args: string): void {
  const ticketId = args.trim().toUpperCase();
  // Without a ticket id, the reporter's own tickets: the ids are there to pick from.
  if (!ticketId) {
    myTickets(turn, true);
    return;
  }
  if (!isTicketId(ticketId)) {
    turn.say("common:status.badId", { value: clipText(args, 30) });
    return;
  }
  const incident = turn.store.incidentByTicket(ticketId);
  // Not found and not yours answer alike, so ticket ids cannot be probed.
  if (!incident || !isReporterOf(incident, turn.event)) {
    turn.say("common:status.notFound", { ticketId });
    return;
  }
  const lines = turn.store
    .timeline(incident.id)
    .map(
      (e) =>
        `• ${formatDateTime(e.at, turn.options.timeZone)} — ${turn.t.t(turn.locale, `common:timeline.${e.action}`)}`,
    );
  turn.say("common:status.header", {
    ticketId,
    status: turn.t.t(turn.locale, `common:ticketStatus.${incident.status}`),
    severity: turn.t.t(turn.locale, severityLabelKey(incident.severity as 1 | 2 | 3 | 4)),
    type: isIncidentType(incident.incidentType)
      ? turn.t.t(turn.locale, incidentTypeLabelKey(incident.incidentType))
      : "",
  });
  turn.messages.push({ kind: "chat", text: lines.join("\n") });
  const evidence = turn.store.evidence.ofIncident(incident.id);
  if (evidence.length > 0) {
    turn.messages.push({
      kind: "chat",
      text: [
        turn.t.t(turn.locale, "evidence:status.title"),
        ...evidenceLines(evidence, turn.t, turn.locale),
      ].join("\n"),
    });
  }
  const finalReport = finalReportStatus(turn, incident);
  if (finalReport) turn.messages.push({ kind: "chat", text: finalReport });
  if (incident.routing.destinations.length > 0) {
    turn.messages.push({
      kind: "chat",
      text: `${turn.t.t(turn.locale, "admin:status.routedTo")}\n${turn.admin.routedContacts(incident.routing, turn.locale)}`,
    });
  }
}

/** The reporter's latest tickets; `forStatus` when asked by /trangthai without an id (says how to open one). */
export function myTickets(turn: Turn, forStatus = false): void {
  const tickets = turn.store.incidentsByReporter(turn.event.channel, turn.event.userId, 10);
  if (tickets.length === 0) {
    turn.say("common:mytickets.none");
    return;
  }
  const lines = tickets.map(
    (i) =>
      `• <b>${escapeHtml(i.ticketId)}</b> — ${formatDateTime(i.createdAt, turn.options.timeZone)} — ${turn.t.t(
        turn.locale,
        severityLabelKey(i.severity as 1 | 2 | 3 | 4),
      )} — ${turn.t.t(turn.locale, `common:ticketStatus.${i.status}`)}`,
  );
  turn.messages.push({
    kind: "chat",
    text: `${turn.t.t(turn.locale, "common:mytickets.title")}\n${lines.join("\n")}`,
  });
  if (forStatus) turn.say("common:status.pickOne", { example: tickets[0]?.ticketId ?? "" });
}
