import { getSolarDate } from "@dqcai/vn-lunar";
import { z } from "zod";

import type { IsoDate } from "./zoned-time.ts";

export type { IsoDate };

/** Why a day is a public holiday; a code, so any channel can name it in the reader's language. */
export type HolidayName =
  | "newYear"
  | "tetEve"
  | "tet"
  | "hungKings"
  | "reunification"
  | "labour"
  | "nationalDay"
  | "nationalDayNeighbour"
  | "compensatory";

export interface Holiday {
  date: IsoDate;
  name: HolidayName;
}

const DAY_MS = 86_400_000;

function iso(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

function utcMs(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day);
}

/** The weekday of a calendar date (0 = Sunday). */
export function weekdayOf(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const isWeekend = (date: IsoDate): boolean => {
  const day = weekdayOf(date);
  return day === 0 || day === 6;
};

/** The solar date of a day of the Vietnamese lunar calendar (computed for UTC+7 by the library). */
function lunarToSolarMs(day: number, month: number, lunarYear: number): number {
  const s = getSolarDate(day, month, lunarYear);
  return utcMs(s.year, s.month, s.day);
}

/**
 * The day next to 2/9 that the Labour Code adds (Art. 112(1)(đ): "02/9 and one day immediately before or
 * after"). The Prime Minister picks it each year (Art. 112(3)); absent that decision, the neighbour that joins
 * the holiday to the weekend, as recent decisions did (2021 Thursday → 3/9, 2022 Friday → 1/9, 2023 Saturday
 * → 1/9, 2024 Monday → 3/9, 2025 Tuesday → 1/9). Admin data corrects a year where the decision differs.
 */
function nationalDayNeighbour(year: number): IsoDate {
  const day = weekdayOf(iso(utcMs(year, 9, 2)));
  const before = day === 2 || day === 5 || day === 6;
  return iso(utcMs(year, 9, before ? 1 : 3));
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine((d) => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(ms) && iso(ms) === d;
  }, "not a calendar date");

/**
 * The Prime Minister's yearly choice under Art. 112(3): which five days are the Tết holiday and which day next
 * to 2/9 is off. A year without a decision uses the defaults of {@link publicHolidays}.
 */
export const yearDecisionSchema = z
  .strictObject({
    year: z.number().int().min(1900).max(2199),
    tetDays: z.array(isoDate).length(5).optional(),
    nationalDayNeighbour: isoDate.optional(),
  })
  .superRefine((d, ctx) => {
    const outside = [...(d.tetDays ?? []), d.nationalDayNeighbour ?? `${d.year}`].filter(
      (date) => !date.startsWith(`${d.year}`),
    );
    if (outside.length > 0)
      ctx.addIssue({ code: "custom", message: `dates outside ${d.year}: ${outside.join(", ")}` });
    const n = d.nationalDayNeighbour;
    if (n !== undefined && n !== `${d.year}-09-01` && n !== `${d.year}-09-03`) {
      ctx.addIssue({
        code: "custom",
        message: "the day next to 2/9 is 1/9 or 3/9",
        path: ["nationalDayNeighbour"],
      });
    }
  });
export type YearDecision = z.infer<typeof yearDecisionSchema>;

const cache = new Map<string, readonly Holiday[]>();

/**
 * The public holidays of a Gregorian year under the Labour Code 2019 (Bộ luật Lao động số 45/2019/QH14),
 * Art. 112(1): 1/1; five days of Tết (lunar new year); 30/4; 1/5; 2/9 and a day next to it; the Hùng Kings'
 * day (10/3 lunar). Lunar dates come from the Vietnamese calendar (UTC+7), which differs from the Chinese one in
 * some years (Tết 2007 was 17/02 in Vietnam, 18/02 in China). Art. 112(3) leaves the exact five Tết days to the
 * Prime Minister each year (`decision`), and the choice varies from year to year; absent one, the eve and the
 * first four days of the year (as for 2026: 16/02–20/02). Bridges and working Saturdays are admin data too
 * ({@link WorkCalendarAdjustments}). A holiday on a Saturday or Sunday gives a compensatory day off on the next
 * working day (Art. 111(3)). Sorted by date.
 */
export function publicHolidays(year: number, decision?: YearDecision): readonly Holiday[] {
  const key = decision ? JSON.stringify(decision) : String(year);
  const cached = cache.get(key);
  if (cached) return cached;
  const tet = lunarToSolarMs(1, 1, year);
  const tetEve = iso(tet - DAY_MS);
  const tetDays = decision?.tetDays ?? [tetEve, ...[0, 1, 2, 3].map((n) => iso(tet + n * DAY_MS))];
  const statutory: Holiday[] = [
    { date: iso(utcMs(year, 1, 1)), name: "newYear" },
    ...tetDays.map((date): Holiday => ({ date, name: date === tetEve ? "tetEve" : "tet" })),
    { date: iso(lunarToSolarMs(10, 3, year)), name: "hungKings" },
    { date: iso(utcMs(year, 4, 30)), name: "reunification" },
    { date: iso(utcMs(year, 5, 1)), name: "labour" },
    { date: iso(utcMs(year, 9, 2)), name: "nationalDay" },
    { date: decision?.nationalDayNeighbour ?? nationalDayNeighbour(year), name: "nationalDayNeighbour" },
  ];
  statutory.sort((a, b) => a.date.localeCompare(b.date));

  const taken = new Set(statutory.map((h) => h.date));
  const compensatory: Holiday[] = [];
  for (const holiday of statutory) {
    if (!isWeekend(holiday.date)) continue;
    let ms = Date.parse(`${holiday.date}T00:00:00Z`) + DAY_MS;
    while (isWeekend(iso(ms)) || taken.has(iso(ms))) ms += DAY_MS;
    taken.add(iso(ms));
    compensatory.push({ date: iso(ms), name: "compensatory" });
  }
  const all = [...statutory, ...compensatory].sort((a, b) => a.date.localeCompare(b.date));
  cache.set(key, all);
  return all;
}

/**
 * The government's yearly decisions on top of the Labour Code: extra days off (bridges, the day a working day
 * was swapped to, a different choice of the five Tết days) and days worked although they are a weekend or
 * default holiday (the working Saturday a swapped day is made up on). Admin data: stored as versions
 * ('work_calendar', src/settings/deadline-settings.ts), edited with /ngaynghi and the contacts YAML file's
 * `calendar:` section, and passed by the duty desk to every working-day deadline.
 */
export const workCalendarAdjustmentsSchema = z.strictObject({
  decisions: z.array(yearDecisionSchema).default([]),
  daysOff: z.array(z.strictObject({ date: isoDate, note: z.string().trim().max(200).default("") })),
  workingDays: z.array(z.strictObject({ date: isoDate, note: z.string().trim().max(200).default("") })),
});
export type WorkCalendarAdjustments = z.infer<typeof workCalendarAdjustmentsSchema>;

export const NO_ADJUSTMENTS: WorkCalendarAdjustments = { decisions: [], daysOff: [], workingDays: [] };

/** The holiday a date is, if any (statutory or compensatory), under the year's decision when there is one. */
export function holidayOn(
  date: IsoDate,
  adjustments: WorkCalendarAdjustments = NO_ADJUSTMENTS,
): Holiday | undefined {
  const year = Number(date.slice(0, 4));
  const decision = adjustments.decisions.find((d) => d.year === year);
  return publicHolidays(year, decision).find((h) => h.date === date);
}

/**
 * True for a working day in Vietnam: Monday to Friday, not a public holiday and not an extra day off, or any
 * day the government made a working day (which wins: a swapped Saturday is worked even next to a holiday).
 */
export function isWorkingDay(date: IsoDate, adjustments: WorkCalendarAdjustments = NO_ADJUSTMENTS): boolean {
  if (adjustments.workingDays.some((d) => d.date === date)) return true;
  if (isWeekend(date)) return false;
  if (adjustments.daysOff.some((d) => d.date === date)) return false;
  return holidayOn(date, adjustments) === undefined;
}
