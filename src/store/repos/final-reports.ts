import type { Db } from "./sqlite.ts";

/** A filed final report of one ticket (migration 010's table). */
export interface FinalReportRow {
  incidentId: number;
  answers: Record<string, unknown>;
  /** Where its e-mail went: contact ids of rule R7, and "owner" for the system owner's own address. */
  recipients: string[];
  createdBy: string;
  createdAt: string;
}

interface Raw {
  incident_id: number;
  answers: string;
  recipients: string;
  created_by: string;
  created_at: string;
}

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    insert: db.prepare(
      `INSERT INTO final_reports (incident_id, answers, recipients, created_by, created_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO NOTHING`,
    ),
    get: db.prepare("SELECT * FROM final_reports WHERE incident_id = ?"),
    queued: db.prepare("SELECT 1 FROM outbox WHERE idempotency_key = ?"),
  };
}

/**
 * Final reports, and whether an outbox row of a key exists yet (so a document is rendered only for a row that
 * will be written, never again on each pass of a retried row). Statements prepared once per connection.
 */
export class SqliteFinalReports {
  private readonly s;

  constructor(db: Db) {
    let s = statements.get(db);
    if (!s) {
      s = prepare(db);
      statements.set(db, s);
    }
    this.s = s;
  }

  /** Records the ticket's final report; false when it already has one (the first one stands). */
  add(row: FinalReportRow): boolean {
    return (
      this.s.insert.run(
        row.incidentId,
        JSON.stringify(row.answers),
        JSON.stringify(row.recipients),
        row.createdBy,
        row.createdAt,
      ).changes === 1
    );
  }

  of(incidentId: number): FinalReportRow | undefined {
    const r = this.s.get.get(incidentId) as Raw | undefined;
    if (!r) return undefined;
    return {
      incidentId: r.incident_id,
      answers: JSON.parse(r.answers) as Record<string, unknown>,
      recipients: JSON.parse(r.recipients) as string[],
      createdBy: r.created_by,
      createdAt: r.created_at,
    };
  }

  /** True once an outbox row with this idempotency key was written (pending, sent or dead). */
  queued(key: string): boolean {
    return this.s.queued.get(key) !== undefined;
  }
}
