import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ContactAdmin } from "../../src/admin/contact-admin.ts";
import { applyImport, checkContactsYaml, exportContactsYaml } from "../../src/admin/contacts-file.ts";
import { describePlan } from "../../src/admin/contacts-plan.ts";
import { parseShift, type Shift } from "../../src/domain/roster.ts";
import { createTranslator } from "../../src/i18n.ts";
import { applyRosters, checkRosterCsv, planRosters, rosterCsv } from "../../src/roster/roster-file.ts";
import { addShift, leadsOf, setLead, shiftsOf } from "../../src/roster/roster-service.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { cliTimeout } from "../support/cli-budget.ts";

const NOW = new Date("2026-11-21T03:00:00.000Z");
const AT = NOW.toISOString();
const t = createTranslator("vi");
const say = (key: string, params?: Record<string, string | number>) => t.text("vi", key, params);

function service() {
  const store = new Store(openDatabase(":memory:"));
  return new ContactAdmin({ store, configAdmins: {}, changeApproval: false, staleMs: 180 * 86_400_000 });
}

function shift(person: string, when: string, start: string, end: string): Shift {
  const parsed = parseShift({ person, when, start, end });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.shift;
}

/** A database with two units' rosters: weekly and dated shifts, overnight, Telegram and Zalo, one lead. */
function withRosters() {
  const s = service();
  const store = s.o.store;
  addShift(store, "test", "vncert", shift("telegram:501", "T2-T6", "08:00", "17:00"), AT);
  addShift(store, "test", "vncert", shift("zalo:0f1e2d3c4b5a69788796", "*", "17:00", "08:00"), AT);
  addShift(store, "test", "provincial", shift("telegram:601", "14/02/2026,15/02/2026", "00:00", "24:00"), AT);
  setLead(store, "test", "vncert", "telegram:503", true, AT);
  return s;
}

const rostersOf = (store: Store) =>
  ["vncert", "provincial", "ncsc"].map((id) => ({
    id,
    shifts: shiftsOf(store, id).map(({ person, start, end, days, dates }) => ({
      person,
      start,
      end,
      days,
      dates,
    })),
    leads: leadsOf(store, id),
  }));

describe("rosters in the contacts YAML", () => {
  it("round trip: shifts and leads arrive as they were; importing the same file again changes nothing", () => {
    const a = withRosters();
    const yaml = exportContactsYaml(a, NOW);
    expect(yaml).toContain("rosters:");
    const b = service();
    const checked = checkContactsYaml(b, yaml);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    expect(describePlan(checked.plan, say)).toContain(
      "~ Lịch trực vncert: 0 → 2 ca; phụ trách ca trực: telegram:503",
    );
    b.o.store.transaction(() => applyImport(b, { kind: "shell" }, checked.plan, AT));
    expect(rostersOf(b.o.store)).toEqual(rostersOf(a.o.store));
    const again = checkContactsYaml(b, exportContactsYaml(b, NOW));
    expect(again.ok && again.plan.rostersChanged).toEqual([]);
  });

  it("a bad shift or lead is refused by line and field, and nothing is imported", () => {
    const a = withRosters();
    const yaml = exportContactsYaml(a, NOW)
      .replace("to: 17:00", "to: 27:00")
      .replace("telegram:503", "someone");
    // The section lists units in the contact table's order.
    const vncert =
      yaml.indexOf("- contact: vncert\n    leads") < yaml.indexOf("- contact: provincial\n    leads") ? 0 : 1;
    const lineOf = (needle: string) => yaml.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const b = service();
    const checked = checkContactsYaml(b, yaml);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((i) => [i.line, i.field, i.reason.key])).toEqual([
      [lineOf("- someone"), `rosters[${vncert}].leads[0]`, "roster:error.person"],
      [lineOf("27:00"), `rosters[${vncert}].shifts[0].to`, "roster:error.time"],
    ]);
    expect(rostersOf(b.o.store).every((r) => r.shifts.length === 0 && r.leads.length === 0)).toBe(true);
  });

  it("a roster for a unit the file does not have is refused", () => {
    const a = withRosters();
    const yaml = exportContactsYaml(a, NOW).replace(
      "- contact: provincial\n    leads",
      "- contact: nowhere\n    leads",
    );
    const checked = checkContactsYaml(service(), yaml);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((i) => i.field)).toHaveLength(1);
    expect(checked.issues[0]?.field).toMatch(/^rosters\[\d\]\.contact$/);
  });
});

describe("rosters as CSV", () => {
  it("round trip: export, then import into another database, gives the same shifts", () => {
    const a = withRosters();
    const csv = rosterCsv(a.o.store);
    expect(csv.split("\r\n")[0]).toBe("\uFEFFunit,person,days,from,to");
    expect(csv).toContain('provincial,telegram:601,"2026-02-14,2026-02-15",00:00,24:00');
    const b = service();
    const checked = checkRosterCsv(b.o.store, csv);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    const changes = planRosters(b.o.store, checked.rosters, false);
    b.o.store.transaction(() => applyRosters(b.o.store, "cli", changes, AT));
    expect(rostersOf(b.o.store).map((r) => r.shifts)).toEqual(rostersOf(a.o.store).map((r) => r.shifts));
    expect(planRosters(b.o.store, checkRosterCsv(b.o.store, csv).ok ? checked.rosters : [], false)).toEqual(
      [],
    );
  });

  it("refuses every bad row by its line number (a quoted line break counted) and imports nothing", () => {
    const s = service();
    const csv = [
      "unit,person,days,from,to",
      "vncert,telegram:501,T2-T6,08:00,17:00",
      "vncert,nobody,T2,08:00,17:00",
      'vncert,telegram:501,"T2,\nT3",08:00,17:00',
      "nowhere,telegram:501,T2,08:00,17:00",
      "vncert,telegram:501,T2,08:00,25:00",
      "vncert,telegram:501,T2,08:00",
      "vncert,telegram:501,30/02/2026,08:00,17:00",
      "vncert,telegram:501,Thứ hai,08:00,17:00",
    ].join("\n");
    const checked = checkRosterCsv(s.o.store, csv);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((i) => [i.line, i.reason.key])).toEqual([
      [3, "roster:error.person"],
      [6, "admin:file.unknownContact"],
      [7, "roster:error.time"],
      [8, "roster:file.columns"],
      [9, "roster:error.dates"],
      [10, "roster:error.days"],
    ]);
    expect(shiftsOf(s.o.store, "vncert")).toEqual([]);
    expect(checkRosterCsv(s.o.store, "who,what\n").ok).toBe(false);
  });
});

const dir = mkdtempSync(join(tmpdir(), "incident-roster-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: join(dir, "bot.db") },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("incident-bot roster export|import", { timeout: cliTimeout(5) }, () => {
  it("refuses a file with bad rows naming their lines, dry-runs, imports, and exports the same rows", () => {
    const file = join(dir, "roster.csv");
    writeFileSync(
      file,
      "unit,person,days,from,to\nvncert,telegram:501,T2-T6,08:00,17:00\nvncert,telegram:501,T2,8:99,17:00\n",
    );
    const refused = cli("roster", "import", file);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("dòng 3: Giờ trực chưa hợp lệ");
    writeFileSync(file, "unit,person,days,from,to\nvncert,telegram:501,T2-T6,08:00,17:00\n");
    expect(cli("roster", "import", "--dry-run", file).out).toContain("Lịch trực vncert: 0 → 1 ca");
    expect(cli("roster", "import", file).out).toContain("Đã nhập lịch trực");
    const out = join(dir, "out.csv");
    expect(cli("roster", "export", out).out).toContain("Đã xuất 1 ca trực");
    expect(readFileSync(out, "utf8")).toBe(
      "\uFEFFunit,person,days,from,to\r\nvncert,telegram:501,T2-T6,08:00,17:00\r\n",
    );
  });
});
