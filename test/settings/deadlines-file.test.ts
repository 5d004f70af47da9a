import { describe, expect, it } from "vitest";
import { ContactAdmin } from "../../src/admin/contact-admin.ts";
import { applyImport, checkContactsYaml, exportContactsYaml } from "../../src/admin/contacts-file.ts";
import { describePlan, isEmptyPlan } from "../../src/admin/contacts-plan.ts";
import { createTranslator } from "../../src/i18n.ts";
import { StoredDeadlineSettings } from "../../src/settings/deadline-settings.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

const NOW = new Date("2026-11-21T03:00:00.000Z");
const AT = NOW.toISOString();
const SHELL = { kind: "shell" } as const;
const t = createTranslator("vi");

function service() {
  const store = new Store(openDatabase(":memory:"));
  return new ContactAdmin({ store, configAdmins: {}, changeApproval: false, staleMs: 180 * 86_400_000 });
}
const settingsOf = (s: ContactAdmin) => new StoredDeadlineSettings(s.o.store);

describe("deadlines and the work calendar in the contacts YAML file", () => {
  it("round trip: what one database exports, another imports as new versions, audited; again changes nothing", () => {
    const a = service();
    const sa = settingsOf(a);
    sa.updateDeadlines(SHELL, { critical: "10m", low: "2wd", pageTimeout: "8m" }, AT, "cli");
    sa.updateCalendar(
      SHELL,
      {
        decisions: [{ year: 2026, nationalDayNeighbour: "2026-09-01" }],
        daysOff: [{ date: "2026-01-02", note: "nghỉ bù" }],
        workingDays: [{ date: "2026-01-10", note: "làm bù cho 02/01" }],
      },
      AT,
      "cli",
    );
    const yaml = exportContactsYaml(a, NOW);
    expect(yaml).toMatch(/^deadlines:\n {2}critical: 10m\n/m);
    expect(yaml).toContain("pageTimeout: 8m");

    const b = service();
    const checked = checkContactsYaml(b, yaml);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    expect(checked.plan.settings.map((c) => [c.name, c.fields])).toEqual([
      ["deadlines", ["critical", "low", "pageTimeout"]],
      ["work_calendar", ["decisions", "daysOff", "workingDays"]],
    ]);
    expect(describePlan(checked.plan, (k, p) => t.text("vi", k, p)).join("\n")).toContain(
      "critical: «15m» → «10m»",
    );
    b.o.store.transaction(() => applyImport(b, SHELL, checked.plan, AT));
    const sb = settingsOf(b);
    expect(sb.deadlineDoc().doc).toEqual(sa.deadlineDoc().doc);
    expect(sb.calendar()).toEqual(sa.calendar());
    expect(sb.deadlines().pageTimeoutMinutes).toBe(8);
    const audit = b.o.store.db
      .prepare(
        "SELECT action, actor, json_extract(details, '$.via') AS via FROM audit_log WHERE action LIKE 'settings.%'",
      )
      .all();
    expect(audit).toEqual([
      { action: "settings.deadlines", actor: "cli", via: "import" },
      { action: "settings.work_calendar", actor: "cli", via: "import" },
    ]);

    const again = checkContactsYaml(b, exportContactsYaml(b, NOW));
    expect(again.ok && isEmptyPlan(again.plan)).toBe(true);
  });

  it("a file without the sections leaves the settings alone", () => {
    const s = service();
    settingsOf(s).updateDeadlines(SHELL, { high: "3h" }, AT, "cli");
    const yaml = exportContactsYaml(s, NOW).replace(/^deadlines:[\s\S]*$/m, "");
    const checked = checkContactsYaml(s, yaml);
    expect(checked.ok && checked.plan.settings).toEqual([]);
  });

  it("bad values are refused with their line numbers, and nothing is written", () => {
    const s = service();
    const lines = exportContactsYaml(s, NOW).split("\n");
    const lineOf = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const high = lineOf(/^ {2}high: /);
    const reraise = lineOf(/^ {2}reraise: /);
    lines[high] = "  high: 2 tuần";
    lines[reraise] = "  reraise: 1wd";
    const calendar = lineOf(/^calendar:/);
    lines.splice(
      calendar,
      lines.length - calendar,
      "calendar:",
      "  daysOff:",
      "    - date: 2026-02-30",
      "  workingDays: []",
      "",
    );
    const checked = checkContactsYaml(s, lines.join("\n"));
    if (checked.ok) throw new Error("accepted a bad file");
    expect(checked.issues.map((i) => [i.line, i.field, i.reason.key])).toEqual([
      [high + 1, "deadlines.high", "deadlines:error.badAck"],
      [reraise + 1, "deadlines.reraise", "deadlines:error.badDuration"],
      [calendar + 3, "calendar.daysOff[0].date", "deadlines:calendar.badDate"],
    ]);
    expect(t.text("vi", checked.issues[0]?.reason.key ?? "", checked.issues[0]?.reason.params)).toContain(
      "«2 tuần» không phải thời hạn hợp lệ",
    );
    expect(settingsOf(s).deadlineDoc().version).toBe(0);
  });
});
