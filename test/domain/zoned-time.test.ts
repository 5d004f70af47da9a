import { describe, expect, it } from "vitest";
import { localDate, offsetAt, wallClock, zonedInstant } from "../../src/domain/zoned-time.ts";

const VN = "Asia/Ho_Chi_Minh";
// A zone with summer time, to see the offset change: 29/03/2026 02:00 CET becomes 03:00 CEST.
const BERLIN = "Europe/Berlin";

describe("wall-clock time in a zone (the one place that asks Intl)", () => {
  it("reads the fields of an instant in the zone, midnight as 00 (not 24)", () => {
    expect(wallClock(Date.parse("2026-02-15T17:30:00Z"), VN)).toEqual({
      year: 2026,
      month: 2,
      day: 16,
      hour: 0,
      minute: 30,
    });
    expect(wallClock(Date.parse("2026-12-31T17:00:00Z"), VN)).toEqual({
      year: 2027,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
    });
  });

  it("gives the date in the zone, not in UTC", () => {
    expect(localDate(Date.parse("2026-02-15T16:59:59Z"), VN)).toBe("2026-02-15");
    expect(localDate(Date.parse("2026-02-15T17:00:00Z"), VN)).toBe("2026-02-16");
  });

  it("gives the zone's offset, and sees it change with summer time", () => {
    expect(offsetAt(Date.parse("2026-06-01T00:00:00Z"), VN)).toBe(7 * 3_600_000);
    expect(offsetAt(Date.parse("2026-03-29T00:59:00Z"), BERLIN)).toBe(3_600_000);
    expect(offsetAt(Date.parse("2026-03-29T01:00:00Z"), BERLIN)).toBe(2 * 3_600_000);
  });

  it("turns a local time of a date into its instant, on either side of an offset change", () => {
    expect(new Date(zonedInstant("2026-02-16", 8 * 60, VN)).toISOString()).toBe("2026-02-16T01:00:00.000Z");
    // 22:00 the evening before the change is still CET; 08:00 the morning after is CEST.
    expect(new Date(zonedInstant("2026-03-28", 22 * 60, BERLIN)).toISOString()).toBe(
      "2026-03-28T21:00:00.000Z",
    );
    expect(new Date(zonedInstant("2026-03-29", 8 * 60, BERLIN)).toISOString()).toBe(
      "2026-03-29T06:00:00.000Z",
    );
  });
});
