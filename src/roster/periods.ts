import type { DeadlineSettings, DeadlineSettingsSource } from "../domain/deadline-settings.ts";
import { clampSeverity } from "../domain/deadline-settings.ts";
import { type AlertPeriod, rosterRepo } from "../store/repos/roster.ts";
import type { Store } from "../store/store.ts";

/**
 * The deadline settings as alert periods tighten them: at an instant inside a period an admin declared (Tết and
 * the like), the period's acknowledge deadlines and reminder interval; otherwise, and for what a period does not
 * set (the legal warning lead, the page timeout), the stored settings. One source for the whole desk, so the
 * deadline helpers of duty/deadline-settings.ts need not know periods exist. Without an instant there is no
 * period to look up: the stored settings answer (what /thoihan shows and edits).
 */
export function withAlertPeriods(store: Store, stored: DeadlineSettingsSource): DeadlineSettingsSource {
  return {
    deadlines(at?: string): DeadlineSettings {
      const base = stored.deadlines(at);
      const period = at === undefined ? undefined : rosterRepo(store.db).periodAt(at);
      return period ? tightened(base, period) : base;
    },
    calendar: () => stored.calendar(),
  };
}

function tightened(base: DeadlineSettings, period: AlertPeriod): DeadlineSettings {
  const ack = (severity: number) => {
    const level = clampSeverity(severity);
    return period.ackDeadlines[level] ?? base.ack(level);
  };
  return {
    version: base.version,
    ack,
    ackHours: (severity) => {
      const spec = ack(severity);
      return "minutes" in spec ? spec.minutes / 60 : undefined;
    },
    reraiseMinutes: period.reminderMinutes,
    legalWarnLeadHours: base.legalWarnLeadHours,
    pageTimeoutMinutes: base.pageTimeoutMinutes,
  };
}
