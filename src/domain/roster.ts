/**
 * On-call rosters as data, and the questions asked of them: who is on duty at an instant, who comes next, and
 * which hours of a period nobody covers. Pure: shifts are wall-clock times in the display zone (a duty officer
 * thinks "from 22:00 to 06:00 on Mondays", not in UTC), turned into instants here with Intl.
 */
import { weekdayOf } from "./holidays.ts";
import { parseChannelId } from "./ids.ts";
import { localDate, zonedInstant } from "./zoned-time.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** One shift of a unit's roster, as stored and as typed. */
export interface Shift {
  /** The person paged, as "channel:userId" (telegram:123, zalo:abc…). */
  person: string;
  /** Start, minutes after local midnight (0–1439). */
  start: number;
  /**
   * End, minutes after local midnight (1–1440). An end not after the start means the shift runs past midnight
   * into the next day (22:00–06:00); equal start and end means a whole day.
   */
  end: number;
  /** Weekly: ISO weekdays 1 (Monday) … 7 (Sunday). Empty for a shift on given dates. */
  days: number[];
  /** On given dates only (YYYY-MM-DD, the day the shift starts). Empty for a weekly shift. */
  dates: string[];
}

/** Why a shift field was refused; each has a localized message (roster:error.<code>). */
export type ShiftError = "person" | "time" | "days" | "dates" | "when";

/** "08:00", "8h", "8:30", "24:00" → minutes after midnight, or undefined. */
export function parseClock(text: string): number | undefined {
  const m = /^(\d{1,2})(?:[:hH.](\d{2})?)?$/.exec(text.trim());
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2] ?? "0");
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) return undefined;
  return hours * 60 + minutes;
}

/** Minutes after midnight → "HH:MM". */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

const WEEKDAY_WORDS: Record<string, number> = {
  t2: 1,
  t3: 2,
  t4: 3,
  t5: 4,
  t6: 5,
  t7: 6,
  cn: 7,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};
const EVERY_DAY = new Set(["*", "daily", "hangngay", "hàngngày", "hằngngày", "moingay", "mọingày"]);

/** "T2-T6", "T2,T4,CN", "Mon-Fri", "hằng ngày", "*" → ISO weekdays (sorted), or undefined. */
export function parseDays(text: string): number[] | undefined {
  const compact = text.trim().toLowerCase().replace(/\s+/g, "");
  if (EVERY_DAY.has(compact)) return [1, 2, 3, 4, 5, 6, 7];
  const days = new Set<number>();
  for (const part of compact.split(/[,;]/)) {
    const [from, to, extra] = part.split("-");
    if (extra !== undefined || !from) return undefined;
    const a = WEEKDAY_WORDS[from];
    const b = to === undefined ? a : WEEKDAY_WORDS[to];
    if (a === undefined || b === undefined) return undefined;
    // A wrapping range (T7-T2) goes through Sunday.
    for (let d = a, n = 0; n < 7; d = (d % 7) + 1, n++) {
      days.add(d);
      if (d === b) break;
    }
  }
  return days.size > 0 ? [...days].sort((x, y) => x - y) : undefined;
}

const DAY_LABELS_VI = ["", "T2", "T3", "T4", "T5", "T6", "T7", "CN"];

/** ISO weekdays → "T2-T6", "T2,T4,CN", "*" (the forms parseDays reads back); runs of three or more as ranges. */
export function formatDays(days: readonly number[]): string {
  if (days.length === 7) return "*";
  const runs: number[][] = [];
  for (const d of days) {
    const run = runs.at(-1);
    if (run && run.at(-1) === d - 1) run.push(d);
    else runs.push([d]);
  }
  return runs
    .flatMap((r) =>
      r.length >= 3
        ? [`${DAY_LABELS_VI[r[0] ?? 0]}-${DAY_LABELS_VI[r.at(-1) ?? 0]}`]
        : r.map((d) => DAY_LABELS_VI[d] ?? ""),
    )
    .join(",");
}

/** "14/02/2026" or "2026-02-14" → "2026-02-14" if it is a real date, else undefined. */
export function parseDate(text: string): string | undefined {
  const t = text.trim();
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const [y, m, d] = dmy ? [dmy[3], dmy[2], dmy[1]] : ymd ? [ymd[1], ymd[2], ymd[3]] : [];
  if (!y || !m || !d) return undefined;
  const iso = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const back = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(back.getTime()) || back.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/** "14/02/2026,15/02/2026" → dates, or undefined if any is not a date. */
export function parseDates(text: string): string[] | undefined {
  const parts = text.split(/[,;\s]+/).filter((p) => p !== "");
  const dates = parts.map(parseDate);
  if (dates.length === 0 || dates.some((d) => d === undefined)) return undefined;
  return [...new Set(dates as string[])].sort();
}

/**
 * A shift from its typed fields: person, "when" (weekdays or dates) and the two clock times. The person is a
 * channel id (a bare number is a Telegram id).
 */
export function parseShift(fields: {
  person: string;
  when: string;
  start: string;
  end: string;
}): { ok: true; shift: Shift } | { ok: false; error: ShiftError } {
  const person = parseChannelId(fields.person, "telegram");
  if (!person) return { ok: false, error: "person" };
  const start = parseClock(fields.start);
  const end = parseClock(fields.end);
  // 24:00 only ends a shift; an end at 00:00 means midnight (24:00).
  if (start === undefined || end === undefined || start === 1440) return { ok: false, error: "time" };
  const when = fields.when.trim();
  if (when === "") return { ok: false, error: "when" };
  const looksLikeDates = /\d/.test(when) && !/^t\d/i.test(when);
  const days = looksLikeDates ? undefined : parseDays(when);
  const dates = looksLikeDates ? parseDates(when) : undefined;
  if (!days && !dates) return { ok: false, error: looksLikeDates ? "dates" : "days" };
  return {
    ok: true,
    shift: {
      person: `${person.channel}:${person.id}`,
      start,
      end: end === 0 ? 1440 : end,
      days: days ?? [],
      dates: dates ?? [],
    },
  };
}

/** How a shift's "when" is written back (the form parseShift reads). */
export function formatWhen(shift: Shift): string {
  return shift.days.length > 0 ? formatDays(shift.days) : shift.dates.join(",");
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

function isoWeekday(date: string): number {
  return weekdayOf(date) || 7;
}

/** An occurrence of a shift: the person and the instants it covers, [from, to). */
export interface Occurrence {
  person: string;
  index: number;
  from: number;
  to: number;
}

/** Every occurrence of the shifts that overlaps [from, to), in roster order then time. */
export function occurrences(
  shifts: readonly Shift[],
  from: number,
  to: number,
  timeZone: string,
): Occurrence[] {
  const out: Occurrence[] = [];
  // A shift that started the day before can still be running at `from`.
  const first = addDays(localDate(from, timeZone), -1);
  const days = Math.ceil((to - from) / DAY) + 2;
  shifts.forEach((shift, index) => {
    for (let n = 0; n <= days; n++) {
      const date = addDays(first, n);
      const on = shift.days.length > 0 ? shift.days.includes(isoWeekday(date)) : shift.dates.includes(date);
      if (!on) continue;
      const start = zonedInstant(date, shift.start, timeZone);
      const end =
        shift.end > shift.start
          ? zonedInstant(date, shift.end, timeZone)
          : zonedInstant(addDays(date, 1), shift.end, timeZone);
      if (start < to && end > from) out.push({ person: shift.person, index, from: start, to: end });
    }
  });
  return out;
}

/** The people on duty at an instant, in roster order, each once. */
export function onDutyAt(shifts: readonly Shift[], at: number, timeZone: string): string[] {
  const on = occurrences(shifts, at, at + 1, timeZone).sort((a, b) => a.index - b.index);
  return [...new Set(on.map((o) => o.person))];
}

/**
 * Whom to page after the people in `paged`: someone else on duty now (overlapping shifts, in roster order),
 * else whoever's shift starts soonest (the hand-over), looking a week ahead.
 */
export function nextOnDuty(
  shifts: readonly Shift[],
  at: number,
  timeZone: string,
  paged: readonly string[],
): string | undefined {
  const now = onDutyAt(shifts, at, timeZone).find((p) => !paged.includes(p));
  if (now) return now;
  return occurrences(shifts, at, at + 8 * DAY, timeZone)
    .filter((o) => o.from > at && !paged.includes(o.person))
    .sort((a, b) => a.from - b.from || a.index - b.index)[0]?.person;
}

/** The whole hours of [from, to) (hour starts, ms) not fully covered by any shift. */
export function uncoveredHours(
  shifts: readonly Shift[],
  from: number,
  to: number,
  timeZone: string,
): number[] {
  const covered = occurrences(shifts, from, to, timeZone)
    .map((o) => [o.from, o.to] as const)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of covered) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const hours: number[] = [];
  for (let h = Math.floor(from / HOUR) * HOUR; h < to; h += HOUR) {
    const a = Math.max(h, from);
    const b = Math.min(h + HOUR, to);
    if (!merged.some(([x, y]) => x <= a && y >= b)) hours.push(h);
  }
  return hours;
}

/** Consecutive hours joined into ranges [from, to), for naming them. */
export function hourRanges(hours: readonly number[]): Array<{ from: number; to: number }> {
  const ranges: Array<{ from: number; to: number }> = [];
  for (const h of hours) {
    const last = ranges.at(-1);
    if (last && last.to === h) last.to = h + HOUR;
    else ranges.push({ from: h, to: h + HOUR });
  }
  return ranges;
}

/** "15m", "2h", "1wd" (working days) → a deadline, or undefined; the grammar of ACK_DEADLINES. */
export function parseDeadlineSpec(text: string): { minutes: number } | { workingDays: number } | undefined {
  const m = /^(\d{1,5})(m|h|wd)$/.exec(text.trim().toLowerCase());
  if (!m || Number(m[1]) === 0) return undefined;
  const n = Number(m[1]);
  return m[2] === "wd" ? { workingDays: n } : { minutes: m[2] === "h" ? n * 60 : n };
}

/** An alert period's typed fields, checked: the local dates it spans (whole days) and its tighter values. */
export interface PeriodFields {
  name: string;
  from: string;
  to: string;
  /** Acknowledge deadlines for Nghiêm trọng, Cao, Trung bình, Thấp (levels 4, 3, 2, 1). */
  ack: readonly string[];
  reminder: string;
}
export type PeriodError = "name" | "dates" | "order" | "ack" | "reminder";

/** The period from the first day's 00:00 to the last day's 24:00 in the zone, or why not. */
export function parsePeriod(
  fields: PeriodFields,
  timeZone: string,
):
  | {
      ok: true;
      period: {
        name: string;
        startsAt: string;
        endsAt: string;
        ackDeadlines: Record<1 | 2 | 3 | 4, { minutes: number } | { workingDays: number }>;
        reminderMinutes: number;
      };
    }
  | { ok: false; error: PeriodError } {
  const name = fields.name.trim();
  if (name === "" || name.length > 120) return { ok: false, error: "name" };
  const from = parseDate(fields.from);
  const to = parseDate(fields.to);
  if (!from || !to) return { ok: false, error: "dates" };
  if (to < from) return { ok: false, error: "order" };
  const specs = fields.ack.map(parseDeadlineSpec);
  const [critical, high, medium, low] = specs;
  if (specs.length !== 4 || !critical || !high || !medium || !low) return { ok: false, error: "ack" };
  const reminder = parseDeadlineSpec(fields.reminder);
  if (!reminder || !("minutes" in reminder)) return { ok: false, error: "reminder" };
  return {
    ok: true,
    period: {
      name,
      startsAt: new Date(zonedInstant(from, 0, timeZone)).toISOString(),
      endsAt: new Date(zonedInstant(to, 1440, timeZone)).toISOString(),
      ackDeadlines: { 4: critical, 3: high, 2: medium, 1: low },
      reminderMinutes: reminder.minutes,
    },
  };
}
