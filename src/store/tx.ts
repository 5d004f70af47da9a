import type Database from "better-sqlite3";
import type { Transactions } from "./repos/interfaces.ts";

/**
 * How long a sent mark may wait for a write transaction to ride on before it is committed on its own. The
 * window in which a crash makes a message go out twice is already a network round trip (Telegram has taken
 * the message, its answer is on the way); this adds a few milliseconds to it and saves a commit per message.
 */
export const SENT_MARK_DELAY_MS = 10;

/** A delivery recorded in memory and not yet written: the row, when, and the channel's answer as JSON. */
type SentMark = [id: number, at: string, result: string];

/**
 * The transaction boundary, in one place: every write of the program commits through `transaction`, and the
 * outbox's sent marks are group-committed here. The sent-mark statement is the one write prepared outside
 * repos/: a sent mark is part of how commits are made (it rides on the next one), not a query of its own.
 */
export class SqliteTransactions implements Transactions {
  /** Sent marks waiting for the next write transaction (group commit); see markSent. */
  private sentMarks = new Map<number, SentMark>();
  private sentMarkTimer: NodeJS.Timeout | undefined;
  private readonly writeSent;
  private readonly select1;
  /**
   * One transaction function for the life of the connection, running whatever `body` holds. better-sqlite3's
   * `db.transaction(fn)` builds four wrapped functions and their properties on every call; once per inbound
   * update that was a few kilobytes of garbage and a measurable share of the update's own time.
   */
  private body: () => unknown = () => undefined;
  private readonly runImmediate: () => unknown;

  constructor(readonly db: Database.Database) {
    this.writeSent = db.prepare(
      "UPDATE outbox SET status = 'sent', sent_at = ?, result = ?, attempts = attempts + 1 WHERE id = ?",
    );
    this.select1 = db.prepare("SELECT 1");
    this.runImmediate = db.transaction(() => this.body()).immediate;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so no upgrade deadlock). Sent
   * marks still in memory are written first and commit with it; if it rolls back they wait for the next one.
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction || this.sentMarks.size === 0) return this.run(fn);
    const marks = this.takeSentMarks();
    try {
      return this.run(() => {
        this.writeSentMarks(marks);
        return fn();
      });
    } catch (error) {
      this.sentMarks = new Map([...marks, ...this.sentMarks]);
      this.armSentMarkTimer();
      throw error;
    }
  }

  /** Runs `fn` through the one transaction function (nested calls become savepoints, as before). */
  private run<T>(fn: () => T): T {
    const outer = this.body;
    this.body = fn;
    try {
      return this.runImmediate() as T;
    } finally {
      this.body = outer;
    }
  }

  /** Makes sure waiting sent marks are written within SENT_MARK_DELAY_MS even if no transaction comes. */
  private armSentMarkTimer(): void {
    if (this.sentMarkTimer || this.sentMarks.size === 0) return;
    this.sentMarkTimer = setTimeout(() => {
      this.sentMarkTimer = undefined;
      try {
        this.flushSentMarks();
      } catch {
        // The database is busy or closing: the marks are kept (see transaction) and tried again later.
      }
    }, SENT_MARK_DELAY_MS);
    this.sentMarkTimer.unref();
  }

  /** Writes every sent mark still in memory now (before reading outbox rows elsewhere, and at shutdown). */
  flushSentMarks(): void {
    if (this.sentMarks.size === 0 || !this.db.open) return;
    if (this.db.inTransaction) {
      this.writeSentMarks(this.takeSentMarks());
      return;
    }
    this.transaction(() => {});
  }

  private takeSentMarks(): Map<number, SentMark> {
    const marks = this.sentMarks;
    this.sentMarks = new Map();
    if (this.sentMarkTimer) clearTimeout(this.sentMarkTimer);
    this.sentMarkTimer = undefined;
    return marks;
  }

  private writeSentMarks(marks: Map<number, SentMark>): void {
    for (const [id, at, result] of marks.values()) this.writeSent.run(at, result, id);
  }

  /**
   * Records that a row was delivered. Inside a transaction it is written at once; otherwise it is kept in
   * memory and written with the next write transaction, or after SENT_MARK_DELAY_MS on its own (group commit:
   * under load one commit carries an update and the previous deliveries). Every read of outbox rows through
   * the store sees it: reads of pending rows leave it out, the others write the waiting marks first.
   */
  markSent(id: number, at: string, result: string): void {
    if (this.db.inTransaction) {
      this.writeSent.run(at, result, id);
      return;
    }
    this.sentMarks.set(id, [id, at, result]);
    this.armSentMarkTimer();
  }

  /** How many sent marks wait in memory. */
  get waitingMarks(): number {
    return this.sentMarks.size;
  }

  /** Whether this row's delivery is recorded in memory and not written yet. */
  isMarkedSent(id: number): boolean {
    return this.sentMarks.has(id);
  }

  /** Throws if the database does not answer (health checks). */
  ping(): void {
    this.select1.get();
  }
}
