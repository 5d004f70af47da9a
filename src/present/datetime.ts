const formatters = new Map<string, Intl.DateTimeFormat>();
/** The zone's UTC offset in each hour already asked about, or null if it changes within that hour. */
const hourOffsets = new Map<string, number | null>();
const HOUR_MS = 3_600_000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Wall-clock fields of an instant in a zone, the slow way (Intl). */
function wallClock(ms: number, timeZone: string) {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

/** The zone's offset from UTC at an instant, to the minute. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(ms / 60_000) * 60_000;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** dd/mm/yyyy hh:mm, as every channel shows a date. */
const show = (w: ReturnType<typeof wallClock>) =>
  `${pad(w.day)}/${pad(w.month)}/${w.year} ${pad(w.hour)}:${pad(w.minute)}`;

/**
 * Formats a UTC instant as dd/mm/yyyy hh:mm in the display zone. Intl takes several microseconds per call and
 * a summary formats many dates, so the zone's offset is worked out once per hour of time (zones change
 * offset at most once in an hour; an hour in which one does is formatted through Intl every time).
 */
export function formatDateTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const hour = Math.floor(ms / HOUR_MS);
  const key = `${timeZone}\u0000${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const start = offsetAt(hour * HOUR_MS, timeZone);
    offset = start === offsetAt(hour * HOUR_MS + HOUR_MS - 1, timeZone) ? start : null;
    if (hourOffsets.size >= 10_000) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  if (offset === null) return show(wallClock(ms, timeZone));
  const d = new Date(ms + offset);
  return show({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  });
}
