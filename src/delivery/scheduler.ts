import type { Logger } from "../app.ts";
import type { Engine } from "../conversation/engine.ts";
import type { JobRow, Store } from "../store/store.ts";

/**
 * Fires persisted jobs when they fall due (draft reminders and expiry now; ticket deadlines later). Due times
 * live in the database, so a restart neither loses nor repeats a job: each is marked done in the same
 * transaction that applies it.
 */
/** Applies one due job in its own transaction; `duplicate` when it had already been applied. */
export type JobHandler = (job: JobRow, now: Date) => { duplicate: boolean };

const PRUNE_EVERY_MS = 3_600_000;
const DEDUPE_KEEP_MS = 3 * 86_400_000;

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly handlers = new Map<string, JobHandler>();
  private lastPrune = 0;

  constructor(
    private readonly engine: Engine,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly afterFire: () => void = () => {},
    private readonly clock: () => Date = () => new Date(),
    private readonly intervalMs = 1000,
  ) {}

  /** Fires every job due at the clock's time; returns how many fired. */
  runDue(): number {
    const now = this.clock();
    let fired = 0;
    for (const job of this.store.dueJobs(now.toISOString())) {
      try {
        const handler = this.handlers.get(job.kind);
        const result = handler ? handler(job, now) : this.engine.fireJob(job, now);
        if (!result.duplicate) fired++;
      } catch (error) {
        this.logger.error({ err: error, job: job.jobKey }, "scheduled job failed");
      }
    }
    if (fired > 0) this.afterFire();
    this.pruneDedupeKeys(now);
    return fired;
  }

  /**
   * Update keys are kept to apply each update once; Telegram never redelivers an update after 24 hours, so
   * keys older than three days are dropped (hourly) instead of growing the table forever.
   */
  private pruneDedupeKeys(now: Date): void {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    this.store.pruneProcessed(new Date(now.getTime() - DEDUPE_KEEP_MS).toISOString());
  }

  /** Routes jobs of a kind to their owner (draft jobs go to the engine by default). */
  on(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  start(): void {
    this.timer = setInterval(() => this.runDue(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
