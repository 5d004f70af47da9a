import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localMidnight, slaCsv, slaReport, slaTable } from "../../src/admin/sla-report.ts";
import { buildCli } from "../../src/cli.ts";
import { parseConfig } from "../../src/config.ts";
import { quantile } from "../../src/domain/sla.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const dir = mkdtempSync(join(tmpdir(), "incident-sla-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Seed {
  units: string[];
  severity: number;
  /** Hanoi wall clock "2025-11-03T09:00" */
  created: string;
  detectedBefore?: number;
  ackAfter?: number;
  resolveAfter?: number;
  status?: string;
}

/** Tickets with known times, written through the store as the engine and the desk write them. */
function seed(store: Store, tickets: Seed[]): void {
  tickets.forEach((t, i) => {
    const created = Date.parse(`${t.created}:00+07:00`);
    const iso = (ms: number) => new Date(ms).toISOString();
    const status = t.status ?? (t.resolveAfter ? "resolved" : t.ackAfter ? "acknowledged" : "new");
    const { row } = store.insertIncident({
      ticketId: `SC-2025-${String(i + 1).padStart(6, "0")}`,
      submissionKey: `k${i}`,
      channel: "telegram",
      chatId: `r${i}`,
      reporterUserId: `r${i}`,
      reporterLocale: "vi",
      incidentType: "malware",
      severity: t.severity,
      severityReasons: [],
      serious: false,
      answers: {},
      routing: {
        destinations: t.units.map((contactId) => ({ contactId, contactVersion: 1, kinds: [], rules: [] })),
        advice: [],
        firedRules: [],
      },
      status,
      detectedAt: iso(created - (t.detectedBefore ?? HOUR)),
      createdAt: iso(created),
    });
    store.addTimeline(row.id, iso(created), "reporter", "new");
    if (t.ackAfter) {
      store.addTimeline(row.id, iso(created + t.ackAfter), "o1", "acknowledged");
      // A later "take" is not a second acknowledgement.
      store.addTimeline(row.id, iso(created + t.ackAfter + 5 * MIN), "o1", "in_progress");
    }
    if (t.resolveAfter) store.addTimeline(row.id, iso(created + t.resolveAfter), "o1", "resolved");
    if (t.status === "rejected") store.addTimeline(row.id, iso(created + MIN), "o1", "rejected");
  });
}

const SEEDED: Seed[] = [
  // vncert: acknowledged after 10, 20, 30, 40 minutes (the last one shared with provincial), all within the 1 h
  // deadline of severity 3; resolved after 1, 2 and 3 hours.
  { units: ["vncert"], severity: 3, created: "2025-11-03T09:00", ackAfter: 10 * MIN, resolveAfter: HOUR },
  { units: ["vncert"], severity: 3, created: "2025-11-03T10:00", ackAfter: 20 * MIN, resolveAfter: 2 * HOUR },
  { units: ["vncert"], severity: 3, created: "2025-11-04T09:00", ackAfter: 30 * MIN, resolveAfter: 3 * HOUR },
  { units: ["vncert", "provincial"], severity: 3, created: "2025-11-04T10:00", ackAfter: 40 * MIN },
  // vncert: severity 4 never acknowledged: its 15-minute deadline and the 5-day clock are missed.
  { units: ["vncert"], severity: 4, created: "2025-11-05T23:30" },
  // provincial: acknowledged after 90 minutes (late), detected 6 days before it was filed (the clock missed).
  {
    units: ["provincial"],
    severity: 3,
    created: "2025-11-05T08:00",
    ackAfter: 90 * MIN,
    resolveAfter: 5 * HOUR,
    detectedBefore: 6 * DAY,
  },
  // Not counted: rejected, and filed the day after the period (00:30 in Hanoi is still 5 Nov in UTC).
  { units: ["vncert"], severity: 3, created: "2025-11-04T11:00", status: "rejected" },
  { units: ["vncert"], severity: 3, created: "2025-11-06T00:30", ackAfter: 5 * HOUR },
  { units: ["vncert"], severity: 3, created: "2025-11-02T23:59", ackAfter: 5 * HOUR },
];

const config = parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" });
const RANGE = { from: "2025-11-03", to: "2025-11-05" };

describe("report sla", () => {
  it("quantiles interpolate between the closest ranks", () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40], 0.9)).toBeCloseTo(37);
    expect(localMidnight("2025-11-03", "Asia/Ho_Chi_Minh").toISOString()).toBe("2025-11-02T17:00:00.000Z");
  });

  it("per unit: medians, 90th percentiles and shares within deadlines of the tickets filed in the period", () => {
    const db = openDatabase(":memory:");
    const store = new Store(db);
    seed(store, SEEDED);
    const rows = slaReport(store, RANGE, config, new Date("2025-12-01T00:00:00Z"));
    expect(rows).toEqual([
      {
        unit: "provincial",
        tickets: 2,
        ackMedian: 65 * 60,
        ackP90: 85 * 60,
        resolveMedian: 5 * 3600,
        resolveP90: 5 * 3600,
        ackOnTime: { met: 1, decided: 2 },
        legalOnTime: { met: 1, decided: 2 },
      },
      {
        unit: "vncert",
        tickets: 5,
        ackMedian: 25 * 60,
        ackP90: 37 * 60,
        resolveMedian: 2 * 3600,
        resolveP90: 2.8 * 3600,
        ackOnTime: { met: 4, decided: 5 },
        legalOnTime: { met: 4, decided: 5 },
      },
    ]);
    // A ticket not acknowledged yet whose deadline is still ahead is neither met nor missed.
    const early = slaReport(store, RANGE, config, new Date(Date.parse("2025-11-05T23:35:00+07:00")));
    expect(early.find((r) => r.unit === "vncert")?.ackOnTime).toEqual({ met: 4, decided: 4 });

    expect(slaTable(rows).split("\n")).toEqual([
      "unit        tickets  ack p50  ack p90  resolve p50  resolve p90  ack on time  5-day clock",
      "provincial  2        1h 05m   1h 25m   5h 00m       5h 00m       1/2 (50%)    1/2 (50%)",
      "vncert      5        25m      37m      2h 00m       2h 48m       4/5 (80%)    4/5 (80%)",
    ]);
    expect(slaCsv(rows)).toBe(
      "\uFEFFunit,tickets,ack_p50_s,ack_p90_s,resolve_p50_s,resolve_p90_s,ack_on_time,ack_decided,legal_on_time,legal_decided\r\n" +
        "provincial,2,3900,5100,18000,18000,1,2,1,2\r\n" +
        "vncert,5,1500,2220,7200,10080,4,5,4,5\r\n",
    );
    db.close();
  });

  it("a unit id a spreadsheet would run as a formula is written as text", () => {
    const db = openDatabase(":memory:");
    const store = new Store(db);
    seed(store, [{ units: ["=HYPERLINK(1)"], severity: 3, created: "2025-11-03T09:00", ackAfter: MIN }]);
    expect(slaCsv(slaReport(store, RANGE, config, new Date("2025-12-01T00:00:00Z")))).toContain(
      "\r\n'=HYPERLINK(1),1,60,60,,,1,1,1,1\r\n",
    );
    db.close();
  });

  it("joins the one `report` command group beside `report export`", () => {
    const reports = buildCli().commands.filter((c) => c.name() === "report");
    expect(reports).toHaveLength(1);
    expect(reports[0]?.commands.map((c) => c.name()).sort()).toEqual(["export", "sla"]);
  });

  it("the command prints the table, the CSV with --csv, and refuses a bad date in one line", () => {
    const dbPath = join(dir, "bot.db");
    const db = openDatabase(dbPath);
    seed(new Store(db), SEEDED);
    db.close();
    const cli = (...args: string[]) => {
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "report", "sla", ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: dbPath },
        encoding: "utf8",
      });
      return { code: run.status, out: run.stdout, err: run.stderr };
    };
    const table = cli("--from", RANGE.from, "--to", RANGE.to);
    expect(table.err).toBe("");
    expect(table.out).toContain("vncert      5        25m      37m      2h 00m       2h 48m       4/5 (80%)");
    const csv = cli("--from", RANGE.from, "--to", RANGE.to, "--csv");
    expect(csv.out).toContain("\r\nvncert,5,1500,2220,7200,10080,4,5,4,5\r\n");
    const bad = cli("--from", "2025-02-30", "--to", RANGE.to);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("Expected dates as YYYY-MM-DD (got --from 2025-02-30 --to 2025-11-05).\n");
    const reversed = cli("--from", RANGE.to, "--to", RANGE.from);
    expect(reversed.err).toBe("--from 2025-11-05 is after --to 2025-11-03.\n");
  }, 120_000);
});
