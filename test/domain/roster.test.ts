import { describe, expect, it } from "vitest";
import {
  hourRanges,
  nextOnDuty,
  onDutyAt,
  parseClock,
  parseDays,
  parseShift,
  type Shift,
  uncoveredHours,
} from "../../src/domain/roster.ts";

const TZ = "Asia/Ho_Chi_Minh";
/** An instant given in Vietnam's wall-clock time (UTC+7). */
const vn = (local: string) => Date.parse(`${local}:00+07:00`);

function shift(person: string, when: string, start: string, end: string): Shift {
  const parsed = parseShift({ person, when, start, end });
  if (!parsed.ok) throw new Error(`bad shift in test: ${parsed.error}`);
  return parsed.shift;
}

// Day shift A on weekdays, night shift B every day (over midnight), C on two given dates (Tết).
const ROSTER = [
  shift("telegram:1", "T2-T6", "08:00", "17:00"),
  shift("zalo:abc123", "hằng ngày", "17:00", "08:00"),
  shift("telegram:3", "14/02/2026,15/02/2026", "08:00", "17:00"),
];

describe("roster: parsing", () => {
  it.each([
    ["08:00", 480],
    ["8h", 480],
    ["8h30", 510],
    ["24:00", 1440],
    ["00:00", 0],
    ["25:00", undefined],
    ["8:75", undefined],
    ["tám giờ", undefined],
    ["", undefined],
  ])("clock %s → %s", (text, minutes) => {
    expect(parseClock(text)).toBe(minutes);
  });

  it.each([
    ["T2-T6", [1, 2, 3, 4, 5]],
    ["t2,t4,cn", [1, 3, 7]],
    ["Mon-Fri", [1, 2, 3, 4, 5]],
    ["T7-T2", [1, 6, 7]],
    ["*", [1, 2, 3, 4, 5, 6, 7]],
    ["hằng ngày", [1, 2, 3, 4, 5, 6, 7]],
    ["T9", undefined],
    ["T2-T3-T4", undefined],
    ["", undefined],
  ])("days %s → %j", (text, days) => {
    expect(parseDays(text)).toEqual(days);
  });

  it.each([
    [{ person: "someone", when: "T2", start: "08:00", end: "17:00" }, "person"],
    [{ person: "telegram:1", when: "T2", start: "8:99", end: "17:00" }, "time"],
    [{ person: "telegram:1", when: "T2", start: "24:00", end: "17:00" }, "time"],
    [{ person: "telegram:1", when: "Thứ hai", start: "08:00", end: "17:00" }, "days"],
    [{ person: "telegram:1", when: "31/02/2026", start: "08:00", end: "17:00" }, "dates"],
    [{ person: "telegram:1", when: " ", start: "08:00", end: "17:00" }, "when"],
  ])("refuses %j with %s", (fields, error) => {
    expect(parseShift(fields)).toEqual({ ok: false, error });
  });

  it("reads a bare number as a Telegram id, keeps a Zalo id, and an end at 00:00 as midnight", () => {
    expect(parseShift({ person: "42", when: "T2", start: "20:00", end: "00:00" })).toEqual({
      ok: true,
      shift: { person: "telegram:42", start: 1200, end: 1440, days: [1], dates: [] },
    });
  });
});

describe("roster: who is on duty", () => {
  it.each([
    // Monday 16 Feb 2026 (the eve of Tết is a Monday).
    ["2026-02-16T09:00", ["telegram:1"]],
    ["2026-02-16T16:59", ["telegram:1"]],
    ["2026-02-16T17:00", ["zalo:abc123"]],
    ["2026-02-17T03:00", ["zalo:abc123"]],
    // Saturday 14 Feb: no weekday shift, the dated one instead.
    ["2026-02-14T10:00", ["telegram:3"]],
    // Sunday 22 Feb daytime: nobody.
    ["2026-02-22T10:00", []],
  ])("at %s (Vietnam time) → %j", (local, people) => {
    expect(onDutyAt(ROSTER, vn(local), TZ)).toEqual(people);
  });

  it("the next person is someone else on duty now, else the soonest hand-over", () => {
    // Monday 16:50: A on duty, B starts at 17:00.
    expect(nextOnDuty(ROSTER, vn("2026-02-16T16:50"), TZ, ["telegram:1"])).toBe("zalo:abc123");
    // Overlap: both on duty → the other one now.
    const overlap = [...ROSTER, shift("telegram:9", "T2", "09:00", "10:00")];
    expect(nextOnDuty(overlap, vn("2026-02-16T09:30"), TZ, ["telegram:1"])).toBe("telegram:9");
    expect(nextOnDuty(ROSTER, vn("2026-02-16T09:00"), TZ, ["telegram:1", "zalo:abc123", "telegram:3"])).toBe(
      undefined,
    );
  });
});

describe("roster: uncovered hours", () => {
  it("names the hours nobody covers over a weekend", () => {
    const from = vn("2026-02-21T00:00");
    const to = vn("2026-02-23T00:00");
    const ranges = hourRanges(uncoveredHours(ROSTER, from, to, TZ)).map((r) => [
      new Date(r.from).toISOString(),
      new Date(r.to).toISOString(),
    ]);
    // Saturday and Sunday 08:00–17:00 are nobody's (the night shift covers the rest).
    expect(ranges).toEqual([
      [new Date(vn("2026-02-21T08:00")).toISOString(), new Date(vn("2026-02-21T17:00")).toISOString()],
      [new Date(vn("2026-02-22T08:00")).toISOString(), new Date(vn("2026-02-22T17:00")).toISOString()],
    ]);
  });

  it("a partly covered hour counts as uncovered; a fully covered period has none", () => {
    const partial = [shift("telegram:1", "*", "00:00", "10:30")];
    const hours = uncoveredHours(partial, vn("2026-02-16T09:00"), vn("2026-02-16T12:00"), TZ);
    expect(hours.map((h) => new Date(h).toISOString())).toEqual([
      new Date(vn("2026-02-16T10:00")).toISOString(),
      new Date(vn("2026-02-16T11:00")).toISOString(),
    ]);
    expect(uncoveredHours(ROSTER, vn("2026-02-16T00:00"), vn("2026-02-17T00:00"), TZ)).toEqual([]);
  });
});
