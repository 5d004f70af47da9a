import type { JobRow } from "../types.ts";
import type { JobsRepo } from "./interfaces.ts";
import { type Db, json, parse, type Raw } from "./sqlite.ts";

/** Scheduled jobs, one pending occurrence per key. */
export class SqliteJobs implements JobsRepo {
  private readonly s;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      upsertJob: p(
        `INSERT INTO scheduled_jobs (job_key, kind, due_at, payload, status, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?)
         ON CONFLICT (job_key) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at,
         payload = excluded.payload, status = 'pending'`,
      ),
      cancelJob: p("UPDATE scheduled_jobs SET status = 'cancelled' WHERE job_key = ? AND status = 'pending'"),
      dueJobs: p(
        "SELECT * FROM scheduled_jobs WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
      ),
      jobByKey: p("SELECT * FROM scheduled_jobs WHERE job_key = ?"),
      jobState: p("SELECT kind, due_at, status FROM scheduled_jobs WHERE job_key = ?"),
      // The due time is part of the match: a job re-armed under the same key is a new occurrence, not this one.
      finishJob: p(
        "UPDATE scheduled_jobs SET status = 'done' WHERE id = ? AND status = 'pending' AND due_at = coalesce(?, due_at)",
      ),
    };
  }

  /** Sets (or moves) the one pending job with this key. */
  scheduleJob(jobKey: string, kind: string, dueAt: string, payload: object, at: string): void {
    this.s.upsertJob.run(jobKey, kind, dueAt, json(payload), at);
  }

  cancelJob(jobKey: string): void {
    this.s.cancelJob.run(jobKey);
  }

  /** When and what the job under this key is set to, without its payload. */
  jobState(jobKey: string): { kind: string; dueAt: string; status: string } | undefined {
    const r = this.s.jobState.get(jobKey) as { kind: string; due_at: string; status: string } | undefined;
    return r ? { kind: r.kind, dueAt: r.due_at, status: r.status } : undefined;
  }

  job(jobKey: string): (JobRow & { status: string }) | undefined {
    const r = this.s.jobByKey.get(jobKey) as Raw | undefined;
    return r ? { ...toJob(r), status: String(r.status) } : undefined;
  }

  dueJobs(now: string, limit = 50): JobRow[] {
    return (this.s.dueJobs.all(now, limit) as Raw[]).map(toJob);
  }

  /** Marks a job done; false if it was already done, moved (re-armed) or cancelled meanwhile. */
  finishJob(id: number, dueAt?: string): boolean {
    return this.s.finishJob.run(id, dueAt ?? null).changes === 1;
  }
}

function toJob(r: Raw): JobRow {
  return {
    id: Number(r.id),
    jobKey: String(r.job_key),
    kind: String(r.kind),
    dueAt: String(r.due_at),
    payload: parse(r.payload),
  };
}
