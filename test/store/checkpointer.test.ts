import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackgroundCheckpointer } from "../../src/store/checkpointer.ts";
import { openDatabase } from "../../src/store/db.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("background WAL checkpoints", () => {
  it("a worker moves committed pages into the database file, without the writer checkpointing itself", async () => {
    const path = join(dir, "bot.db");
    const db = openDatabase(path);
    const checkpointer = new BackgroundCheckpointer(db, path, 50);
    // The writer's own threshold is far above what this test writes, so only the worker can checkpoint.
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(20_000);
    const before = statSync(path).size;
    const insert = db.prepare(
      "INSERT INTO audit_log (at, actor, action, details) VALUES (?, 'test', 'fill', ?)",
    );
    const blob = JSON.stringify({ x: "y".repeat(2000) });
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) insert.run(new Date().toISOString(), blob);
    })();
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < before + 1_000_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(statSync(path).size).toBeGreaterThan(before + 1_000_000);
    await checkpointer.stop();
    db.close();
  });
});
