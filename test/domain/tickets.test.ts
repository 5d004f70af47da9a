import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_RULES, type RoutingRule } from "../../src/domain/routing.ts";
import {
  findTicketId,
  formatTicketId,
  isTicketId,
  legalDeadline,
  legalDeadlineHours,
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
