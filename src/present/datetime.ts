import { offsetAt, type WallClock, wallClock } from "../domain/zoned-time.ts";

/** The zone's UTC offset in each hour already asked about, or null if it changes within that hour. */
const hourOffsets = new Map<string, number | null>();
const HOUR_MS = 3_600_000;

const pad = (n: number) => String(n).padStart(2, "0");

/** dd/mm/yyyy hh:mm, as every channel shows a date. */
const show = (w: WallClock) => `${pad(w.day)}/${pad(w.month)}/${w.year} ${pad(w.hour)}:${pad(w.minute)}`;

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
