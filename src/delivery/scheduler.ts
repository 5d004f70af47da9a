import type { Logger } from "../app.ts";
import type { Engine } from "../engine/engine.ts";
import type { Store } from "../store/store.ts";

/**
 * Fires persisted jobs when they fall due (draft reminders and expiry now; ticket deadlines later). Due times
 * live in the database, so a restart neither loses nor repeats a job: each is marked done in the same
 * transaction that applies it.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;

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
        const result = this.engine.fireJob(job, now);
        if (!result.duplicate) fired++;
      } catch (error) {
        this.logger.error({ err: error, job: job.jobKey }, "scheduled job failed");
      }
    }
    if (fired > 0) this.afterFire();
    return fired;
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
