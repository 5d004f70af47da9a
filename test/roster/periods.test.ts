import { describe, expect, it } from "vitest";
import { withAlertPeriods } from "../../src/roster/periods.ts";
import { StoredDeadlineSettings } from "../../src/settings/deadline-settings.ts";
import { rosterRepo } from "../../src/store/repos/roster.ts";
import { createHarness } from "../engine/harness.ts";

describe("alert periods as a wrapper of the stored deadline settings", () => {
  it("inside a period answers with its acknowledge deadlines and reminder interval; elsewhere, the stored values", () => {
    const h = createHarness({ now: new Date("2026-02-01T03:00:00Z") });
    const stored = new StoredDeadlineSettings(h.store, {
      ackDeadlines: { 4: { minutes: 15 }, 3: { minutes: 60 }, 2: { minutes: 240 }, 1: { workingDays: 1 } },
      unresolvedReminderMs: 24 * 3_600_000,
      legalWarningMs: 24 * 3_600_000,
      pageTimeoutMs: 5 * 60_000,
    });
    h.store.transaction(() => stored.seed("2026-02-01T03:00:00.000Z"));
    rosterRepo(h.store.db).addPeriod(
      {
        name: "Tết",
        startsAt: "2026-02-13T17:00:00.000Z",
        endsAt: "2026-02-22T17:00:00.000Z",
        ackDeadlines: { 4: { minutes: 10 }, 3: { minutes: 30 }, 2: { minutes: 120 }, 1: { minutes: 240 } },
        reminderMinutes: 120,
      },
      "test",
      "2026-02-01T03:00:00.000Z",
    );
    const source = withAlertPeriods(h.store, stored);

    const inside = source.deadlines("2026-02-15T03:00:00.000Z");
    expect([inside.ack(4), inside.ack(3), inside.ack(1)]).toEqual([
      { minutes: 10 },
      { minutes: 30 },
      { minutes: 240 },
    ]);
    expect([inside.ackHours(3), inside.ackHours(1)]).toEqual([0.5, 4]);
    expect(inside.reraiseMinutes).toBe(120);
    // What a period does not set stays the stored value.
    expect([inside.legalWarnLeadHours, inside.pageTimeoutMinutes]).toEqual([24, 5]);

    for (const at of ["2026-02-13T16:59:59.999Z", "2026-02-22T17:00:00.000Z", undefined]) {
      const outside = source.deadlines(at);
      expect([outside.ack(3), outside.ack(1), outside.reraiseMinutes]).toEqual([
        { minutes: 60 },
        { workingDays: 1 },
        24 * 60,
      ]);
    }
    expect(source.calendar()).toEqual(stored.calendar());
  });
});
