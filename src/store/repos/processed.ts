import type { ProcessedUpdatesRepo } from "./interfaces.ts";
import type { Db } from "./sqlite.ts";

/** Inbound update keys already handled, so a redelivered update does nothing twice (invariant 2). */
export class SqliteProcessedUpdates implements ProcessedUpdatesRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      markProcessed: db.prepare(
        "INSERT OR IGNORE INTO processed_updates (channel, dedupe_key, processed_at) VALUES (?, ?, ?)",
      ),
      // A scan, hourly: an index on the time would cost every update a page (see migration 007).
      pruneProcessed: db.prepare("DELETE FROM processed_updates WHERE processed_at < ?"),
    };
  }

  /** Records an inbound update key; false when it was already seen (invariant 2). */
  markProcessed(channel: string, key: string, at: string): boolean {
    return this.s.markProcessed.run(channel, key, at).changes === 1;
  }

  /** Forgets update keys older than `before`; returns how many. */
  pruneProcessed(before: string): number {
    return this.s.pruneProcessed.run(before).changes;
  }
}
