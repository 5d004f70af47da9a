import type { DeadlineSpec } from "../config.ts";
import { type AlertPeriod, rosterRepo } from "../store/repos/roster.ts";
import type { Store } from "../store/store.ts";

/** The settings alert periods tighten: acknowledge deadlines by severity and the reminder interval. */
export interface SlaDefaults {
  ackDeadlines: Record<1 | 2 | 3 | 4, DeadlineSpec>;
  unresolvedReminderMs?: number | undefined;
}

/** The alert period in force at an instant, if any. */
export function periodAt(store: Store, at: string): AlertPeriod | undefined {
  return rosterRepo(store.db).periodAt(at);
}

/**
 * The time to acknowledge a ticket of this severity that starts at `at`: the alert period's (Tết and the like,
 * declared by an admin) when one is in force, else the configured one.
 */
export function ackSpecAt(o: SlaDefaults & { store: Store }, at: string, severity: number): DeadlineSpec {
  const level = severity as 1 | 2 | 3 | 4;
  return periodAt(o.store, at)?.ackDeadlines[level] ?? o.ackDeadlines[level];
}

/** How long an acknowledged, unresolved ticket waits before it is raised again, from `at`. */
export function reminderMsAt(o: SlaDefaults & { store: Store }, at: string): number {
  const period = periodAt(o.store, at);
  return period ? period.reminderMinutes * 60_000 : (o.unresolvedReminderMs ?? 24 * 3_600_000);
}
