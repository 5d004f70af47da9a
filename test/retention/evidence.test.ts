import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.ts";
import { evidenceRetention } from "../../src/retention/evidence.ts";
import { applyPurge, planPurge } from "../../src/retention/purge.ts";
import { createHarness } from "../engine/harness.ts";
import { OPEN_REPORT_WALK } from "../fixtures/report-walk.ts";

const root = mkdtempSync(join(tmpdir(), "incident-evidence-retention-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const DAY = 86_400_000;
const NOW = new Date("2026-11-21T03:00:00Z");

describe("RETENTION_EVIDENCE_DAYS over the evidence store", () => {
  it("old rows go, and their files once no row shares them; a path leaving the folder is never followed", () => {
    const h = createHarness({ now: NOW });
    h.command("start");
    let ticketId = "";
    for (const line of OPEN_REPORT_WALK) ticketId = h.text(line).ticketId ?? ticketId;
    const incident = h.store.incidentByTicket(ticketId)?.id ?? 0;
    const dir = join(root, "evidence");
    const outside = join(root, "outside.txt");
    const file = (path: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), "bytes");
    };
    writeFileSync(outside, "not evidence");
    // The evidence store's table (migration "evidence" once merged; its core columns here before that). Columns
    // it also requires get filler values, so the test runs on either shape.
    h.db.exec(`CREATE TABLE IF NOT EXISTS evidence (
      id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL REFERENCES incidents(id), path TEXT,
      status TEXT NOT NULL, created_at TEXT NOT NULL) STRICT`);
    const extra = h.db
      .prepare(
        `SELECT name, type FROM pragma_table_info('evidence') WHERE "notnull" = 1 AND dflt_value IS NULL
           AND pk = 0 AND name NOT IN ('incident_id', 'status', 'created_at')`,
      )
      .all() as Array<{ name: string; type: string }>;
    let n = 0;
    const add = {
      run(incidentId: number, path: string | null, createdAt: string) {
        n++;
        const filler = extra.map((c) => (c.type === "INTEGER" ? n : String(n)));
        h.db
          .prepare(
            `INSERT INTO evidence (incident_id, path, status, created_at${extra.map((c) => `, ${c.name}`).join("")})
             VALUES (?, ?, 'stored', ?${extra.map(() => ", ?").join("")})`,
          )
          .run(incidentId, path, createdAt, ...filler);
      },
    };
    const old = new Date(NOW.getTime() - 400 * DAY).toISOString();
    const recent = new Date(NOW.getTime() - 10 * DAY).toISOString();
    file("aa/only-old");
    file("bb/shared");
    add.run(incident, "aa/only-old", old);
    add.run(incident, "bb/shared", old);
    add.run(incident, "bb/shared", recent);
    add.run(incident, "../outside.txt", old);
    add.run(incident, null, old); // never downloaded

    const options = {
      retention: { ...parseConfig({}).retention, evidenceDays: 365 },
      evidence: evidenceRetention(h.db, dir),
    };
    expect(planPurge(h.db, options, NOW).evidence.items).toBe(4);
    expect(existsSync(join(dir, "aa/only-old"))).toBe(true);
    const report = applyPurge(h.store, options, NOW, "test");
    expect(report.evidence.items).toBe(4);
    expect(h.db.prepare("SELECT path, created_at FROM evidence").all()).toEqual([
      { path: "bb/shared", created_at: recent },
    ]);
    expect(existsSync(join(dir, "aa/only-old"))).toBe(false);
    expect(existsSync(join(dir, "bb/shared"))).toBe(true);
    expect(existsSync(outside)).toBe(true);
  });

  it("without an evidence table (a database from before the evidence store) removes nothing", () => {
    const h = createHarness({ now: NOW });
    const retention = evidenceRetention(h.db, join(root, "none"));
    expect(retention.count(NOW.toISOString(), [])).toBe(0);
    expect(retention.purge(NOW.toISOString(), [])).toBe(0);
  });
});
