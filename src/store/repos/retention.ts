import type { RetentionRepo } from "./interfaces.ts";
import { type Db, onFirstUse } from "./sqlite.ts";

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The retention purge's reads and deletions (the policy is retention/purge.ts). */
export class SqliteRetention implements RetentionRepo {
  constructor(private readonly db: Db) {}

  /** Prepared on first use (see onFirstUse): a database not yet migrated may lack this table. */
  private readonly s = onFirstUse(() => this.prepare());

  private prepare() {
    const p = (sql: string) => this.db.prepare(sql);
    return {
      settledTickets: p(
        `SELECT ticket_id FROM incidents WHERE status IN (SELECT value FROM json_each(?))
         AND updated_at < ? ORDER BY id`,
      ),
      countDelivered: p(
        "SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND sent_at < ? AND payload <> ?",
      ),
      emptyDelivered: p(
        "UPDATE outbox SET payload = ? WHERE status = 'sent' AND sent_at < ? AND payload <> ?",
      ),
      countConversations: p("SELECT count(*) AS n FROM conversations WHERE updated_at < ?"),
      deleteConversations: p("DELETE FROM conversations WHERE updated_at < ?"),
      incidentIds: p("SELECT id FROM incidents WHERE ticket_id IN (SELECT value FROM json_each(?))"),
      // The tables referring to incidents, read from the schema's foreign keys: a table added later (evidence,
      // final reports) is covered without a change here.
      referring: p(
        `SELECT m.name AS tbl, f."from" AS col FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f."table" = 'incidents'`,
      ),
      deleteJobs: p(
        "DELETE FROM scheduled_jobs WHERE json_extract(payload, '$.ticketId') IN (SELECT value FROM json_each(?))",
      ),
      deleteIncidents: p("DELETE FROM incidents WHERE id IN (SELECT value FROM json_each(?))"),
    };
  }

  settledTickets(statuses: readonly string[], before: string): string[] {
    return (
      this.s().settledTickets.all(JSON.stringify(statuses), before) as Array<{ ticket_id: string }>
    ).map((t) => t.ticket_id);
  }

  countDeliveredBodies(before: string, emptied: string): number {
    return (this.s().countDelivered.get(before, emptied) as { n: number }).n;
  }

  emptyDeliveredBodies(before: string, emptied: string): number {
    return this.s().emptyDelivered.run(emptied, before, emptied).changes;
  }

  countStaleConversations(before: string): number {
    return (this.s().countConversations.get(before) as { n: number }).n;
  }

  deleteStaleConversations(before: string): number {
    return this.s().deleteConversations.run(before).changes;
  }

  deleteIncidents(tickets: readonly string[]): void {
    if (tickets.length === 0) return;
    const ids = JSON.stringify(
      (this.s().incidentIds.all(JSON.stringify(tickets)) as Array<{ id: number }>).map((r) => r.id),
    );
    for (const { tbl, col } of this.s().referring.all() as Array<{ tbl: string; col: string }>)
      this.db
        .prepare(`DELETE FROM ${quote(tbl)} WHERE ${quote(col)} IN (SELECT value FROM json_each(?))`)
        .run(ids);
    this.s().deleteJobs.run(JSON.stringify(tickets));
    this.s().deleteIncidents.run(ids);
  }
}
