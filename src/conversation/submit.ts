import { reportAnswers } from "../../flows/report.ts";
import type { QuestionnaireContext } from "../../flows/types.ts";
import { assessReport, inactiveIds } from "../domain/assessment.ts";
import { formatTicketId, legalDeadline } from "../domain/tickets.ts";
import { recordEvidence } from "../evidence/record.ts";
import { formatDateTime } from "../present/datetime.ts";
import { renderHotlines, renderRouting, renderSeverity } from "../present/incident.ts";
import type { Turn } from "./turn.ts";

export function submit(turn: Turn, context: QuestionnaireContext): void {
  const answers = reportAnswers(context);
  const rules = turn.store.routingRules();
  const contacts = turn.store.contacts();
  const assessment = assessReport(answers, rules, "submitted", inactiveIds(contacts));
  const existing = turn.store.incidentBySubmission(context.draftId);
  const year = Number(formatDateTime(turn.at, turn.options.timeZone).slice(6, 10));
  const ticketId = existing?.ticketId ?? formatTicketId(year, turn.store.nextTicketNumber(year));
  const destinations = assessment.routing.destinations.map((d) => ({
    ...d,
    contactVersion: contacts.find((c) => c.id === d.contactId)?.version ?? 0,
  }));
  const detectedAt = typeof answers.detectedAt === "string" ? answers.detectedAt : turn.at;
  const { row, created } = turn.store.insertIncident({
    ticketId,
    submissionKey: context.draftId,
    channel: turn.event.channel,
    chatId: turn.event.chatId,
    reporterUserId: turn.event.userId,
    reporterLocale: turn.locale,
    incidentType: String(answers.type ?? "other"),
    severity: assessment.severity.level,
    severityReasons: assessment.severity.reasons,
    serious: assessment.severity.serious,
    answers: { ...answers, files: context.files, reportedAt: turn.at } as Record<string, unknown>,
    routing: { destinations, advice: assessment.routing.advice, firedRules: assessment.routing.firedRules },
    status: "new",
    detectedAt,
    createdAt: turn.at,
  });
  turn.ticketId = row.ticketId;
  if (created) {
    turn.store.addTimeline(row.id, turn.at, turn.actor(), "submitted", {
      severity: assessment.severity.level,
      destinations: destinations.map((d) => d.contactId),
    });
    turn.store.audit(turn.at, turn.actor(), "incident.submit", row.ticketId, "ok", {
      severity: assessment.severity.level,
    });
    // The files are fetched after the commit (a persisted job each); the ticket never waits for them.
    recordEvidence(turn.store, row, turn.at);
    for (const d of destinations) {
      turn.routed.push({
        kind: "ticket_routed",
        ticketId: row.ticketId,
        contactId: d.contactId,
        contactVersion: d.contactVersion,
        kinds: d.kinds,
        rules: d.rules,
      });
    }
  }
  const deadline = formatDateTime(legalDeadline(detectedAt, rules, "submitted"), turn.options.timeZone);
  const text = [
    turn.t.t(turn.locale, "report:final.submitted", { ticketId: row.ticketId, deadline }),
    renderSeverity(assessment, turn.rc),
    `<b>${turn.t.t(turn.locale, "report:summary.routing")}</b>\n${renderRouting(assessment, contacts, turn.rc)}`,
    `${turn.t.t(turn.locale, "common:contacts.title")}\n\n${renderHotlines(contacts, turn.rc)}`,
  ].join("\n\n");
  turn.messages.push({ kind: "chat", text });
}
