/**
 * Wall-clock time in a named time zone, the one place the program asks Intl about zones: the calendar date of an
 * instant (working days, rosters, "verified today"), the fields shown as dd/mm/yyyy hh:mm, the zone's offset and
 * the instant of a local time (a roster's shift start). Pure: the formatters are cached per zone, nothing else.
 */

/** A calendar date, YYYY-MM-DD. */
export type IsoDate = string;

/** The wall-clock fields of an instant in a zone. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
/** One formatter per zone and kind, made on first use (building one costs far more than using it). */
function cachedFormat(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  make: (timeZone: string) => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (!format) {
    format = make(timeZone);
    cache.set(timeZone, format);
  }
  return format;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const wallFormat = (timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    // h23: midnight is 00, where the default hour cycle of some locales writes 24.
    hourCycle: "h23",
  });

function formatFor(timeZone: string): Intl.DateTimeFormat {
  return cachedFormat(formats, timeZone, wallFormat);
}

/** The wall-clock fields of an instant (ms since the epoch) in a zone. */
export function wallClock(instant: number, timeZone: string): WallClock {
  const parts = formatFor(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

/** The zone's offset from UTC at an instant, in ms, to the minute. */
export function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(instant / MINUTE) * MINUTE;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormat = (timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });

/**
 * The calendar date of an instant in a zone. Working-day deadlines ask it once per day they count, so it keeps a
 * formatter of its own: en-CA writes YYYY-MM-DD in one `format` call, several times faster than reading parts.
 */
export function localDate(instant: number, timeZone: string): IsoDate {
  return cachedFormat(dateFormats, timeZone, dateFormat).format(instant);
}

/** The instant of a wall-clock time (minutes after midnight of a local date) in a zone. */
export function zonedInstant(date: IsoDate, minutes: number, timeZone: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE;
  const first = naive - offsetAt(naive, timeZone);
  // Once more, in case the guess fell on the other side of an offset change.
  return naive - offsetAt(first, timeZone);
}
