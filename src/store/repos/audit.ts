import type { AuditRecord } from "../types.ts";
import type { AuditRepo } from "./interfaces.ts";
import { type Db, json, parse, type Raw } from "./sqlite.ts";

/** The append-only audit log: written by every privileged action, read by the administration and the CLI. */
export class SqliteAudit implements AuditRepo {
  private readonly s;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      audit: p(
        "INSERT INTO audit_log (at, actor, action, subject, outcome, details) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      latestAudit: p("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?"),
      allAudit: p("SELECT * FROM audit_log ORDER BY id"),
    };
  }

  audit(
    at: string,
    actor: string,
    action: string,
    subject: string,
    outcome: "ok" | "denied" | "error",
    details: object,
  ): void {
    this.s.audit.run(at, actor, action, subject, outcome, json(details));
  }

  latestAudit(limit: number): AuditRecord[] {
    return (this.s.latestAudit.all(limit) as Raw[]).map(toAudit);
  }

  /** Every audit entry, oldest first, read lazily (the log can be long). */
  *allAudit(): Generator<AuditRecord> {
    for (const row of this.s.allAudit.iterate() as Iterable<Raw>) yield toAudit(row);
  }
}

function toAudit(r: Raw): AuditRecord {
  return {
    id: Number(r.id),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    subject: String(r.subject),
    outcome: String(r.outcome),
    details: parse(r.details),
  };
}
