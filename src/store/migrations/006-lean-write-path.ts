import type { Migration } from "./index.ts";

/**
 * Fewer B-tree pages written per inbound update. Every page a transaction dirties is one more WAL frame
 * written at commit, and the commit is the largest single cost of an update.
 *
 * - `processed_updates_age` was rewritten on every update only to serve the hourly prune. Keys are inserted
 *   in arrival order, so the prune finds its cut-off by rowid instead (see Store.pruneProcessed).
 * - `outbox_due` indexed every row ever queued, sent or dead. Only pending rows are ever looked up by due
 *   time, so a partial index holds just those: marking a row sent removes one entry instead of moving it to
 *   another part of the index, and the index stays as small as the backlog. `status` stays the first key
 *   column although it is constant: without it the planner (no ANALYZE statistics) prefers scanning the
 *   whole table in id order over the partial index for the dispatcher's queries.
 */
export const migration006LeanWritePath: Migration = {
  version: 6,
  name: "lean-write-path",
  up(db) {
    db.exec(`
      DROP INDEX processed_updates_age;
      DROP INDEX outbox_due;
      CREATE INDEX outbox_pending_due ON outbox (status, next_attempt_at) WHERE status = 'pending';
    `);
  },
};
