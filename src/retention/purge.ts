import type { RetentionDays } from "../config.ts";
import type { Store } from "../store/store.ts";

/*
 * Retention: personal data lives on the incident record and nowhere else, and not for ever there either.
 * - A delivered outbox row keeps its delivery facts (ids, times, result) but loses its message body after
 *   RETENTION_OUTBOX_DAYS: duty posts and e-mails carry the reporter's name, phone and description. A pending or
 *   dead row keeps its body: it still has to be delivered, or an admin has to see what failed.
 * - A finished conversation's snapshot is deleted when it finishes (conversation/stack.ts pops a finished flow
 *   and an empty stack deletes the row); one left unfinished and untouched for RETENTION_CONVERSATION_DAYS goes.
 * - Evidence files follow RETENTION_EVIDENCE_DAYS through the EvidenceRetention of the evidence store
 *   (src/evidence/retention.ts).
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
 * What the evidence store plugs in (EVIDENCE_DIR): its files and rows due at the cutoff `before` (ISO instant;
 * the evidence store counts from each ticket's last change), or those of the tickets about to be deleted. `count` must not change anything (purge --dry-run uses it).
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
export function planPurge(store: Store, o: PurgeOptions, now: Date): PurgeReport {
  const r = o.retention;
  const repo = store.retention;
  const outboxBefore = cutoff(now, r.outboxDays);
  const conversationsBefore = cutoff(now, r.conversationDays);
  const evidenceBefore = cutoff(now, r.evidenceDays);
  const incidentsBefore = cutoff(now, r.incidentDays);
  const tickets = incidentsBefore ? repo.settledTickets(SETTLED, incidentsBefore) : [];
  return {
    at: now.toISOString(),
    outbox: {
      before: outboxBefore,
      rows: outboxBefore ? repo.countDeliveredBodies(outboxBefore, PURGED_PAYLOAD) : 0,
    },
    conversations: {
      before: conversationsBefore,
      rows: conversationsBefore ? repo.countStaleConversations(conversationsBefore) : 0,
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
  const repo = store.retention;
  return store.transaction(() => {
    const plan = planPurge(store, o, now);
    const at = plan.at;
    const outboxRows = plan.outbox.before ? repo.emptyDeliveredBodies(plan.outbox.before, PURGED_PAYLOAD) : 0;
    const conversationRows = plan.conversations.before
      ? repo.deleteStaleConversations(plan.conversations.before)
      : 0;
    // Evidence first: its rows may refer to the tickets deleted below.
    const evidenceItems =
      plan.evidence.before && o.evidence
        ? o.evidence.purge(plan.evidence.before, plan.incidents.tickets)
        : undefined;
    // With every row that refers to them (timeline, duty posts, prompts, evidence rows) and their jobs.
    repo.deleteIncidents(plan.incidents.tickets);
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
