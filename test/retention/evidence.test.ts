import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EvidenceFiles } from "../../src/evidence/files.ts";
import { openDatabase } from "../../src/store/db.ts";
import { createHarness } from "../engine/harness.ts";
import { OPEN_REPORT_WALK } from "../fixtures/report-walk.ts";
import { cliTimeout } from "../support/cli-budget.ts";

const DAY = 86_400_000;

/*
 * The evidence store's retention as the operator runs it: `incident-bot purge` builds it from EVIDENCE_DIR
 * (cli.ts), and the evidence files are content-addressed under that folder, one file for every row that names
 * the same bytes.
 */
describe("incident-bot purge over the evidence folder", { timeout: cliTimeout(2) }, () => {
  const root = mkdtempSync(join(tmpdir(), "incident-purge-evidence-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dbPath = join(root, "bot.db");
  const evidenceDir = join(root, "evidence");
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        // A run under faketime (the suite at another date) keeps the child on the same clock as this test.
        ...(process.env.FAKETIME
          ? { FAKETIME: process.env.FAKETIME, LD_PRELOAD: process.env.LD_PRELOAD ?? "" }
          : {}),
        DATABASE_PATH: dbPath,
        EVIDENCE_DIR: evidenceDir,
        RETENTION_EVIDENCE_DAYS: "365",
      },
      encoding: "utf8",
    });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };

  it("removes the file of a ticket unchanged for longer than RETENTION_EVIDENCE_DAYS and keeps a newer one", () => {
    const h = createHarness();
    const files = new EvidenceFiles(evidenceDir);
    const now = Date.now();
    /** A filed ticket, last changed `daysAgo` days ago, with `bytes` kept as its evidence. */
    const ticket = (daysAgo: number, bytes: string[]) => {
      h.command("start", "", { userId: String(2000 + daysAgo) });
      let ticketId = "";
      for (const line of OPEN_REPORT_WALK)
        ticketId = h.text(line, { userId: String(2000 + daysAgo) }).ticketId ?? ticketId;
      const incident = h.store.incidentByTicket(ticketId);
      if (!incident) throw new Error("no ticket filed");
      const at = new Date(now - daysAgo * DAY).toISOString();
      const paths = bytes.map((text, position) => {
        h.store.evidence.add(
          {
            incidentId: incident.id,
            position,
            channel: "telegram",
            fileRef: `file-${daysAgo}-${position}`,
            messageRef: null,
            name: `${position}.txt`,
            mime: "text/plain",
          },
          at,
        );
        const row = h.store.evidence.one(incident.id, position);
        const file = files.put(Buffer.from(text));
        h.store.evidence.markStored(row?.id ?? 0, { ...file, mime: "text/plain" }, at);
        return file.path;
      });
      h.db.prepare("UPDATE incidents SET updated_at = ? WHERE id = ?").run(at, incident.id);
      return { incidentId: incident.id, paths };
    };
    // The same bytes sent to an old and a recent ticket are kept once and must outlive the old ticket's row.
    const old = ticket(400, ["old only", "sent twice"]);
    const recent = ticket(10, ["recent only", "sent twice"]);
    const [oldOnly, shared] = old.paths;
    const [recentOnly] = recent.paths;
    expect(recent.paths[1]).toBe(shared);
    h.db.exec(`VACUUM INTO '${dbPath}'`);
    const on = (path: string | undefined) => existsSync(join(evidenceDir, path ?? "missing"));
    expect([on(oldOnly), on(shared), on(recentOnly)]).toEqual([true, true, true]);

    const dry = cli("purge", "--dry-run");
    expect(dry.err).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/evidence: 2 file\(s\) would be deleted/);
    expect([on(oldOnly), on(shared), on(recentOnly)]).toEqual([true, true, true]);

    const real = cli("purge");
    expect(real.err).toBe("");
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/evidence: 2 file\(s\) were deleted/);
    expect(on(oldOnly)).toBe(false);
    expect(on(shared)).toBe(true);
    expect(on(recentOnly)).toBe(true);
    const db = openDatabase(dbPath);
    try {
      const rows = db.prepare("SELECT incident_id, path FROM evidence ORDER BY id").all();
      expect(rows).toEqual([
        { incident_id: recent.incidentId, path: recentOnly },
        { incident_id: recent.incidentId, path: shared },
      ]);
    } finally {
      db.close();
    }
  });
});
