import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp, createLogger, registerJobs } from "../../src/app.ts";
import { parseConfig, type RetentionDays } from "../../src/config.ts";
import { Scheduler } from "../../src/outbox/scheduler.ts";
import { armRetentionPurge } from "../../src/retention/job.ts";
import { applyPurge, type EvidenceRetention, planPurge } from "../../src/retention/purge.ts";
import { openDatabase } from "../../src/store/db.ts";
import { OPEN_REPORT_WALK } from "../fixtures/report-walk.ts";
import { cliTimeout } from "../support/cli-budget.ts";
import { dutyRig } from "../support/duty-rig.ts";

const DAY = 86_400_000;
const GROUP = "-100555";
const START = new Date("2026-01-05T03:00:00Z");
/** The reporter's personal data in REPORT_WALK. */
const PERSONAL = ["0912 345 678", "an.nv@laichau.gov.vn", "Nguyễn Văn An"];
const DEFAULTS = parseConfig({}).retention;

/** A filed ticket posted in a bound duty group, with every queued message delivered on day 0 except two. */
function filed(retention: RetentionDays = DEFAULTS) {
  const { h, desk, bind, fileReport } = dutyRig({
    group: GROUP,
    now: START,
    desk: { email: { messageIdDomain: "example.vn" } },
  });
  bind("vncert", { userName: "Quản trị" });
  const ticketId = fileReport();
  desk.fanOut(START);
  const rows = h.db.prepare("SELECT id FROM outbox WHERE status = 'pending' ORDER BY id").all() as Array<{
    id: number;
  }>;
  // The reporter's first message stays pending (not delivered yet), the second failed for good.
  const pending = rows[0]?.id ?? 0;
  const dead = rows[1]?.id ?? 0;
  h.store.transaction(() => {
    for (const { id } of rows.slice(2)) h.store.markSent(id, START.toISOString(), { messageIds: [id] });
    h.store.markDead(dead, "403: bot was blocked by the user");
  });
  let clock = START;
  const scheduler = registerJobs(
    new Scheduler({ store: h.store, logger: createLogger("silent"), clock: () => clock }),
    h.engine,
    undefined,
    undefined,
    { store: h.store, purge: { retention } },
  );
  armRetentionPurge(h.store, START);
  const at = (days: number) => {
    clock = new Date(START.getTime() + days * DAY);
  };
  const bodies = () =>
    h.db.prepare("SELECT id, status, payload FROM outbox ORDER BY id").all() as Array<{
      id: number;
      status: string;
      payload: string;
    }>;
  return { h, desk, ticketId, pending, dead, scheduler, at, bodies };
}

describe("retention: delivered messages lose their body", () => {
  it("after RETENTION_OUTBOX_DAYS (30 by default) no delivered row holds a body; pending and dead rows keep theirs", () => {
    const s = filed();
    const before = s.bodies();
    expect(before.filter((r) => r.status === "sent").length).toBeGreaterThan(20);
    // The duty post and the e-mail carried the reporter's contact details.
    expect(before.some((r) => r.status === "sent" && r.payload.includes("0912 345 678"))).toBe(true);

    s.at(29);
    expect(s.scheduler.runDue()).toBe(1); // the daily job, due on day 1
    expect(s.bodies()).toEqual(before);

    s.at(31);
    expect(s.scheduler.runDue()).toBe(1);
    const after = s.bodies();
    expect(after.filter((r) => r.status === "sent").every((r) => r.payload === "{}")).toBe(true);
    expect(after.find((r) => r.id === s.pending)).toEqual(before.find((r) => r.id === s.pending));
    expect(after.find((r) => r.id === s.dead)).toEqual(before.find((r) => r.id === s.dead));
    expect(after.find((r) => r.id === s.pending)?.payload).not.toBe("{}");
    // Each daily run is audited, the second with what it emptied; the next one is armed.
    const audit = s.h.db
      .prepare("SELECT actor, details FROM audit_log WHERE action = 'retention.purge' ORDER BY id")
      .all() as Array<{ actor: string; details: string }>;
    expect(audit.map((a) => a.actor)).toEqual(["system:retention", "system:retention"]);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ outbox: 0 });
    expect(JSON.parse(audit[1]?.details ?? "{}")).toMatchObject({ outbox: before.length - 2 });
    expect(s.h.store.job("retention-purge")).toMatchObject({ status: "pending" });
    // The delivery facts stay: a duty post's message id still threads replies under it.
    expect(s.h.store.dutyPosts(s.h.store.incidentByTicket(s.ticketId)?.id ?? 0)[0]?.messageIds).not.toEqual(
      [],
    );
  });

  it("RETENTION_OUTBOX_DAYS=off keeps every body", () => {
    const s = filed({ ...DEFAULTS, outboxDays: undefined });
    const before = s.bodies();
    s.at(400);
    s.scheduler.runDue();
    expect(s.bodies()).toEqual(before);
  });
});

describe("retention: personal data only on the incident record", () => {
  it("after the outbox purge, the reporter's phone, e-mail and name are in no table but the incident and the profile they saved", () => {
    const s = filed();
    s.at(31);
    s.scheduler.runDue();
    const tables = (
      s.h.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    ).map((t) => t.name);
    const holding = tables.filter((table) => {
      const rows = s.h.db.prepare(`SELECT * FROM "${table}"`).all();
      const text = JSON.stringify(rows);
      return PERSONAL.some((p) => text.includes(p) || text.includes(JSON.stringify(p).slice(1, -1)));
    });
    // reporter_profiles: the details the reporter chose to save for their next report (profile flow).
    expect(holding.sort(), JSON.stringify(holding)).toEqual(["incidents", "reporter_profiles"]);
  });
});

describe("retention: conversations, evidence and settled tickets", () => {
  it("a finished conversation leaves no snapshot; an unfinished one untouched for RETENTION_CONVERSATION_DAYS goes", () => {
    const s = filed();
    expect(s.h.store.conversation("telegram", "1001")).toBeUndefined();
    s.h.command("start", "", { userId: "2002" });
    s.h.text("Cổng thông tin điện tử", { userId: "2002" });
    expect(s.h.store.conversation("telegram", "2002")).toBeDefined();
    expect(
      planPurge(s.h.store, { retention: DEFAULTS }, new Date(START.getTime() + 29 * DAY)).conversations.rows,
    ).toBe(0);
    applyPurge(s.h.store, { retention: DEFAULTS }, new Date(START.getTime() + 31 * DAY), "test");
    expect(s.h.store.conversation("telegram", "2002")).toBeUndefined();
  });

  it("a settled ticket older than RETENTION_INCIDENT_DAYS is deleted with its timeline, posts and jobs; an open one stays", () => {
    const s = filed({ ...DEFAULTS, incidentDays: 365 });
    const old = s.h.store.incidentByTicket(s.ticketId);
    s.h.db.prepare("UPDATE incidents SET status = 'closed' WHERE id = ?").run(old?.id);
    // A second ticket, still open.
    s.h.command("start", "", { userId: "3003" });
    let open = "";
    for (const line of OPEN_REPORT_WALK) open = s.h.text(line, { userId: "3003" }).ticketId ?? open;
    const evidence: EvidenceRetention & { asked: string[][] } = {
      asked: [],
      count: (_before, tickets) => tickets.length,
      purge(_before, tickets) {
        this.asked.push([...tickets]);
        return tickets.length;
      },
    };
    const options = { retention: { ...DEFAULTS, incidentDays: 365, evidenceDays: 365 }, evidence };
    expect(planPurge(s.h.store, options, new Date(START.getTime() + 364 * DAY)).incidents.tickets).toEqual(
      [],
    );
    const report = applyPurge(s.h.store, options, new Date(START.getTime() + 366 * DAY), "test");
    expect(report.incidents.tickets).toEqual([s.ticketId]);
    expect(evidence.asked).toEqual([[s.ticketId]]);
    expect(s.h.store.incidentByTicket(s.ticketId)).toBeUndefined();
    expect(s.h.store.incidentByTicket(open)).toBeDefined();
    const left = (sql: string) => (s.h.db.prepare(sql).get(old?.id) as { n: number }).n;
    expect(left("SELECT count(*) AS n FROM ticket_timeline WHERE incident_id = ?")).toBe(0);
    expect(left("SELECT count(*) AS n FROM duty_posts WHERE incident_id = ?")).toBe(0);
    expect(
      (
        s.h.db
          .prepare("SELECT count(*) AS n FROM scheduled_jobs WHERE json_extract(payload, '$.ticketId') = ?")
          .get(s.ticketId) as { n: number }
      ).n,
    ).toBe(0);
    expect(s.h.db.pragma("foreign_key_check")).toEqual([]);
  });
});

describe("the daily purge job", () => {
  it("is armed when the bot starts, a day ahead, once", async () => {
    const app = createApp(
      parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
      createLogger("silent"),
    );
    try {
      const before = Date.now();
      await app.start();
      const job = app.store.job("retention-purge");
      expect(job).toMatchObject({ kind: "retention_purge", status: "pending" });
      expect(Date.parse(job?.dueAt ?? "") - before).toBeGreaterThanOrEqual(86_400_000);
      // A restart a little later keeps the day's run where it was.
      armRetentionPurge(app.store, new Date(before + 3_600_000));
      expect(app.store.job("retention-purge")?.dueAt).toBe(job?.dueAt);
    } finally {
      await app.close();
    }
  });
});

describe("retention settings", () => {
  it("take whole days or off, and name every bad variable", () => {
    expect(parseConfig({}).retention).toEqual({
      outboxDays: 30,
      conversationDays: 30,
      evidenceDays: 1825,
      incidentDays: 1825,
    });
    expect(
      parseConfig({ RETENTION_INCIDENT_DAYS: "off", RETENTION_OUTBOX_DAYS: "7" }).retention,
    ).toMatchObject({
      outboxDays: 7,
      incidentDays: undefined,
    });
    expect(() => parseConfig({ RETENTION_OUTBOX_DAYS: "0", RETENTION_EVIDENCE_DAYS: "never" })).toThrow(
      /RETENTION_OUTBOX_DAYS[\s\S]*RETENTION_EVIDENCE_DAYS/,
    );
  });
});

describe("incident-bot purge", { timeout: cliTimeout(3) }, () => {
  const dir = mkdtempSync(join(tmpdir(), "incident-purge-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, "bot.db");
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: dbPath },
      encoding: "utf8",
    });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  /** Every row of every table, in order. */
  const dump = () => {
    const db = openDatabase(dbPath);
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all() as Array<{
        name: string;
      }>;
      return Object.fromEntries(
        tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]),
      );
    } finally {
      db.close();
    }
  };

  it("--dry-run shows what would go and changes nothing (same bytes, same rows); purge applies it and is audited", () => {
    // Messages delivered on 5 January 2026: older than the default 30 days at any later run.
    const s = filed();
    s.h.db.exec(`VACUUM INTO '${dbPath}'`);
    const rowsBefore = dump(); // also puts the file in WAL mode, as the bot keeps it
    const bytesBefore = readFileSync(dbPath);
    const sent = (rowsBefore.outbox as Array<{ status: string }>).filter((r) => r.status === "sent").length;

    const dry = cli("purge", "--dry-run");
    expect(dry.err).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("Dry run: nothing was changed.");
    expect(dry.out).toContain(`outbox: ${sent} delivered message body(ies) would be emptied`);
    expect(dry.out).toContain("incidents: 0 settled ticket(s) would be deleted");
    expect(readFileSync(dbPath).equals(bytesBefore)).toBe(true);
    expect(dump()).toEqual(rowsBefore);

    const real = cli("purge");
    expect(real.code).toBe(0);
    expect(real.out).toContain(`outbox: ${sent} delivered message body(ies) were emptied`);
    const after = dump();
    const outbox = after.outbox as Array<{ status: string; payload: string }>;
    expect(outbox.filter((r) => r.status === "sent").every((r) => r.payload === "{}")).toBe(true);
    expect(outbox.filter((r) => r.status !== "sent").every((r) => r.payload !== "{}")).toBe(true);
    const audit = (after.audit_log as Array<{ actor: string; action: string; details: string }>).filter(
      (a) => a.action === "retention.purge",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe("cli");
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ outbox: sent, incidents: [] });
  });
});
