import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_RULES, type RoutingRule } from "../../src/domain/routing.ts";
import {
  findTicketId,
  formatTicketId,
  isTicketId,
  legalDeadline,
  legalDeadlineHours,
  legalWarningAt,
} from "../../src/domain/tickets.ts";

describe("ticket ids", () => {
  it("are formatted, recognised exactly, and found in a text whatever its case", () => {
    expect(formatTicketId(2026, 123)).toBe("SC-2026-000123");
    expect(isTicketId("SC-2026-000123")).toBe(true);
    expect(isTicketId("SC-2026-00123")).toBe(false);
    expect(isTicketId(" SC-2026-000123")).toBe(false);
    expect(findTicketId("trùng với sc-2026-000042, xem ở trên")).toBe("SC-2026-000042");
    expect(findTicketId("không có mã")).toBeUndefined();
  });
});

describe("legal deadlines from the rule data", () => {
  const rule = (id: string, stage: RoutingRule["stage"], deadlineHours?: number): RoutingRule => ({
    id,
    stage,
    when: { always: true },
    actions: [],
    advice: [],
    exclusive: false,
    ...(deadlineHours === undefined ? {} : { deadlineHours }),
  });

  it("are the default rules' 5 days for both stages", () => {
    expect(legalDeadlineHours(DEFAULT_ROUTING_RULES, "submitted")).toBe(120);
    expect(legalDeadlineHours(DEFAULT_ROUTING_RULES, "closed")).toBe(120);
  });

  it("take the shortest deadline among the stage's rules, and the Circular's 5 days when none names one", () => {
    const rules = [
      rule("A", "submitted", 96),
      rule("B", "submitted", 48),
      rule("C", "closed", 24),
      rule("D", "submitted"),
    ];
    expect(legalDeadlineHours(rules, "submitted")).toBe(48);
    expect(legalDeadlineHours(rules, "closed")).toBe(24);
    expect(legalDeadlineHours([rule("D", "submitted")], "submitted")).toBe(120);
    expect(legalDeadline("2026-11-21T01:30:00.000Z", rules, "submitted")).toBe("2026-11-23T01:30:00.000Z");
  });
});

describe("when a legal deadline is warned of (Tết Bính Ngọ 2026: days off Saturday 14/02 to Sunday 22/02)", () => {
  const TZ = "Asia/Ho_Chi_Minh";
  const DAY_MS = 86_400_000;
  // Deadline Wednesday 18/02 08:30; a 24-hour warning would be Tuesday 17/02 08:30, in the holiday.
  const deadline = "2026-02-18T01:30:00.000Z";

  it("moves back to the last working day before the holiday when that is after the acknowledge deadline", () => {
    const filed = { filedAt: "2026-02-12T03:00:00.000Z", ackDueAt: "2026-02-12T04:00:00.000Z" };
    expect(legalWarningAt(deadline, DAY_MS, filed, TZ)).toBe("2026-02-13T01:30:00.000Z");
  });

  it("keeps its own time when that working day's slot comes before the acknowledge deadline passes", () => {
    // Filed Friday 13/02 07:00, to be acknowledged by 09:00: Friday 08:30 would say "nobody acknowledged" while
    // the duty officers still have half an hour.
    const filed = { filedAt: "2026-02-13T00:00:00.000Z", ackDueAt: "2026-02-13T02:00:00.000Z" };
    expect(legalWarningAt(deadline, DAY_MS, filed, TZ)).toBe("2026-02-17T01:30:00.000Z");
  });

  it("keeps its own time when no working day is left before it, and is never before the filing", () => {
    const inTet = { filedAt: "2026-02-16T03:00:00.000Z", ackDueAt: "2026-02-16T04:00:00.000Z" };
    expect(legalWarningAt(deadline, DAY_MS, inTet, TZ)).toBe("2026-02-17T01:30:00.000Z");
    // Detected long before it was reported: the warning's time has passed, so it goes with the filing.
    const late = { filedAt: "2026-02-17T09:00:00.000Z", ackDueAt: "2026-02-17T10:00:00.000Z" };
    expect(legalWarningAt(deadline, DAY_MS, late, TZ)).toBe("2026-02-17T09:00:00.000Z");
  });

  it("stays at the lead time before the deadline on a working day", () => {
    const filed = { filedAt: "2026-11-24T03:00:00.000Z", ackDueAt: "2026-11-24T04:00:00.000Z" };
    expect(legalWarningAt("2026-11-27T01:30:00.000Z", DAY_MS, filed, TZ)).toBe("2026-11-26T01:30:00.000Z");
  });
});
