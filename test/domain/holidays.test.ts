import { describe, expect, it } from "vitest";
import { deadlineAt } from "../../src/domain/deadlines.ts";
import {
  holidayOn,
  isWorkingDay,
  publicHolidays,
  workCalendarAdjustmentsSchema,
  yearDecisionSchema,
} from "../../src/domain/holidays.ts";
import { localDate } from "../../src/domain/zoned-time.ts";

const TZ = "Asia/Ho_Chi_Minh";
const datesOf = (year: number, name: string) =>
  publicHolidays(year)
    .filter((h) => h.name === name)
    .map((h) => h.date);

describe("Tết from the Vietnamese lunar calendar", () => {
  it.each([
    [2025, "2025-01-29"],
    [2026, "2026-02-17"],
    [2027, "2027-02-06"],
    // The Chinese calendar (UTC+8) puts it on 18/02: the first new moon of 2007 fell just after midnight there.
    [2007, "2007-02-17"],
    // Another year the two calendars differ: 21/01/1985 in Vietnam, 20/02 in China.
    [1985, "1985-01-21"],
  ])("Tết %i is on %s", (year, first) => {
    expect(datesOf(year, "tet")[0]).toBe(first);
  });

  it("gives the eve and the first four days: the five days of Labour Code Art. 112(1)(b)", () => {
    const tet2026 = publicHolidays(2026).filter((h) => h.name === "tetEve" || h.name === "tet");
    expect(tet2026.map((h) => h.date)).toEqual([
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-02-20",
    ]);
  });
});

describe("the other public holidays of Art. 112", () => {
  it("Hùng Kings' day is 10/3 lunar", () => {
    expect(datesOf(2025, "hungKings")).toEqual(["2025-04-07"]);
    expect(datesOf(2026, "hungKings")).toEqual(["2026-04-26"]);
  });

  it("1/1, 30/4, 1/5 and 2/9 are holidays in every year", () => {
    for (const year of [2007, 2025, 2026, 2030]) {
      for (const md of ["01-01", "04-30", "05-01", "09-02"]) {
        expect(holidayOn(`${year}-${md}`), `${year}-${md}`).toBeDefined();
      }
    }
  });

  it.each([
    [2021, "2021-09-03"], // Thursday → Friday
    [2022, "2022-09-01"], // Friday → Thursday
    [2024, "2024-09-03"], // Monday → Tuesday
    [2025, "2025-09-01"], // Tuesday → Monday
  ])("2/9/%i has its neighbour on %s, joining the weekend", (year, neighbour) => {
    expect(datesOf(year, "nationalDayNeighbour")).toEqual([neighbour]);
  });

  it("a holiday on a weekend gives the next working day off (Art. 111(3))", () => {
    // 2/9/2023 was a Saturday: 1/9 (its neighbour) and the compensatory Monday 4/9 were off.
    expect(datesOf(2023, "compensatory")).toContain("2023-09-04");
    // 26/04/2026 (Hùng Kings) is a Sunday: Monday 27/04 is off; 30/4 and 1/5 are Thursday and Friday.
    expect(datesOf(2026, "compensatory")).toEqual(["2026-04-27"]);
    expect(isWorkingDay("2026-04-27")).toBe(false);
    expect(isWorkingDay("2026-04-28")).toBe(true);
  });
});

describe("working days", () => {
  it("skips weekends, holidays and the government's extra days off, and counts its working Saturdays", () => {
    expect(isWorkingDay("2026-02-13")).toBe(true); // Friday before Tết
    expect(isWorkingDay("2026-02-16")).toBe(false); // the eve
    expect(isWorkingDay("2026-02-20")).toBe(false); // the 4th day
    expect(isWorkingDay("2026-02-23")).toBe(true);
    // Example decision data: a Monday swapped to a later Saturday.
    const calendar = workCalendarAdjustmentsSchema.parse({
      daysOff: [{ date: "2025-01-27", note: "hoán đổi sang thứ Bảy 08/02/2025" }],
      workingDays: [{ date: "2025-02-08" }],
    });
    expect(isWorkingDay("2025-01-27")).toBe(true);
    expect(isWorkingDay("2025-01-27", calendar)).toBe(false);
    expect(isWorkingDay("2025-02-08")).toBe(false);
    expect(isWorkingDay("2025-02-08", calendar)).toBe(true);
  });

  it("refuses adjustments that are not calendar dates", () => {
    expect(
      workCalendarAdjustmentsSchema.safeParse({ daysOff: [{ date: "2026-02-30" }], workingDays: [] }).success,
    ).toBe(false);
    expect(
      workCalendarAdjustmentsSchema.safeParse({ daysOff: [{ date: "30/04/2026" }], workingDays: [] }).success,
    ).toBe(false);
  });

  it("reads the date in Vietnam, not in UTC", () => {
    // 17:30 UTC on 15/02/2026 is 00:30 on 16/02 in Vietnam: already the eve of Tết.
    expect(localDate(Date.parse("2026-02-15T17:30:00Z"), TZ)).toBe("2026-02-16");
  });
});

describe("working-day deadlines across Tết", () => {
  it.each([
    // Friday 13/02/2026 09:00 in Vietnam, one working day to acknowledge: Tết (16–20/02) and two weekends
    // are skipped, so it is due Monday 23/02 at 09:00.
    ["2026-02-13T02:00:00.000Z", 1, "2026-02-23T02:00:00.000Z"],
    // Filed on the first day of Tết: counts from the first working day after it.
    ["2026-02-17T02:00:00.000Z", 1, "2026-02-23T02:00:00.000Z"],
    ["2026-02-13T02:00:00.000Z", 2, "2026-02-24T02:00:00.000Z"],
    // Tết 2025 by default 28/01–01/02; 01/02 is a Saturday, so Monday 03/02 is its compensatory day:
    // Monday 27/01 → Tuesday 04/02 (the year's decision below moves it).
    ["2025-01-27T02:00:00.000Z", 1, "2025-02-04T02:00:00.000Z"],
    // 30/4 and 1/5 2026 are Thursday and Friday: Wednesday 29/04 → Monday 04/05.
    ["2026-04-29T02:00:00.000Z", 1, "2026-05-04T02:00:00.000Z"],
  ] as const)("from %s, %i working day(s) → %s", (start, workingDays, due) => {
    expect(deadlineAt(start, { workingDays }, TZ)).toBe(due);
  });

  it("honours the government's extra days off and working Saturdays", () => {
    const calendar = workCalendarAdjustmentsSchema.parse({
      daysOff: [{ date: "2026-02-23" }],
      workingDays: [{ date: "2026-02-21" }],
    });
    expect(deadlineAt("2026-02-13T02:00:00.000Z", { workingDays: 1 }, TZ, calendar)).toBe(
      "2026-02-21T02:00:00.000Z",
    );
    expect(deadlineAt("2026-02-13T02:00:00.000Z", { workingDays: 2 }, TZ, calendar)).toBe(
      "2026-02-24T02:00:00.000Z",
    );
  });

  it("follows the Prime Minister's choice of the five Tết days (Art. 112(3)) when the admins enter it", () => {
    // A decision of 27/01–31/01 for Tết Ất Tỵ 2025 (28 Chạp to the 3rd day): nothing falls on the weekend.
    const calendar = workCalendarAdjustmentsSchema.parse({
      decisions: [
        { year: 2025, tetDays: ["2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"] },
      ],
      daysOff: [],
      workingDays: [],
    });
    expect(deadlineAt("2025-01-24T02:00:00.000Z", { workingDays: 1 }, TZ, calendar)).toBe(
      "2025-02-03T02:00:00.000Z",
    );
    expect(isWorkingDay("2025-01-27", calendar)).toBe(false);
    expect(isWorkingDay("2025-02-03", calendar)).toBe(true);
    expect(isWorkingDay("2025-02-03")).toBe(false);
  });

  it("refuses a decision that is not five days of its year, or a 2/9 neighbour that is not next to it", () => {
    const parse = (decision: unknown) => yearDecisionSchema.safeParse(decision).success;
    expect(parse({ year: 2025, tetDays: ["2025-01-27", "2025-01-28"] })).toBe(false);
    expect(
      parse({ year: 2025, tetDays: ["2024-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"] }),
    ).toBe(false);
    expect(parse({ year: 2025, nationalDayNeighbour: "2025-09-04" })).toBe(false);
    expect(parse({ year: 2025, nationalDayNeighbour: "2025-09-01" })).toBe(true);
  });

  it("leaves minute deadlines alone: Tết does not pause the clock for a Critical ticket", () => {
    expect(deadlineAt("2026-02-17T02:00:00.000Z", { minutes: 15 }, TZ)).toBe("2026-02-17T02:15:00.000Z");
  });
});
