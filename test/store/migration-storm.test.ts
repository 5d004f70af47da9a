import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migration011StormDigests } from "../../src/store/migrations/011-storm-digests.ts";
import { MIGRATIONS, migrate } from "../../src/store/migrations/index.ts";

describe("migration: storm digests and related-report keys", () => {
  it("adds digests, their items and incident keys to the previous schema, tied to existing incidents", () => {
    const version = migration011StormDigests.version;
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, version - 1));
    db.prepare(
      `INSERT INTO incidents (ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
        incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at, updated_at)
       VALUES ('SC-2026-000001', 'k', 'telegram', '1', '1', 'vi', 'malware', 3, '[]', 0, '{}', '{}', 'new', 'x', 'x', 'x')`,
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, version))).toEqual([version]);
    db.prepare(
      "INSERT INTO duty_digests (channel, chat_id, post_key, opened_at) VALUES ('telegram', '-1', 'd1', 'x')",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO duty_digests (channel, chat_id, post_key, opened_at) VALUES ('telegram', '-1', 'd1', 'x')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
    const item = db.prepare(
      "INSERT INTO duty_digest_items (digest_id, incident_id, seq, added_at) VALUES (?, ?, ?, 'x')",
    );
    item.run(1, 1, 1);
    expect(() => item.run(1, 1, 2)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => item.run(1, 99, 3)).toThrow(/FOREIGN KEY/);
    const key = db.prepare("INSERT INTO incident_keys (incident_id, key, created_at) VALUES (?, ?, 'x')");
    key.run(1, "d:example.gov.vn");
    expect(() => key.run(99, "d:example.gov.vn")).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE duty_digests SET closed = 2").run()).toThrow(/CHECK/);
  });
});
