import { foldDiacritics } from "../text.ts";
import { fail, MAX_SHORT_INPUT, ok, REQUIRED, type ValidationResult } from "./result.ts";

// ---------------------------------------------------------------------------------------------------------
// Detection time
// ---------------------------------------------------------------------------------------------------------

// Asia/Ho_Chi_Minh has been UTC+7 without DST since 1975, so a fixed offset is exact and avoids depending on
// the ICU time-zone data of the host.
const VN_OFFSET_MS = 7 * 60 * 60_000;
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

function localDateOf(instant: Date): LocalDate & { h: number; min: number } {
  const t = new Date(instant.getTime() + VN_OFFSET_MS);
  return {
    y: t.getUTCFullYear(),
    m: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    min: t.getUTCMinutes(),
  };
}

function localToInstant(date: LocalDate, h: number, min: number, sec: number): Date {
  return new Date(Date.UTC(date.y, date.m - 1, date.d, h, min, sec) - VN_OFFSET_MS);
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function isRealDate(date: LocalDate): boolean {
  if (date.m < 1 || date.m > 12 || date.d < 1) return false;
  return date.d <= new Date(Date.UTC(date.y, date.m, 0)).getUTCDate();
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

function formatLocalDate(date: LocalDate): string {
  return `${pad2(date.d)}/${pad2(date.m)}/${date.y}`;
}

/** Formats an instant as Vietnamese wall-clock time, `dd/mm/yyyy hh:mm` (UTC+7), as Mẫu 03 writes it. */
export function formatVnDateTime(instant: Date): string {
  const p = localDateOf(instant);
  return `${formatLocalDate(p)} ${pad2(p.h)}:${pad2(p.min)}`;
}

function oneYearBefore(now: Date): Date {
  const p = localDateOf(now);
  const shifted = Date.UTC(p.y - 1, p.m - 1, p.d, p.h, p.min) - VN_OFFSET_MS;
  // Keep seconds and milliseconds of `now` so the boundary is exactly one calendar year.
  return new Date(shifted + (now.getTime() % 60_000));
}

const NOW_PHRASES = new Set([
  "bay gio",
  "ngay bay gio",
  "ngay luc nay",
  "luc nay",
  "vua xong",
  "vua moi",
  "hien tai",
  "now",
  "right now",
  "just now",
]);

// Words people wrap around a date or time that carry no information ("lúc 8h", "vào ngày 20/11", "khoảng 9h").
const TIME_FILLERS = new Set([
  "luc",
  "vao",
  "ngay",
  "khoang",
  "tam",
  "chung",
  "hom",
  "buoi",
  "at",
  "on",
  "about",
  "around",
  "approx",
  "the",
]);

type Period = "sang" | "trua" | "chieu" | "toi" | "dem" | "am" | "pm";
const PERIODS = new Set<string>(["sang", "trua", "chieu", "toi", "dem", "am", "pm"]);

const DAY_WORDS: Record<string, number> = {
  "hom nay": 0,
  nay: 0,
  today: 0,
  "hom qua": -1,
  qua: -1,
  yesterday: -1,
  "hom kia": -2,
};

interface ParsedTime {
  h: number;
  min: number;
  sec: number;
  text: string;
}

/** Applies a Vietnamese day-period word ("8h tối" = 20:00) to a 12- or 24-hour clock hour. */
function applyPeriod(h: number, period: Period | undefined): number | null {
  if (period === undefined) return h;
  switch (period) {
    case "sang":
    case "am":
      if (h > 12) return null;
      return h === 12 ? 0 : h;
    case "trua":
      // "12h trưa" is noon, "1h trưa" is 13:00; "11h trưa" stays 11:00.
      if (h >= 11) return h;
      return h <= 2 ? h + 12 : null;
    case "chieu":
    case "toi":
    case "pm":
      return h < 12 ? h + 12 : h;
    case "dem":
      // "11h đêm" is 23:00 but "2h đêm" is 02:00.
      if (h === 12) return 0;
      return h >= 6 && h < 12 ? h + 12 : h;
  }
}

/** Removes the first match of `re` from `state.rest` and returns it. */
function take(state: { rest: string }, re: RegExp): RegExpExecArray | null {
  const m = re.exec(state.rest);
  if (m) state.rest = `${state.rest.slice(0, m.index)} ${state.rest.slice(m.index + m[0].length)}`;
  return m;
}

const RE_ISO_DATE = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/;
const RE_DMY = /(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/;
const RE_WORDY_DATE = /(?<!\d)(\d{1,2})\s*thang\s*(\d{1,2})(?:\s*,?\s*(?:nam\s*)?(\d{4}))?(?!\d)/;
// Without a year only "/" is accepted: "8.30" is far more likely a time typed with a dot than 8 March... 30th.
const RE_DM = /(?<!\d)(\d{1,2})\/(\d{1,2})(?![\d/])/;
const RE_COLON_TIME = /(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)/;
const RE_HOUR_TIME =
  /(?<!\d)(\d{1,2})\s*(?:gio|h|g)(?:\s*(ruoi)|\s*(\d{1,2})(?:\s*(?:phut|p)(?![a-z]))?)?(?![a-z\d])/;
const RE_AMPM_TIME = /(?<!\d)(\d{1,2})\s*(am|pm)(?![a-z])/;
// "8.30" only once dates are gone, so "20.11.2026" is never read as a time.
const RE_DOT_TIME = /(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])/;
const TIME_PATTERNS = [RE_COLON_TIME, RE_HOUR_TIME, RE_AMPM_TIME, RE_DOT_TIME];
const DAY_PATTERNS = ["hom nay", "hom qua", "hom kia", "today", "yesterday", "nay", "qua"].map(
  (phrase) => [phrase, new RegExp(`(?<![a-z])${phrase}(?![a-z])`)] as const,
);

/**
 * Parses when an incident was detected (Mẫu 03 fields E1 + E2) into a UTC instant; Vietnamese wall time.
 * `now` is the current instant, passed in so the result is reproducible.
 */
export function parseDetectionTime(input: string, now: Date): ValidationResult<Date> {
  const example = formatVnDateTime(now);
  const folded = foldDiacritics(input)
    .replace(/^["'«“(]+|["'»”)!?.,;]+$/g, "")
    .trim();
  if (folded === "") return fail(REQUIRED);
  if (folded.length > MAX_SHORT_INPUT) return fail("validation:date.format", { example });
  if (NOW_PHRASES.has(folded)) return ok(new Date(now.getTime()));

  // ISO "2026-11-20t14:30" (folding lowercased the T).
  const state = { rest: ` ${folded.replace(/(\d)t(\d)/g, "$1 $2")} ` };
  const today = localDateOf(now);

  let date: LocalDate | undefined;
  let dateHasYear = true;
  let dateText = "";
  for (const re of [RE_ISO_DATE, RE_DMY, RE_WORDY_DATE, RE_DM]) {
    const m = take(state, re);
    if (!m) continue;
    if (date) return fail("validation:date.format", { example });
    dateText = m[0].trim();
    if (re === RE_ISO_DATE) {
      date = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
    } else if (re === RE_DMY) {
      const yText = m[4] ?? "";
      date = {
        y: yText.length === 2 ? 2000 + Number(yText) : Number(yText),
        m: Number(m[3]),
        d: Number(m[1]),
      };
    } else {
      const yText = re === RE_WORDY_DATE ? m[3] : undefined;
      dateHasYear = yText !== undefined;
      date = { y: yText !== undefined ? Number(yText) : today.y, m: Number(m[2]), d: Number(m[1]) };
    }
  }
  // A second date of any shape means the message is not one instant.
  if (date && [RE_ISO_DATE, RE_DMY, RE_WORDY_DATE, RE_DM].some((re) => re.test(state.rest))) {
    return fail("validation:date.format", { example });
  }

  let time: ParsedTime | undefined;
  let period: Period | undefined;
  const colon = take(state, RE_COLON_TIME) ?? take(state, RE_DOT_TIME);
  const hourMatch = colon ? null : take(state, RE_HOUR_TIME);
  const ampm = colon || hourMatch ? null : take(state, RE_AMPM_TIME);
  if (colon) {
    time = { h: Number(colon[1]), min: Number(colon[2]), sec: Number(colon[3] ?? 0), text: colon[0].trim() };
  } else if (hourMatch) {
    const min = hourMatch[2] ? 30 : Number(hourMatch[3] ?? 0);
    time = { h: Number(hourMatch[1]), min, sec: 0, text: hourMatch[0].trim() };
  } else if (ampm) {
    time = { h: Number(ampm[1]), min: 0, sec: 0, text: ampm[0].trim() };
    period = ampm[2] as Period;
  }
  if (TIME_PATTERNS.some((re) => re.test(state.rest))) {
    return fail("validation:date.format", { example });
  }

  let dayOffset: number | undefined;
  for (const [phrase, re] of DAY_PATTERNS) {
    while (take(state, re)) {
      const offset = DAY_WORDS[phrase];
      if (dayOffset !== undefined && dayOffset !== offset) return fail("validation:date.format", { example });
      dayOffset = offset;
    }
  }

  for (const token of state.rest.split(/[\s,;()\-–]+/)) {
    if (token === "" || TIME_FILLERS.has(token)) continue;
    if (PERIODS.has(token)) {
      if (period !== undefined && period !== token) return fail("validation:date.format", { example });
      period = token as Period;
      continue;
    }
    return fail("validation:date.format", { example });
  }

  if (!date && dayOffset === undefined && !time) return fail("validation:date.format", { example });
  if (date && dayOffset !== undefined) return fail("validation:date.format", { example });

  if (date && !isRealDate(date)) return fail("validation:date.invalid", { value: dateText, example });
  const day = date ?? addDays(today, dayOffset ?? 0);
  if (!time) {
    // Mẫu 03 asks for hour and minute (E2); guessing one would put a false time on an official report.
    return fail("validation:date.timeMissing", { example: `${formatLocalDate(day)} 08:30` });
  }

  const hour = time.h <= 23 ? applyPeriod(time.h, period) : null;
  if (hour === null || hour > 23 || time.min > 59 || time.sec > 59) {
    return fail("validation:date.invalidTime", { value: time.text, example });
  }

  // "2h đêm qua" is the small hours after yesterday evening, i.e. today's date.
  let resolvedDay = day;
  if (!date && dayOffset === -1 && period === "dem" && hour < 6) resolvedDay = addDays(day, 1);

  let instant = localToInstant(resolvedDay, hour, time.min, time.sec);
  const tooLate = (t: Date) => t.getTime() - now.getTime() > FUTURE_TOLERANCE_MS;

  // "25/12" typed in early January can only mean last December.
  if (tooLate(instant) && date && !dateHasYear) {
    instant = localToInstant({ ...resolvedDay, y: resolvedDay.y - 1 }, hour, time.min, time.sec);
  }
  if (tooLate(instant)) {
    // A bare "23:40" sent at 00:10 most likely means last night. It is not silently moved (a wrong day on
    // an official report is worse than one more question); the example offers yesterday's date instead.
    const bareTime = !date && dayOffset === undefined;
    const suggestion = bareTime ? formatVnDateTime(new Date(instant.getTime() - DAY_MS)) : example;
    return fail("validation:date.future", { example: suggestion });
  }
  const earliest = oneYearBefore(now);
  if (instant.getTime() < earliest.getTime()) {
    return fail("validation:date.tooOld", { min: formatVnDateTime(earliest), example });
  }
  return ok(instant);
}
