import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migration017KeyedSendHistory } from "../../src/store/migrations/017-keyed-send-history.ts";
import { MIGRATIONS, migrate } from "../../src/store/migrations/index.ts";

const insert = `INSERT INTO outbox (idempotency_key, channel, chat_id, payload, status, next_attempt_at, created_at, sent_at)
  VALUES (?, 'telegram', ?, '{}', ?, 'x', 'x', ?)`;

function indexEntries(db: Database.Database, index: string): number {
  // A partial index's entries, counted through the index itself.
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM outbox INDEXED BY ${index}
         WHERE channel = 'telegram' AND chat_id >= '' AND sent_at IS NOT NULL AND idempotency_key IS NOT NULL`,
      )
      .get() as { n: number }
  ).n;
}

describe("migration: keyed send history", () => {
  it("keeps every outbox row and indexes the sends of keyed rows only, which the storm queries use", () => {
    const version = migration017KeyedSendHistory.version;
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, version - 1));
    const row = db.prepare(insert);
    row.run("duty:SC-2026-000001:vncert", "-100", "sent", "2026-11-21T03:00:00.000Z");
    row.run(null, "42", "sent", "2026-11-21T03:00:01.000Z");
    row.run(null, "-100", "pending", null);
    expect(migrate(db, MIGRATIONS.slice(0, version))).toEqual([version]);

    expect(db.prepare("SELECT count(*) AS n FROM outbox").get()).toEqual({ n: 3 });
    const indexes = (
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'outbox'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(indexes).not.toContain("outbox_chat_sent");
    expect(indexes).toContain("outbox_chat_sent_keyed");
    expect(indexEntries(db, "outbox_chat_sent_keyed")).toBe(1);
    // A turn's reply (no key) marked sent adds no entry; a keyed duty post does.
    row.run(null, "43", "sent", "2026-11-21T03:00:02.000Z");
    expect(indexEntries(db, "outbox_chat_sent_keyed")).toBe(1);
    row.run("duty:SC-2026-000002:vncert", "-100", "sent", "2026-11-21T03:00:03.000Z");
    expect(indexEntries(db, "outbox_chat_sent_keyed")).toBe(2);

    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all("telegram", "-100", "x") as { detail: string }[])
        .map((r) => r.detail)
        .join("; ");
    expect(
      plan(
        "SELECT count(*) FROM outbox WHERE channel = ? AND chat_id = ? AND sent_at IS NOT NULL AND idempotency_key IS NOT NULL AND sent_at > ?",
      ),
    ).toMatch(/outbox_chat_sent_keyed/);
  });
});
