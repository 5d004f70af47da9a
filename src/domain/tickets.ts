import { isWorkingDay, NO_ADJUSTMENTS, type WorkCalendarAdjustments } from "./holidays.ts";
import type { RoutingRule, RoutingStage } from "./routing.ts";
import { localDate } from "./zoned-time.ts";

/** A ticket id as the product prints and accepts it: SC-2026-000123 (year, then the year's sequence number). */
const TICKET_ID = /^SC-\d{4}-\d{6}$/;
/** The same id anywhere in a text (a duty officer's "duplicate of sc-2026-000123, see above"). */
const TICKET_ID_IN_TEXT = /SC-\d{4}-\d{6}/i;

/** The ticket id of the n-th ticket of a year, e.g. SC-2026-000123. */
export function formatTicketId(year: number, n: number): string {
  return `SC-${year}-${String(n).padStart(6, "0")}`;
}

/** True when the text is exactly a ticket id (upper case, as printed). */
export function isTicketId(text: string): boolean {
  return TICKET_ID.test(text);
}

/** The first ticket id written in a text, in upper case; undefined when there is none. */
export function findTicketId(text: string): string | undefined {
  return TICKET_ID_IN_TEXT.exec(text)?.[0].toUpperCase();
}

const HOUR = 3_600_000;
/**
 * Circular 20/2017 Art. 9's 5 days, used only when the active rules give no deadline for a stage (an admin
 * removed or disabled every rule that had one): the law's deadline does not go away with the data.
 */
const STATUTORY_HOURS = 5 * 24;

/**
 * The legal deadline of a stage, in hours, from the routing rule data: the shortest `deadlineHours` among the
 * active rules of that stage (R1 for notifying after discovery, R7 for the final report after the response
 * ends). Admins edit the rules, so the deadline the reporter, the duty chats, the e-mail and the warning job
 * show follows their edit.
 */
export function legalDeadlineHours(rules: readonly RoutingRule[], stage: RoutingStage): number {
  const hours = rules
    .filter((r) => r.stage === stage && r.deadlineHours !== undefined)
    .map((r) => r.deadlineHours as number);
  return hours.length > 0 ? Math.min(...hours) : STATUTORY_HOURS;
}

/** When a stage's legal deadline falls, counted from `fromIso` (discovery, or the end of the response). */
export function legalDeadline(fromIso: string, rules: readonly RoutingRule[], stage: RoutingStage): string {
  return new Date(Date.parse(fromIso) + legalDeadlineHours(rules, stage) * HOUR).toISOString();
}

const DAY = 24 * HOUR;

/** The start of a ticket's clock: when it was filed, and when its acknowledge deadline falls. */
export interface FiledTicket {
  filedAt: string;
  ackDueAt: string;
}

/**
 * When the duty chats (and the reporter, while nobody has acknowledged) are warned of a legal deadline:
 * `leadMs` before it. When that falls on a day off it is moved back to the same time of the last working day (a
 * deadline in the middle of Tết is warned of before the holiday, while offices are open), but only to a time
 * after the acknowledge deadline: before it nobody is late, and an acknowledgement cancels the warning. With no
 * such working day (a ticket filed during Tết, or late on the last working day before it) the warning keeps its
 * own time, when the duty roster is on watch; moving it to the filing told the reporter "no organisation has
 * acknowledged" with the ticket itself. Never before the filing. The legal deadline itself is in calendar days
 * (the Circular's "5 ngày") and does not move.
 */
export function legalWarningAt(
  deadlineIso: string,
  leadMs: number,
  ticket: FiledTicket,
  timeZone: string,
  calendar: WorkCalendarAdjustments = NO_ADJUSTMENTS,
): string {
  const filed = Date.parse(ticket.filedAt);
  const quietUntil = Math.max(filed, Date.parse(ticket.ackDueAt));
  const target = Date.parse(deadlineIso) - leadMs;
  const working = (at: number) => isWorkingDay(localDate(at, timeZone), calendar);
  if (!working(target)) {
    // Bounded: the longest run of days off (Tết with its weekends) is under two weeks.
    for (let at = target - DAY, n = 0; n < 31 && at > quietUntil; at -= DAY, n++)
      if (working(at)) return new Date(at).toISOString();
  }
  return new Date(Math.max(filed, target)).toISOString();
}
