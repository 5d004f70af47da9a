import type { DeadlineSpec } from "../config.ts";
import { isWorkingDay, NO_ADJUSTMENTS, type WorkCalendarAdjustments } from "./holidays.ts";
import { localDate } from "./zoned-time.ts";

const DAY = 86_400_000;

/**
 * When a deadline that starts at `startIso` falls. Working days are Vietnam's (see holidays.ts): Monday to
 * Friday in the display zone, less the public holidays of the Labour Code (Tết from the Vietnamese lunar
 * calendar) and the government's extra days off, plus its working Saturdays. The clock time is kept, and a start
 * on a day off counts from the next working day: a ticket filed on the eve of Tết with one working day to be
 * acknowledged is due the first working day after the holiday, at the same time of day.
 */
export function deadlineAt(
  startIso: string,
  spec: DeadlineSpec,
  timeZone: string,
  calendar: WorkCalendarAdjustments = NO_ADJUSTMENTS,
): string {
  const start = Date.parse(startIso);
  if ("minutes" in spec) return new Date(start + spec.minutes * 60_000).toISOString();
  let at = start;
  let left = spec.workingDays;
  while (left > 0) {
    at += DAY;
    if (isWorkingDay(localDate(at, timeZone), calendar)) left--;
  }
  return new Date(at).toISOString();
}
