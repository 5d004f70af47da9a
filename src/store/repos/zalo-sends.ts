import type { Db } from "./sqlite.ts";

/** Messages sent to Zalo per month, and when admins were warned about the quota (once per level and month). */
export class SqliteZaloSends {
  private readonly s;

  /** The table is migration 009's. */
  constructor(db: Db) {
    this.s = {
      add: db.prepare(
        `INSERT INTO zalo_send_counter (month, sent) VALUES (?, ?)
         ON CONFLICT (month) DO UPDATE SET sent = sent + excluded.sent RETURNING sent`,
      ),
      warned80: db.prepare(
        "UPDATE zalo_send_counter SET warned_80_at = ? WHERE month = ? AND warned_80_at IS NULL",
      ),
      warned100: db.prepare(
        "UPDATE zalo_send_counter SET warned_100_at = ? WHERE month = ? AND warned_100_at IS NULL",
      ),
      sent: db.prepare("SELECT sent FROM zalo_send_counter WHERE month = ?"),
      lastSent: db.prepare(
        "SELECT id, payload FROM outbox WHERE channel = 'zalo' AND chat_id = ? AND status = 'sent' ORDER BY id DESC LIMIT ?",
      ),
    };
  }

  /** Adds `n` sends to the month; returns the month's total. */
  add(month: string, n: number): number {
    return (this.s.add.get(month, n) as { sent: number }).sent;
  }

  /** Records the warning at a level; false when it was already given this month. */
  markWarned(month: string, level: 80 | 100, at: string): boolean {
    return (level === 80 ? this.s.warned80 : this.s.warned100).run(at, month).changes === 1;
  }

  /** The newest outbox rows delivered to a Zalo chat, newest first (call after the store flushed its sent marks). */
  lastSentRows(chatId: string, limit: number): Array<{ id: number; payload: unknown }> {
    const rows = this.s.lastSent.all(chatId, limit) as Array<{ id: number; payload: string }>;
    return rows.map((r) => ({ id: r.id, payload: JSON.parse(r.payload) as unknown }));
  }

  sent(month: string): number {
    return (this.s.sent.get(month) as { sent: number } | undefined)?.sent ?? 0;
  }
}
