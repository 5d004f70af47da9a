import type { Logger } from "pino";
import type { JobRow, Store } from "../store/store.ts";

/** Applies one due job in its own transaction; `duplicate` when it had already been applied. */
export type JobHandler = (job: JobRow, now: Date) => { duplicate: boolean };

export interface SchedulerOptions {
  store: Store;
  logger: Logger;
  /** Runs after a pass that fired at least one job (the dispatcher sends what the jobs queued). */
  afterFire?: () => void;
  clock?: () => Date;
  intervalMs?: number;
}

const PRUNE_EVERY_MS = 3_600_000;
const DEDUPE_KEEP_MS = 3 * 86_400_000;

/**
 * Fires persisted jobs when they fall due (draft reminders and expiry, ticket deadlines, the monthly contacts
 * check). Due times live in the database, so a restart neither loses nor repeats a job: each is marked done in
 * the same transaction that applies it. Every kind is registered explicitly by its owner; a job of a kind
 * nobody registered (a typo, a job left by a newer version) is logged and set aside, never guessed at.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly handlers = new Map<string, JobHandler>();
  private lastPrune = 0;
  private readonly clock: () => Date;

  constructor(private readonly o: SchedulerOptions) {
    this.clock = o.clock ?? (() => new Date());
  }

  /** Registers the owner of a job kind; registering a kind twice is a wiring mistake and throws. */
  on(kind: string, handler: JobHandler): this {
    if (this.handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
    this.handlers.set(kind, handler);
    return this;
  }

  /** The kinds registered, for a start-up log line and tests. */
  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** Fires every job due at the clock's time; returns how many fired. */
  runDue(): number {
    const now = this.clock();
    let fired = 0;
    for (const job of this.o.store.dueJobs(now.toISOString())) {
      const handler = this.handlers.get(job.kind);
      if (!handler) {
        this.setAside(job, now);
        continue;
      }
      try {
        if (!handler(job, now).duplicate) fired++;
      } catch (error) {
        this.o.logger.error(
          { err: error instanceof Error ? error.message : String(error), job: job.jobKey },
          "scheduled job failed",
        );
      }
    }
    if (fired > 0) this.o.afterFire?.();
    this.pruneDedupeKeys(now);
    return fired;
  }

  /** A job nobody owns: cancelled (it would come due on every pass) and left in the audit log for an admin. */
  private setAside(job: JobRow, now: Date): void {
    const { store, logger } = this.o;
    store.transaction(() => {
      store.cancelJob(job.jobKey);
      store.audit(now.toISOString(), "system:scheduler", "job.unknown_kind", job.jobKey, "error", {
        kind: job.kind.slice(0, 60),
      });
    });
    logger.error({ job: job.jobKey, kind: job.kind }, "no handler for this job kind: job set aside");
  }

  /**
   * Update keys are kept to apply each update once; Telegram never redelivers an update after 24 hours, so
   * keys older than three days are dropped (hourly) instead of growing the table forever.
   */
  private pruneDedupeKeys(now: Date): void {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    this.o.store.pruneProcessed(new Date(now.getTime() - DEDUPE_KEEP_MS).toISOString());
  }

  start(): void {
    this.timer = setInterval(() => this.runDue(), this.o.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
