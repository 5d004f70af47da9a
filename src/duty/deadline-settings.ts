import type { DeadlineSettingsSource, Severity } from "../domain/deadline-settings.ts";
import { clampSeverity, seededSource } from "../domain/deadline-settings.ts";
import { deadlineAt } from "../domain/deadlines.ts";
import type { DutyDeskOptions } from "./ticket-work.ts";

const seeded = new WeakMap<DutyDeskOptions, DeadlineSettingsSource>();

/**
 * The deadline settings and working-day calendar the desk works to: the stored ones (admin data, read on every
 * use so an edit applies to the next ticket), or, for a desk built without them (tests, tools), the options'
 * values with the statutory calendar alone.
 */
export function settingsOf(o: DutyDeskOptions): DeadlineSettingsSource {
  if (o.settings) return o.settings;
  let source = seeded.get(o);
  if (!source) {
    source = seededSource({
      ackDeadlines: o.ackDeadlines,
      unresolvedReminderMs: o.unresolvedReminderMs,
      legalWarningMs: o.legalWarningMs,
    });
    seeded.set(o, source);
  }
  return source;
}

/**
 * When a ticket of this severity must be acknowledged, counted from `fromIso`: working-day deadlines skip
 * weekends, the Labour Code's holidays (Tết from the Vietnamese lunar calendar) and the admins' extra days off,
 * and count their working Saturdays.
 */
export function ackDueAt(o: DutyDeskOptions, fromIso: string, severity: number): string {
  const source = settingsOf(o);
  return deadlineAt(
    fromIso,
    source.deadlines(fromIso).ack(clampSeverity(severity) as Severity),
    o.timeZone,
    source.calendar(),
  );
}

/** How long after `at` an acknowledged but unresolved ticket is raised again. */
export function reraiseMs(o: DutyDeskOptions, at?: string): number {
  return settingsOf(o).deadlines(at).reraiseMinutes * 60_000;
}

/** How long before the legal notification deadline the duty chats are warned. */
export function legalWarnMs(o: DutyDeskOptions, at?: string): number {
  return settingsOf(o).deadlines(at).legalWarnLeadHours * 3_600_000;
}

/** How long a paged person has to acknowledge, at `at`, before the next one is paged (rosters and paging). */
export function pageTimeoutMs(o: DutyDeskOptions, at?: string): number {
  return settingsOf(o).deadlines(at).pageTimeoutMinutes * 60_000;
}
