import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.ts";

describe("roster settings", () => {
  it("default to a 5-minute page timeout and a warning 3 days before an alert period", () => {
    const config = parseConfig({});
    expect(config.pageTimeoutMs).toBe(5 * 60_000);
    expect(config.alertPeriodWarningMs).toBe(3 * 86_400_000);
    expect(parseConfig({ PAGE_TIMEOUT_MINUTES: "10" }).pageTimeoutMs).toBe(10 * 60_000);
  });

  it("refuse bad values, each variable named at once", () => {
    let error: unknown;
    try {
      parseConfig({ PAGE_TIMEOUT_MINUTES: "0", ALERT_PERIOD_WARNING_DAYS: "soon" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      "ALERT_PERIOD_WARNING_DAYS",
      "PAGE_TIMEOUT_MINUTES",
    ]);
  });
});
