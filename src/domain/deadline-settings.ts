import { z } from "zod";
import type { DeadlineSpec } from "../config.ts";
import { NO_ADJUSTMENTS, type WorkCalendarAdjustments, workCalendarAdjustmentsSchema } from "./holidays.ts";

/**
 * The times the duty desk works to, as data admins edit (in chat with /thoihan, or in the contacts YAML file):
 * how long each severity has to be acknowledged, how often an acknowledged but unresolved ticket is raised again,
 * how long before the legal notification deadline the duty chats are warned, and how long a paged person has to
 * answer before the next one is paged. The environment variables only seed the first version.
 */
export type Severity = 1 | 2 | 3 | 4;

/** What other parts read (the duty desk, the SLA report, paging): one consistent version of the settings. */
export interface DeadlineSettings {
  /** The stored version (0: not stored yet, the seed). */
  readonly version: number;
  /** Time to acknowledge a ticket of a severity (4 = Nghiêm trọng … 1 = Thấp). */
  ack(severity: Severity): DeadlineSpec;
  /** The acknowledge deadline in hours when it is a fixed duration; undefined when it is in working days. */
  ackHours(severity: Severity): number | undefined;
  /** An acknowledged but unresolved ticket is raised again after this many minutes. */
  readonly reraiseMinutes: number;
  /** The duty chats are warned this many hours before the legal notification deadline. */
  readonly legalWarnLeadHours: number;
  /** A paged person has this many minutes to acknowledge before the next one is paged. */
  readonly pageTimeoutMinutes: number;
}

/**
 * Where the current settings and working-day calendar are read from. The duty desk depends on this interface
 * only; the store-backed implementation lives in src/settings.
 */
export interface DeadlineSettingsSource {
  /**
   * The settings in force at an instant (ISO). The stored settings do not depend on it; a source that knows alert
   * periods (tighter values during Tết, src/roster/periods.ts) wraps this one and answers with the period's values
   * when the instant falls in one. Without an instant: the stored settings.
   */
  deadlines(at?: string): DeadlineSettings;
  /** The government's extra days off, swapped days and working Saturdays (on top of the Labour Code's). */
  calendar(): WorkCalendarAdjustments;
}

/** The setting names as written in the file, the chat and the audit log. */
export const ACK_KEYS = { 4: "critical", 3: "high", 2: "medium", 1: "low" } as const;
export const SETTING_KEYS = [
  "critical",
  "high",
  "medium",
  "low",
  "reraise",
  "legalWarning",
  "pageTimeout",
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Upper bounds that catch a slip of the finger (a 15-day acknowledge deadline is a typo, not a policy). */
const MAX_MINUTES = 30 * 24 * 60;
const MAX_WORKING_DAYS = 30;

const DURATION = /^(\d{1,6})\s*(m|p|phut|phút|h|g|gio|giờ|wd|nlv)$/i;

/**
 * Reads a duration as admins type it: minutes (15m, 15p, 15 phút), hours (2h, 2g, 2 giờ) or working days (1wd,
 * 1nlv: ngày làm việc). Working days only where `workingDays` allows them (acknowledge deadlines).
 */
export function parseDuration(text: string, workingDays: boolean): DeadlineSpec | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = (match[2] ?? "").toLowerCase();
  if (n <= 0) return undefined;
  if (unit === "wd" || unit === "nlv")
    return workingDays && n <= MAX_WORKING_DAYS ? { workingDays: n } : undefined;
  const minutes = ["h", "g", "gio", "giờ"].includes(unit) ? n * 60 : n;
  return minutes <= MAX_MINUTES ? { minutes } : undefined;
}

/** The canonical text of a duration: 15m, 2h, 1wd (as stored and exported). */
export function formatDuration(spec: DeadlineSpec): string {
  if ("workingDays" in spec) return `${spec.workingDays}wd`;
  return spec.minutes % 60 === 0 ? `${spec.minutes / 60}h` : `${spec.minutes}m`;
}

const ackText = z.string().refine((v) => parseDuration(v, true) !== undefined, {
  message: "expected minutes (15m), hours (2h) or working days (1wd)",
});
const durationText = z.string().refine((v) => parseDuration(v, false) !== undefined, {
  message: "expected minutes (15m) or hours (2h)",
});

/** The stored (and exported) form: every value as canonical text, so the YAML file reads like the chat. */
export const deadlineDocSchema = z.strictObject({
  critical: ackText,
  high: ackText,
  medium: ackText,
  low: ackText,
  reraise: durationText,
  legalWarning: durationText,
  pageTimeout: durationText,
});
export type DeadlineDoc = z.infer<typeof deadlineDocSchema>;

/** What the environment seeds the first version from (config.ts already parsed it). */
export interface DeadlineSeed {
  ackDeadlines: Record<Severity, DeadlineSpec>;
  unresolvedReminderMs?: number | undefined;
  legalWarningMs?: number | undefined;
  /** Seed of the page timeout (PAGE_TIMEOUT_MINUTES). */
  pageTimeoutMs?: number | undefined;
}

const MINUTE = 60_000;
export const DEFAULT_RERAISE_MINUTES = 24 * 60;
export const DEFAULT_LEGAL_WARN_HOURS = 24;
export const DEFAULT_PAGE_TIMEOUT_MINUTES = 5;

/** The first version's document, from the environment's values (and the defaults where a value is unset). */
export function seedDoc(seed: DeadlineSeed): DeadlineDoc {
  const minutes = (ms: number | undefined, fallback: number) =>
    formatDuration({ minutes: Math.max(1, Math.round((ms ?? fallback * MINUTE) / MINUTE)) });
  return {
    critical: formatDuration(seed.ackDeadlines[4]),
    high: formatDuration(seed.ackDeadlines[3]),
    medium: formatDuration(seed.ackDeadlines[2]),
    low: formatDuration(seed.ackDeadlines[1]),
    reraise: minutes(seed.unresolvedReminderMs, DEFAULT_RERAISE_MINUTES),
    legalWarning: minutes(seed.legalWarningMs, DEFAULT_LEGAL_WARN_HOURS * 60),
    pageTimeout: minutes(seed.pageTimeoutMs, DEFAULT_PAGE_TIMEOUT_MINUTES),
  };
}

function minutesOf(text: string): number {
  const spec = parseDuration(text, false);
  return spec && "minutes" in spec ? spec.minutes : 0;
}

/** The read interface over one stored document. */
export function toDeadlineSettings(doc: DeadlineDoc, version: number): DeadlineSettings {
  const ack = {
    4: parseDuration(doc.critical, true),
    3: parseDuration(doc.high, true),
    2: parseDuration(doc.medium, true),
    1: parseDuration(doc.low, true),
  } as Record<Severity, DeadlineSpec>;
  return {
    version,
    ack: (severity) => ack[clampSeverity(severity)],
    ackHours: (severity) => {
      const spec = ack[clampSeverity(severity)];
      return "minutes" in spec ? spec.minutes / 60 : undefined;
    },
    reraiseMinutes: minutesOf(doc.reraise),
    legalWarnLeadHours: minutesOf(doc.legalWarning) / 60,
    pageTimeoutMinutes: minutesOf(doc.pageTimeout),
  };
}

export function clampSeverity(severity: number): Severity {
  return Math.min(4, Math.max(1, Math.round(severity))) as Severity;
}

/** Settings from a seed alone, for a desk built without stored settings (tests, tools). */
export function seededSource(seed: DeadlineSeed, calendar = NO_ADJUSTMENTS): DeadlineSettingsSource {
  const settings = toDeadlineSettings(seedDoc(seed), 0);
  return { deadlines: () => settings, calendar: () => calendar };
}

export { workCalendarAdjustmentsSchema };
