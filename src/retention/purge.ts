import type { RetentionDays } from "../config.ts";
import type { Db } from "../store/db.ts";
import type { Store } from "../store/store.ts";

/*
 * Retention: personal data lives on the incident record and nowhere else, and not for ever there either.
 * - A delivered outbox row keeps its delivery facts (ids, times, result) but loses its message body after
 *   RETENTION_OUTBOX_DAYS: duty posts and e-mails carry the reporter's name, phone and description. A pending or
 *   dead row keeps its body: it still has to be delivered, or an admin has to see what failed.
 * - A finished conversation's snapshot is deleted when it finishes (conversation/stack.ts pops a finished flow
 *   and an empty stack deletes the row); one left unfinished and untouched for RETENTION_CONVERSATION_DAYS goes.
 * - Evidence files follow RETENTION_EVIDENCE_DAYS through an EvidenceRetention plugged in by the evidence store.
 * - A settled ticket (resolved, closed, duplicate, rejected) untouched for RETENTION_INCIDENT_DAYS is deleted
 *   with every row that refers to it (timeline, duty posts, prompts, evidence rows) and its jobs.
 * The audit log keeps ticket ids and actions, never personal data, and records each purge.
 */

const DAY_MS = 86_400_000;
/** Statuses after which nothing more is expected of a ticket (as the duty desk's SETTLED). */
const SETTLED = ["resolved", "closed", "duplicate", "rejected"] as const;
/** The body an emptied outbox row keeps: valid JSON, no message. */
export const PURGED_PAYLOAD = "{}";

/**
 * What the evidence store plugs in (EVIDENCE_DIR): its files and rows older than `before` (ISO instant), or
 * those of the tickets about to be deleted. `count` must not change anything (purge --dry-run uses it).
 */
export interface EvidenceRetention {
  count(before: string, tickets: readonly string[]): number;
  purge(before: string, tickets: readonly string[]): number;
}

export interface PurgeOptions {
  retention: RetentionDays;
  evidence?: EvidenceRetention | undefined;
}

/** What a purge removes (or, dry, would remove); `before` is each rule's cutoff, undefined when it is off. */
export interface PurgeReport {
  at: string;
  outbox: { before: string | undefined; rows: number };
  conversations: { before: string | undefined; rows: number };
  evidence: { before: string | undefined; items: number | undefined };
  incidents: { before: string | undefined; tickets: string[] };
}

const cutoff = (now: Date, days: number | undefined) =>
  days === undefined ? undefined : new Date(now.getTime() - days * DAY_MS).toISOString();

/** What a purge at `now` would remove; reads only. */
export function planPurge(db: Db, o: PurgeOptions, now: Date): PurgeReport {
  const r = o.retention;
  const outboxBefore = cutoff(now, r.outboxDays);
  const conversationsBefore = cutoff(now, r.conversationDays);
  const evidenceBefore = cutoff(now, r.evidenceDays);
  const incidentsBefore = cutoff(now, r.incidentDays);
  const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
  const tickets = incidentsBefore
    ? (
        db
          .prepare(
            `SELECT ticket_id FROM incidents WHERE status IN (${SETTLED.map(() => "?").join(",")})
             AND updated_at < ? ORDER BY id`,
          )
          .all(...SETTLED, incidentsBefore) as Array<{ ticket_id: string }>
      ).map((t) => t.ticket_id)
    : [];
  return {
    at: now.toISOString(),
    outbox: {
      before: outboxBefore,
      rows: outboxBefore
        ? count(
            "SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND sent_at < ? AND payload <> ?",
            outboxBefore,
            PURGED_PAYLOAD,
          )
        : 0,
    },
    conversations: {
      before: conversationsBefore,
      rows: conversationsBefore
        ? count("SELECT count(*) AS n FROM conversations WHERE updated_at < ?", conversationsBefore)
        : 0,
    },
    evidence: {
      before: evidenceBefore,
      items: evidenceBefore && o.evidence ? o.evidence.count(evidenceBefore, tickets) : undefined,
    },
    incidents: { before: incidentsBefore, tickets },
  };
}

/**
 * Applies the retention rules at `now` in one transaction and audits what was removed (an audit entry also when
 * nothing was due, so that the daily run is visible). Returns what was removed.
 */
export function applyPurge(store: Store, o: PurgeOptions, now: Date, actor: string): PurgeReport {
  const db = store.db;
  return store.transaction(() => {
    const plan = planPurge(db, o, now);
    const at = plan.at;
    let outboxRows = 0;
    if (plan.outbox.before)
      outboxRows = db
        .prepare("UPDATE outbox SET payload = ? WHERE status = 'sent' AND sent_at < ? AND payload <> ?")
        .run(PURGED_PAYLOAD, plan.outbox.before, PURGED_PAYLOAD).changes;
    let conversationRows = 0;
    if (plan.conversations.before)
      conversationRows = db
        .prepare("DELETE FROM conversations WHERE updated_at < ?")
        .run(plan.conversations.before).changes;
    // Evidence first: its rows may refer to the tickets deleted below.
    const evidenceItems =
      plan.evidence.before && o.evidence
        ? o.evidence.purge(plan.evidence.before, plan.incidents.tickets)
        : undefined;
    deleteIncidents(db, plan.incidents.tickets);
    const report: PurgeReport = {
      ...plan,
      outbox: { ...plan.outbox, rows: outboxRows },
      conversations: { ...plan.conversations, rows: conversationRows },
      evidence: { ...plan.evidence, items: evidenceItems },
    };
    store.audit(at, actor, "retention.purge", "", "ok", {
      outbox: outboxRows,
      conversations: conversationRows,
      evidence: evidenceItems ?? null,
      incidents: plan.incidents.tickets,
    });
    return report;
  });
}

/**
 * Deletes tickets with every row that refers to them. The referring tables are read from the schema's foreign
 * keys, so a table added later (evidence, final reports) is covered without a change here.
 */
function deleteIncidents(db: Db, tickets: readonly string[]): void {
  if (tickets.length === 0) return;
  const ids = JSON.stringify(
    (
      db
        .prepare("SELECT id FROM incidents WHERE ticket_id IN (SELECT value FROM json_each(?))")
        .all(JSON.stringify(tickets)) as Array<{ id: number }>
    ).map((r) => r.id),
  );
  const referring = db
    .prepare(
      `SELECT m.name AS tbl, f."from" AS col FROM sqlite_master m, pragma_foreign_key_list(m.name) f
       WHERE m.type = 'table' AND f."table" = 'incidents'`,
    )
    .all() as Array<{ tbl: string; col: string }>;
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  for (const { tbl, col } of referring)
    db.prepare(`DELETE FROM ${quote(tbl)} WHERE ${quote(col)} IN (SELECT value FROM json_each(?))`).run(ids);
  db.prepare(
    "DELETE FROM scheduled_jobs WHERE json_extract(payload, '$.ticketId') IN (SELECT value FROM json_each(?))",
  ).run(JSON.stringify(tickets));
  db.prepare("DELETE FROM incidents WHERE id IN (SELECT value FROM json_each(?))").run(ids);
}

/** The report as lines for the operator (English, like the rest of the command line). */
export function describePurge(report: PurgeReport, dryRun: boolean): string {
  const verb = dryRun ? "would be" : "were";
  const rule = (before: string | undefined, text: string) =>
    before ? `${text} (older than ${before})` : `${text.split(":")[0]}: kept (retention off)`;
  const evidence =
    report.evidence.items === undefined
      ? report.evidence.before
        ? "evidence: no evidence store configured"
        : "evidence: kept (retention off)"
      : rule(report.evidence.before, `evidence: ${report.evidence.items} file(s) ${verb} deleted`);
  const tickets = report.incidents.tickets;
  return [
    dryRun ? "Dry run: nothing was changed." : `Purged at ${report.at}.`,
    rule(report.outbox.before, `outbox: ${report.outbox.rows} delivered message body(ies) ${verb} emptied`),
    rule(
      report.conversations.before,
      `conversations: ${report.conversations.rows} unfinished snapshot(s) ${verb} deleted`,
    ),
    evidence,
    rule(
      report.incidents.before,
      `incidents: ${tickets.length} settled ticket(s) ${verb} deleted${tickets.length ? `: ${tickets.join(", ")}` : ""}`,
    ),
  ].join("\n");
}
