import type { Logger } from "pino";
import type { JobHandler } from "../outbox/scheduler.ts";
import type { JobRow, Store } from "../store/store.ts";
import { applyPurge, type PurgeOptions } from "./purge.ts";

/** The persisted job kind of the daily purge (registered on the scheduler by app.ts's registerJobs). */
export const RETENTION_JOB = "retention_purge";
const JOB_KEY = "retention-purge";
const DAY_MS = 86_400_000;

/** Schedules the first purge a day from now unless one is already pending (call once at start). */
export function armRetentionPurge(store: Store, now: Date): void {
  if (store.job(JOB_KEY)?.status === "pending") return;
  store.scheduleJob(
    JOB_KEY,
    RETENTION_JOB,
    new Date(now.getTime() + DAY_MS).toISOString(),
    {},
    now.toISOString(),
  );
}

/**
 * The scheduler's handler for {@link RETENTION_JOB}: in one transaction, marks the job done, applies the
 * retention rules (audited as system:retention) and schedules the next day's run. A restart neither skips nor
 * repeats a day: the due time is in the database.
 */
export function fireRetentionPurge(store: Store, o: PurgeOptions, logger?: Logger): JobHandler {
  return (job: JobRow, now: Date) =>
    store.transaction(() => {
      if (!store.finishJob(job.id)) return { duplicate: true };
      const report = applyPurge(store, o, now, "system:retention");
      store.scheduleJob(
        JOB_KEY,
        RETENTION_JOB,
        new Date(now.getTime() + DAY_MS).toISOString(),
        {},
        now.toISOString(),
      );
      logger?.info(
        {
          outbox: report.outbox.rows,
          conversations: report.conversations.rows,
          evidence: report.evidence.items ?? null,
          incidents: report.incidents.tickets.length,
        },
        "retention purge",
      );
      return { duplicate: false };
    });
}
