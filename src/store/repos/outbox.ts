import type { OutboxRow } from "../types.ts";
import type { OutboxRepo, Transactions } from "./interfaces.ts";
import { type Db, json, parse, type Raw } from "./sqlite.ts";

/** How many undelivered messages of one chat a sender reads at a time. */
const PENDING_PER_CHAT = 200;

/**
 * Outbound messages: queued in the turn's transaction, sent after commit (invariant 1). Deliveries are recorded
 * through the transaction boundary, which group-commits them (see tx.ts); every read here sees those marks.
 */
export class SqliteOutbox implements OutboxRepo {
  private readonly s;

  constructor(
    db: Db,
    private readonly tx: Transactions,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      enqueue: p(
        `INSERT INTO outbox (idempotency_key, channel, chat_id, payload, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id`,
      ),
      duePending: p(
        `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND channel = ?
         ORDER BY id LIMIT ?`,
      ),
      outboxById: p("SELECT * FROM outbox WHERE id = ?"),
      pendingForChat: p(
        `SELECT * FROM outbox WHERE status = 'pending' AND channel = ? AND chat_id = ? ORDER BY id
         LIMIT ${PENDING_PER_CHAT}`,
      ),
      markRetry: p(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
      ),
      markDead: p("UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?"),
      replacePending: p("UPDATE outbox SET payload = ? WHERE idempotency_key = ? AND status = 'pending'"),
    };
  }

  /**
   * Queues an outbound message once per idempotency key; returns its id, or undefined if already queued.
   * A null key queues it unconditionally: for a turn's own messages, made once by the update's dedupe key.
   */
  enqueue(
    key: string | null,
    channel: string,
    chatId: string,
    payload: unknown,
    at: string,
  ): number | undefined {
    const row = this.s.enqueue.get(key, channel, chatId, json(payload), at, at) as { id: number } | undefined;
    return row?.id;
  }

  duePending(channel: string, now: string, limit = 100): OutboxRow[] {
    return this.pendingRows(() => this.s.duePending.all(now, channel, limit) as Raw[], limit);
  }

  /** Every undelivered message of one chat, oldest first, whether due yet or not. */
  pendingForChat(channel: string, chatId: string): OutboxRow[] {
    return this.pendingRows(() => this.s.pendingForChat.all(channel, chatId) as Raw[], PENDING_PER_CHAT);
  }

  outboxRow(id: number): OutboxRow | undefined {
    const row = this.s.outboxById.get(id) as Raw | undefined;
    if (!row) return undefined;
    return this.tx.isMarkedSent(id) ? { ...toOutbox(row), status: "sent" } : toOutbox(row);
  }

  /** Pending rows as the store knows them: those delivered with the mark still in memory are left out. */
  private pendingRows(query: () => Raw[], limit: number): OutboxRow[] {
    const rows = query();
    if (this.tx.waitingMarks === 0) return rows.map(toOutbox);
    const kept = rows.filter((r) => !this.tx.isMarkedSent(Number(r.id)));
    if (kept.length === rows.length || rows.length < limit) return kept.map(toOutbox);
    // A full page with delivered rows in it hides rows beyond the limit: write the marks and ask again.
    this.tx.flushSentMarks();
    return query().map(toOutbox);
  }

  /** Records that a row was delivered (group-committed: see `Transactions.markSent` in tx.ts). */
  markSent(id: number, at: string, result: unknown = null): void {
    this.tx.markSent(id, at, json(result));
  }

  markRetry(id: number, nextAttemptAt: string, error: string): void {
    this.s.markRetry.run(nextAttemptAt, error, id);
  }

  markDead(id: number, error: string): void {
    this.s.markDead.run(error, id);
  }

  /** Rewrites a message not sent yet (it goes out showing the latest state); false if it is already out. */
  replacePending(key: string, payload: unknown): boolean {
    this.tx.flushSentMarks();
    return this.s.replacePending.run(json(payload), key).changes === 1;
  }
}

function toOutbox(r: Raw): OutboxRow {
  return {
    id: Number(r.id),
    idempotencyKey: r.idempotency_key === null ? null : String(r.idempotency_key),
    channel: String(r.channel),
    chatId: String(r.chat_id),
    payload: parse(r.payload),
    status: r.status as OutboxRow["status"],
    attempts: Number(r.attempts),
    nextAttemptAt: String(r.next_attempt_at),
    createdAt: String(r.created_at),
  };
}
