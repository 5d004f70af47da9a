import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.ts";
import { deadlineAt } from "../../src/domain/deadlines.ts";

const TZ = "Asia/Ho_Chi_Minh";

describe("deadlines", () => {
  it.each([
    // 2026-11-20 is a Friday; 09:00 in Vietnam is 02:00 UTC.
    ["2026-11-20T02:00:00.000Z", { minutes: 15 }, "2026-11-20T02:15:00.000Z"],
    ["2026-11-20T02:00:00.000Z", { minutes: 60 }, "2026-11-20T03:00:00.000Z"],
    ["2026-11-18T02:00:00.000Z", { workingDays: 1 }, "2026-11-19T02:00:00.000Z"], // Wed → Thu
    ["2026-11-20T02:00:00.000Z", { workingDays: 1 }, "2026-11-23T02:00:00.000Z"], // Fri → Mon
    ["2026-11-21T02:00:00.000Z", { workingDays: 1 }, "2026-11-23T02:00:00.000Z"], // Sat → Mon
    ["2026-11-20T02:00:00.000Z", { workingDays: 5 }, "2026-11-27T02:00:00.000Z"], // a working week
    // 23:30 on Friday in Vietnam is still Friday there, though already Friday 16:30 UTC: Monday 23:30.
    ["2026-11-20T16:30:00.000Z", { workingDays: 1 }, "2026-11-23T16:30:00.000Z"],
  ] as const)("from %s, %j → %s", (start, spec, expected) => {
    expect(deadlineAt(start, spec, TZ)).toBe(expected);
  });

  it("ACK_DEADLINES is parsed per severity and a bad value names the variable", () => {
    expect(parseConfig({}).ackDeadlines).toEqual({
      4: { minutes: 15 },
      3: { minutes: 60 },
      2: { minutes: 240 },
      1: { workingDays: 1 },
    });
    expect(parseConfig({ ACK_DEADLINES: "5m,30m,2h,2wd" }).ackDeadlines[1]).toEqual({ workingDays: 2 });
    expect(() => parseConfig({ ACK_DEADLINES: "15,1h" })).toThrow(/ACK_DEADLINES: expected four deadlines/);
  });
});
