import type { DeadlineSpec } from "../config.ts";

const DAY = 86_400_000;
const weekdayFormats = new Map<string, Intl.DateTimeFormat>();

/** The weekday (0 = Sunday) of an instant in a time zone. */
function weekdayIn(instant: number, timeZone: string): number {
  let format = weekdayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" });
    weekdayFormats.set(timeZone, format);
  }
  return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(format.format(instant));
}

/**
 * When a deadline that starts at `startIso` falls. Working days count Monday to Friday in the display zone
 * (public holidays are not known to the product and count as working days); the clock time is kept, and a
 * start on a weekend counts from the next Monday.
 */
export function deadlineAt(startIso: string, spec: DeadlineSpec, timeZone: string): string {
  const start = Date.parse(startIso);
  if ("minutes" in spec) return new Date(start + spec.minutes * 60_000).toISOString();
  let at = start;
  let left = spec.workingDays;
  while (left > 0) {
    at += DAY;
    const day = weekdayIn(at, timeZone);
    if (day !== 0 && day !== 6) left--;
  }
  return new Date(at).toISOString();
}
