import { reportAnswers } from "../../flows/report.ts";
import type { QuestionnaireContext } from "../../flows/types.ts";
import { type Assessment, assessReport, inactiveIds } from "../domain/assessment.ts";
import { formatTicketId, legalDeadline } from "../domain/tickets.ts";
import { recordEvidence } from "../evidence/record.ts";
import { DUTY_CHANNEL, type TicketUpdated } from "../messages.ts";
import { formatDateTime } from "../present/datetime.ts";
import { renderHotlines, renderRouting, renderSeverity } from "../present/incident.ts";
import type { IncidentRow, StoredRouting } from "../store/store.ts";
import type { Turn } from "./turn.ts";

/** A report as its ticket stores it now: answers, assessment and where it goes. */
interface ReportNow {
  answers: Record<string, unknown>;
  assessment: Assessment;
  destinations: StoredRouting["destinations"];
  detectedAt: string;
}

function reportNow(turn: Turn, context: QuestionnaireContext, reportedAt: string): ReportNow {
  const answers = reportAnswers(context);
  const contacts = turn.store.contacts();
  const assessment = assessReport(answers, turn.store.routingRules(), "submitted", inactiveIds(contacts));
  const destinations = assessment.routing.destinations.map((d) => ({
    ...d,
    contactVersion: contacts.find((c) => c.id === d.contactId)?.version ?? 0,
  }));
  return {
    answers: { ...answers, files: context.files, reportedAt },
    assessment,
    destinations,
    detectedAt: typeof answers.detectedAt === "string" ? answers.detectedAt : reportedAt,
  };
}

/** Hands a destination to the duty desk (its chats and mailbox); the key makes a repeat a no-op. */
function route(turn: Turn, ticketId: string, d: StoredRouting["destinations"][number]): void {
  turn.routed.push({
    kind: "ticket_routed",
    ticketId,
    contactId: d.contactId,
    contactVersion: d.contactVersion,
    kinds: d.kinds,
    rules: d.rules,
  });
}

/**
 * Creates the ticket of a report, once (its draft id is the submission key): on submission, or earlier as a
 * preliminary ticket when the reporter sends the quick alert. Returns the stored row and whether it is new.
 * The caller has looked the submission key up already (`existing`), in this same transaction.
 */
function createTicket(
  turn: Turn,
  context: QuestionnaireContext,
  preliminary: boolean,
  existing: IncidentRow | undefined,
): { row: IncidentRow; created: boolean } {
  if (existing) return { row: existing, created: false };
  const now = reportNow(turn, context, turn.at);
  const year = Number(formatDateTime(turn.at, turn.options.timeZone).slice(6, 10));
  const ticketId = formatTicketId(year, turn.store.nextTicketNumber(year));
  const { severity, routing } = now.assessment;
  const result = turn.store.insertIncident({
    ticketId,
    submissionKey: context.draftId,
    channel: turn.event.channel,
    chatId: turn.event.chatId,
    reporterUserId: turn.event.userId,
    reporterLocale: turn.locale,
    incidentType: String(now.answers.type ?? "other"),
    severity: severity.level,
    severityReasons: severity.reasons,
    serious: severity.serious,
    answers: now.answers,
    routing: { destinations: now.destinations, advice: routing.advice, firedRules: routing.firedRules },
    status: "new",
    detectedAt: now.detectedAt,
    createdAt: turn.at,
    preliminary,
  });
  if (result.created) {
    const { row } = result;
    turn.store.addTimeline(row.id, turn.at, turn.actor(), "submitted", {
      severity: severity.level,
      destinations: now.destinations.map((d) => d.contactId),
      ...(preliminary ? { preliminary: true } : {}),
    });
    turn.store.audit(
      turn.at,
      turn.actor(),
      preliminary ? "incident.alert" : "incident.submit",
      row.ticketId,
      "ok",
      {
        severity: severity.level,
      },
    );
    // The files are fetched after the commit (a persisted job each); the ticket never waits for them.
    recordEvidence(turn.store, row, turn.at);
    for (const d of now.destinations) route(turn, row.ticketId, d);
  }
  return result;
}

/**
 * Brings a preliminary ticket up to what the report says now: answers, severity and routing recomputed; a new
 * destination receives the ticket; the duty messages are redrawn in place (the desk does it from the row queued
 * here). `complete` clears the mark and sends the full Mẫu 03 notification. False when nothing changed.
 */
function updatePreliminary(
  turn: Turn,
  context: QuestionnaireContext,
  incident: IncidentRow,
  complete: boolean,
): boolean {
  const reportedAt = typeof incident.answers.reportedAt === "string" ? incident.answers.reportedAt : turn.at;
  const now = reportNow(turn, context, reportedAt);
  const { severity, routing } = now.assessment;
  const known = new Set(incident.routing.destinations.map((d) => d.contactId));
  const added = now.destinations.filter((d) => !known.has(d.contactId));
  const unchanged =
    !complete &&
    added.length === 0 &&
    severity.level === incident.severity &&
    JSON.stringify(now.answers) === JSON.stringify(incident.answers);
  if (unchanged) return false;
  // A unit that already has the ticket keeps it: a later answer never takes a notification back.
  const destinations = [...incident.routing.destinations, ...added];
  turn.store.saveReport(
    incident.id,
    {
      incidentType: String(now.answers.type ?? "other"),
      severity: severity.level,
      severityReasons: severity.reasons,
      serious: severity.serious,
      answers: now.answers,
      routing: {
        destinations,
        advice: routing.advice,
        firedRules: [...new Set([...incident.routing.firedRules, ...routing.firedRules])],
      },
      detectedAt: now.detectedAt,
      preliminary: !complete,
    },
    turn.at,
  );
  if (severity.level !== incident.severity || added.length > 0 || complete) {
    turn.store.addTimeline(incident.id, turn.at, turn.actor(), complete ? "completed" : "updated", {
      severity: severity.level,
      ...(added.length > 0 ? { destinations: added.map((d) => d.contactId) } : {}),
    });
  }
  if (complete) {
    turn.store.audit(turn.at, turn.actor(), "incident.complete", incident.ticketId, "ok", {});
    // Files attached after the alert: recorded once the report is complete, when their places are final.
    const completed = turn.store.incidentById(incident.id);
    if (completed) recordEvidence(turn.store, completed, turn.at);
  }
  for (const d of added) route(turn, incident.ticketId, d);
  const update: TicketUpdated = { kind: "ticket_updated", ticketId: incident.ticketId, complete };
  // One row per update (its dedupe key), one for the completion whatever retries happen.
  const key = complete
    ? `complete:${incident.ticketId}`
    : `update:${incident.ticketId}:${turn.event.channel}:${turn.event.dedupeKey}`;
  turn.store.enqueue(key, DUTY_CHANNEL, incident.ticketId, update, turn.at);
  turn.fanOut = true;
  return true;
}

/**
 * The quick alert: the ticket exists from the moment it is sent, and every later answer updates it until the
 * report is submitted. Called after each step of a report whose alert was sent.
 */
export function syncAlert(turn: Turn, context: QuestionnaireContext): void {
  const existing = turn.store.incidentBySubmission(context.draftId);
  if (existing) {
    if (existing.preliminary) updatePreliminary(turn, context, existing, false);
    return;
  }
  const { row } = createTicket(turn, context, true, undefined);
  turn.ticketId = row.ticketId;
  turn.say("alert:sent", { ticketId: row.ticketId });
}

export function submit(turn: Turn, context: QuestionnaireContext): void {
  const existing = turn.store.incidentBySubmission(context.draftId);
  let row: IncidentRow;
  if (existing?.preliminary) {
    updatePreliminary(turn, context, existing, true);
    row = turn.store.incidentById(existing.id) ?? existing;
  } else {
    row = createTicket(turn, context, false, existing).row;
  }
  turn.ticketId = row.ticketId;
  const rules = turn.store.routingRules();
  const contacts = turn.store.contacts();
  const assessment = assessReport(reportAnswers(context), rules, "submitted", inactiveIds(contacts));
  const deadline = formatDateTime(legalDeadline(row.detectedAt, rules, "submitted"), turn.options.timeZone);
  const text = [
    turn.t.t(turn.locale, "report:final.submitted", { ticketId: row.ticketId, deadline }),
    renderSeverity(assessment, turn.rc),
    `<b>${turn.t.t(turn.locale, "report:summary.routing")}</b>\n${renderRouting(assessment, contacts, turn.rc)}`,
    `${turn.t.t(turn.locale, "common:contacts.title")}\n\n${renderHotlines(contacts, turn.rc)}`,
  ].join("\n\n");
  turn.messages.push({ kind: "chat", text });
  if (existing?.preliminary) turn.say("alert:completed", { ticketId: row.ticketId });
}
