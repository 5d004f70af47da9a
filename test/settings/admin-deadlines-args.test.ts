import { describe, expect, it } from "vitest";
import { parseCalendarArgs, parseDay, parseDeadlinesArgs } from "../../flows/admin-deadlines.ts";
import {
  formatDuration,
  parseDuration,
  seedDoc,
  toDeadlineSettings,
} from "../../src/domain/deadline-settings.ts";

describe("what an admin types after /thoihan", () => {
  it("reads settings in Vietnamese (with or without diacritics and spaces) and English, with their units", () => {
    expect(parseDeadlinesArgs("")).toEqual({ kind: "show" });
    expect(parseDeadlinesArgs("lịch sử")).toEqual({ kind: "history" });
    expect(parseDeadlinesArgs("Nghiêm trọng 10 phút, cao 2g; nhắc lại 12 giờ")).toEqual({
      kind: "set",
      changes: { critical: "10phut", high: "2g", reraise: "12gio" },
    });
    expect(parseDeadlinesArgs("low 2wd legalwarning=48h page 5m")).toEqual({
      kind: "set",
      changes: { low: "2wd", legalWarning: "48h", pageTimeout: "5m" },
    });
    // A severity's number names it: "3 2h" is Cao in two hours.
    expect(parseDeadlinesArgs("3 2h 1 1nlv")).toEqual({ kind: "set", changes: { high: "2h", low: "1nlv" } });
  });

  it("refuses unknown settings, missing values, working days outside acknowledge deadlines and absurd values", () => {
    expect(parseDeadlinesArgs("sáng 2h")).toMatchObject({
      reason: { key: "deadlines:error.unknownSetting" },
    });
    expect(parseDeadlinesArgs("cao")).toMatchObject({ reason: { key: "deadlines:error.missingValue" } });
    expect(parseDeadlinesArgs("nhaclai 1nlv")).toMatchObject({
      reason: { key: "deadlines:error.badDuration" },
    });
    expect(parseDeadlinesArgs("cao 0m")).toMatchObject({ reason: { key: "deadlines:error.badAck" } });
    expect(parseDeadlinesArgs("cao 31wd")).toMatchObject({ reason: { key: "deadlines:error.badAck" } });
    expect(parseDeadlinesArgs("goi 99999h")).toMatchObject({
      reason: { key: "deadlines:error.badDuration" },
    });
  });
});

describe("durations", () => {
  it("have one canonical form, and the read interface gives minutes and hours", () => {
    expect(parseDuration("120 phút", false)).toEqual({ minutes: 120 });
    expect(formatDuration({ minutes: 120 })).toBe("2h");
    expect(formatDuration({ minutes: 90 })).toBe("90m");
    expect(formatDuration({ workingDays: 1 })).toBe("1wd");
    const settings = toDeadlineSettings(
      seedDoc({
        ackDeadlines: { 4: { minutes: 15 }, 3: { minutes: 60 }, 2: { minutes: 240 }, 1: { workingDays: 1 } },
        unresolvedReminderMs: 6 * 3_600_000,
        legalWarningMs: 48 * 3_600_000,
      }),
      1,
    );
    expect([settings.ackHours(4), settings.ackHours(3), settings.ackHours(1)]).toEqual([0.25, 1, undefined]);
    expect(settings.ack(1)).toEqual({ workingDays: 1 });
    expect(settings.reraiseMinutes).toBe(360);
    expect(settings.legalWarnLeadHours).toBe(48);
    expect(settings.pageTimeoutMinutes).toBe(5);
  });
});

describe("what an admin types after /ngaynghi", () => {
  it("reads days off, working days and removals, dates as Vietnamese write them or ISO", () => {
    expect(parseCalendarArgs("")).toEqual({ kind: "show", year: undefined });
    expect(parseCalendarArgs("2027")).toEqual({ kind: "show", year: 2027 });
    expect(parseCalendarArgs("nghỉ 2/1/2026 nghỉ bù Tết Dương lịch")).toEqual({
      kind: "add",
      list: "daysOff",
      date: "2026-01-02",
      note: "nghỉ bù Tết Dương lịch",
    });
    expect(parseCalendarArgs("work 2026-01-10")).toEqual({
      kind: "add",
      list: "workingDays",
      date: "2026-01-10",
      note: "",
    });
    expect(parseCalendarArgs("xóa 10/01/2026")).toEqual({ kind: "remove", date: "2026-01-10" });
    expect(parseCalendarArgs("nghi 30/02/2026")).toMatchObject({
      reason: { key: "deadlines:calendar.badDate" },
    });
    expect(parseCalendarArgs("hôm nay")).toMatchObject({ reason: { key: "deadlines:calendar.usage" } });
    expect(parseDay("2026-13-01")).toBeUndefined();
  });
});
