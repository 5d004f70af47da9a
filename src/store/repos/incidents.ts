import type { Statement } from "better-sqlite3";
import type { IncidentRow, StoredRouting, TicketState, TimelineEntry } from "../types.ts";
import type { IncidentsRepo, ReportUpdate, TicketCount, TicketTimes } from "./interfaces.ts";
import { type Db, json, parse, type Raw, textOrNull } from "./sqlite.ts";

const INSERT_INCIDENT = `INSERT INTO incidents (ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
           incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at,
           updated_at, preliminary)
         VALUES (@ticketId, @submissionKey, @channel, @chatId, @reporterUserId, @reporterLocale, @incidentType,
           @severity, @severityReasons, @serious, @answers, @routing, @status, @detectedAt, @createdAt, @createdAt,
           @preliminary)
         ON CONFLICT (submission_key) DO NOTHING`;

const SET_REPORT = `UPDATE incidents SET incident_type = @incidentType, severity = @severity, severity_reasons = @severityReasons,
           serious = @serious, answers = @answers, routing = @routing, detected_at = @detectedAt,
           preliminary = @preliminary, updated_at = @at
         WHERE id = @id`;

/**
 * The ticket flow version of snapshots stored before the version was stored with them: version 1 was the only
 * one until then. (Migration 003 gave the snapshot no version column and migrations are not added here, so
 * the version lives inside the stored JSON, beside the snapshot.)
 */
const UNVERSIONED_TICKET_FLOW = 1;

interface VersionedSnapshot {
  flowVersion: number;
  snapshot: unknown;
}

function isVersioned(v: unknown): v is VersionedSnapshot {
  return typeof v === "object" && v !== null && typeof (v as VersionedSnapshot).flowVersion === "number";
}

/** Incidents: the submitted report, its ticket number, routing, lifecycle state and timeline. */
export class SqliteIncidents implements IncidentsRepo {
  private readonly s;
  /**
   * Statements naming the `preliminary` column (the preliminary-tickets migration), prepared on first use: a
   * store opened on an older schema (the migration tests do) must not fail before it writes an incident.
   */
  private readonly lazy: { insertIncident?: Statement; setReport?: Statement } = {};

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      nextTicketNumber: p(
        `INSERT INTO ticket_sequences (year, last) VALUES (?, 1)
         ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
      ),
      incidentBySubmission: p("SELECT * FROM incidents WHERE submission_key = ?"),
      incidentByTicket: p("SELECT * FROM incidents WHERE ticket_id = ?"),
      incidentById: p("SELECT * FROM incidents WHERE id = ?"),
      incidentsByReporter: p(
        "SELECT * FROM incidents WHERE channel = ? AND reporter_user_id = ? ORDER BY id DESC LIMIT ?",
      ),
      openTicketsOf: p(
        `SELECT * FROM incidents WHERE status NOT IN ('closed', 'duplicate', 'rejected')
           AND EXISTS (SELECT 1 FROM json_each(json_extract(routing, '$.destinations')) d
                       WHERE json_extract(d.value, '$.contactId') IN (SELECT value FROM json_each(?)))
         ORDER BY id LIMIT 50`,
      ),
      ticketsRoutedTo: p(
        `SELECT count(*) AS n FROM incidents
         WHERE EXISTS (SELECT 1 FROM json_each(json_extract(routing, '$.destinations')) d
                       WHERE json_extract(d.value, '$.contactId') = ?)`,
      ),
      addTimeline: p(
        "INSERT INTO ticket_timeline (incident_id, at, actor, action, details) VALUES (?, ?, ?, ?, ?)",
      ),
      timeline: p("SELECT at, actor, action, details FROM ticket_timeline WHERE incident_id = ? ORDER BY id"),
      setRouting: p("UPDATE incidents SET routing = ?, updated_at = ? WHERE id = ?"),
      setTicket: p(
        "UPDATE incidents SET status = ?, ticket_snapshot = ?, assignee = ?, updated_at = ? WHERE id = ?",
      ),
      ticketSnapshot: p("SELECT ticket_snapshot, assignee FROM incidents WHERE id = ?"),
      ticketCounts: p("SELECT status, severity, count(*) AS n FROM incidents GROUP BY status, severity"),
      // The timeline's action is the status a transition led to (ticket-work.ts `apply`).
      ticketTimes: p(
        `SELECT i.status, i.severity, i.created_at, i.detected_at,
           json_extract(i.routing, '$.destinations') AS destinations,
           (SELECT min(t.at) FROM ticket_timeline t WHERE t.incident_id = i.id
              AND t.action IN ('acknowledged', 'in_progress', 'waiting_reporter', 'resolved')) AS ack_at,
           (SELECT min(t.at) FROM ticket_timeline t WHERE t.incident_id = i.id AND t.action = 'resolved')
              AS resolved_at
         FROM incidents i WHERE i.created_at >= ? AND i.created_at < ? ORDER BY i.id`,
      ),
    };
  }

  private statement(name: "insertIncident" | "setReport"): Statement {
    const sql = name === "insertIncident" ? INSERT_INCIDENT : SET_REPORT;
    this.lazy[name] ??= this.db.prepare(sql);
    return this.lazy[name];
  }

  /** Allocates the next ticket number of a year (SC-YYYY-000123). */
  nextTicketNumber(year: number): number {
    return (this.s.nextTicketNumber.get(year) as { last: number }).last;
  }

  /** Inserts an incident unless its submission key exists; returns the stored row either way. */
  insertIncident(row: Omit<IncidentRow, "id" | "updatedAt">): { row: IncidentRow; created: boolean } {
    const created =
      this.statement("insertIncident").run({
        ...row,
        severityReasons: json(row.severityReasons),
        serious: row.serious ? 1 : 0,
        answers: json(row.answers),
        routing: json(row.routing),
        preliminary: row.preliminary ? 1 : 0,
      }).changes === 1;
    const stored = this.s.incidentBySubmission.get(row.submissionKey) as Raw;
    return { row: toIncident(stored), created };
  }

  incidentBySubmission(key: string): IncidentRow | undefined {
    return maybe(this.s.incidentBySubmission.get(key));
  }

  incidentById(id: number): IncidentRow | undefined {
    return maybe(this.s.incidentById.get(id));
  }

  incidentByTicket(ticketId: string): IncidentRow | undefined {
    return maybe(this.s.incidentByTicket.get(ticketId));
  }

  incidentsByReporter(channel: string, userId: string, limit = 10): IncidentRow[] {
    return (this.s.incidentsByReporter.all(channel, userId, limit) as Raw[]).map(toIncident);
  }

  /** Open tickets routed to any of these contacts, oldest first. */
  openTicketsOf(contactIds: readonly string[]): IncidentRow[] {
    return (this.s.openTicketsOf.all(JSON.stringify(contactIds)) as Raw[]).map(toIncident);
  }

  /** How many tickets were ever routed to a contact (their history must keep resolving). */
  ticketsRoutedTo(contactId: string): number {
    return (this.s.ticketsRoutedTo.get(contactId) as { n: number }).n;
  }

  addTimeline(incidentId: number, at: string, actor: string, action: string, details: object = {}): void {
    this.s.addTimeline.run(incidentId, at, actor, action, json(details));
  }

  timeline(incidentId: number): TimelineEntry[] {
    return (this.s.timeline.all(incidentId) as Raw[]).map((r) => ({
      at: String(r.at),
      actor: String(r.actor),
      action: String(r.action),
      details: parse<Raw>(r.details),
    }));
  }

  /** Replaces where a ticket is routed (escalation adds a destination). */
  saveRouting(incidentId: number, routing: StoredRouting, at: string): void {
    this.s.setRouting.run(json(routing), at, incidentId);
  }

  /**
   * Replaces what a report says (a preliminary ticket gains answers as the reporter goes on; completing it clears
   * the mark). The ticket's number, submission key, reporter and lifecycle are untouched.
   */
  saveReport(id: number, report: ReportUpdate, at: string): void {
    this.statement("setReport").run({
      id,
      at,
      incidentType: report.incidentType,
      severity: report.severity,
      severityReasons: json(report.severityReasons),
      serious: report.serious ? 1 : 0,
      answers: json(report.answers),
      routing: json(report.routing),
      detectedAt: report.detectedAt,
      preliminary: report.preliminary ? 1 : 0,
    });
  }

  /** Saves a ticket's lifecycle state (status, machine snapshot with its flow version, assignee). */
  saveTicket(
    incidentId: number,
    status: string,
    snapshot: unknown,
    assignee: string | null,
    at: string,
    version: number,
  ): void {
    const stored: VersionedSnapshot = { flowVersion: version, snapshot };
    this.s.setTicket.run(status, json(stored), assignee, at, incidentId);
  }

  /** The stored ticket state; `snapshot` is null when no one has acted on the ticket yet. */
  ticketState(incidentId: number): TicketState {
    const row = this.s.ticketSnapshot.get(incidentId) as
      | { ticket_snapshot: string | null; assignee: string | null }
      | undefined;
    const stored = row?.ticket_snapshot ? parse<unknown>(row.ticket_snapshot) : null;
    const assignee = row?.assignee ?? null;
    if (stored === null) return { snapshot: null, version: null, assignee };
    if (isVersioned(stored)) return { snapshot: stored.snapshot, version: stored.flowVersion, assignee };
    return { snapshot: stored, version: UNVERSIONED_TICKET_FLOW, assignee };
  }

  ticketCounts(): TicketCount[] {
    return (this.s.ticketCounts.all() as Raw[]).map((r) => ({
      status: String(r.status),
      severity: Number(r.severity),
      count: Number(r.n),
    }));
  }

  ticketTimes(from: string, to: string): TicketTimes[] {
    return (this.s.ticketTimes.all(from, to) as Raw[]).map((r) => ({
      status: String(r.status),
      severity: Number(r.severity),
      createdAt: String(r.created_at),
      detectedAt: String(r.detected_at),
      contactIds: [
        ...new Set(
          parse<Array<{ contactId: string }> | null>(r.destinations ?? "null")?.map((d) => d.contactId),
        ),
      ],
      acknowledgedAt: textOrNull(r.ack_at),
      resolvedAt: textOrNull(r.resolved_at),
    }));
  }
}

function maybe(row: unknown): IncidentRow | undefined {
  return row ? toIncident(row as Raw) : undefined;
}

function toIncident(r: Raw): IncidentRow {
  return {
    id: Number(r.id),
    ticketId: String(r.ticket_id),
    submissionKey: String(r.submission_key),
    channel: String(r.channel),
    chatId: String(r.chat_id),
    reporterUserId: String(r.reporter_user_id),
    reporterLocale: String(r.reporter_locale),
    incidentType: String(r.incident_type),
    severity: Number(r.severity),
    severityReasons: parse(r.severity_reasons),
    serious: r.serious === 1,
    answers: parse(r.answers),
    routing: parse(r.routing),
    status: String(r.status),
    detectedAt: String(r.detected_at),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    preliminary: r.preliminary === 1,
  };
}
