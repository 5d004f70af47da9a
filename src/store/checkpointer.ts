import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

/** WAL pages after which the main connection checkpoints by itself if the background worker is gone. */
const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

// Runs in the worker: its own connection, passive checkpoints (they never block writers), a last full one on stop.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 5000");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  try { db.pragma("wal_checkpoint(TRUNCATE)"); } catch {}
  db.close();
  parentPort.close();
});
`;

/**
 * Moves WAL checkpoints off the thread that answers users. SQLite's automatic checkpoint runs inside
 * whichever commit crosses the threshold and fsyncs the database file there, stalling that user's update
 * by several milliseconds; a worker with its own connection does it in the background instead.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  /** Settles when the worker thread has ended (its connection closed), however it ended. */
  private readonly exited: Promise<void>;

  constructor(db: Database.Database, path: string, intervalMs = 1000) {
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs, driver } });
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.unref();
    // A failed worker only means checkpoints fall back to the main connection's threshold.
    this.worker.on("error", () => {});
  }

  /**
   * Asks the worker for a last checkpoint and to close its connection; resolves once the worker is gone, so
   * nothing touches the database files after this (a caller may then delete them).
   */
  stop(): Promise<void> {
    // Unref'd while it runs (it must not keep the process alive), but awaited here: the process must wait too.
    this.worker.ref();
    this.worker.postMessage("stop");
    return this.exited;
  }
}
