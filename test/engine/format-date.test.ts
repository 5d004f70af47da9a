import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../src/present/datetime.ts";

/** The reference: what Intl alone says, formatted as the product shows dates. */
function viaIntl(iso: string, timeZone: string): string {
  const parts = referenceFormat(timeZone).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("day")}/${get("month")}/${get("year")} ${get("hour")}:${get("minute")}`;
}

// One reference formatter per zone: building an Intl.DateTimeFormat costs far more than using one, and it was
// most of this test's time (tens of thousands of them), enough to time out on a loaded machine.
const referenceFormats = new Map<string, Intl.DateTimeFormat>();
function referenceFormat(timeZone: string): Intl.DateTimeFormat {
  let format = referenceFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    referenceFormats.set(timeZone, format);
  }
  return format;
}

// Vietnam has no daylight saving; the others change by an hour, by half an hour (Lord Howe), or at :30.
const ZONES = [
  "Asia/Ho_Chi_Minh",
  "Europe/London",
  "America/New_York",
  "Australia/Lord_Howe",
  "Asia/Kolkata",
];

describe("formatDateTime", () => {
  it("agrees with Intl at every minute around daylight-saving changes and at random instants", () => {
    const instants: string[] = [];
    // 2026-03-08 (US), 2026-03-29 (EU), 2026-04-05 (Lord Howe), 2026-10-04, 2026-10-25, 2026-11-01.
    for (const day of ["2026-03-08", "2026-03-29", "2026-04-04", "2026-10-03", "2026-10-25", "2026-11-01"]) {
      const start = Date.parse(`${day}T00:00:00Z`) - 12 * 3_600_000;
      for (let m = 0; m < 48 * 60; m += 7) instants.push(new Date(start + m * 60_000).toISOString());
    }
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 48271) % 2147483647;
      instants.push(
        new Date(Date.parse("2000-01-01T00:00:00Z") + (seed % 1_000_000_000) * 1000).toISOString(),
      );
    }
    // Every disagreement is collected and shown at once (instant, zone, ours, Intl's), rather than one expect()
    // per instant: the same check at a fraction of the cost.
    const disagreements: string[] = [];
    for (const zone of ZONES) {
      for (const iso of instants) {
        const ours = formatDateTime(iso, zone);
        const reference = viaIntl(iso, zone);
        if (ours !== reference) disagreements.push(`${iso} ${zone}: ${ours} ≠ ${reference}`);
      }
    }
    expect(instants.length).toBe(6 * Math.ceil((48 * 60) / 7) + 2000);
    expect(disagreements).toEqual([]);
  });

  it("shows the Vietnamese wall clock", () => {
    expect(formatDateTime("2026-11-20T17:05:00.000Z", "Asia/Ho_Chi_Minh")).toBe("21/11/2026 00:05");
  });
});
