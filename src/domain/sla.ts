import type { DeadlineSpec } from "../config.ts";
import { deadlineAt } from "./deadlines.ts";
import { NO_ADJUSTMENTS, type WorkCalendarAdjustments } from "./holidays.ts";

/** One ticket's response times, as the timeline records them (null: not reached yet). */
export interface SlaTicket {
  /** The units the ticket is routed to: it counts for each of them. */
  units: readonly string[];
  severity: number;
  createdAt: string;
  detectedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

/** How many of the tickets whose deadline is decided (met, or passed without) met it. */
export interface Share {
  met: number;
  decided: number;
}

/** One unit's figures; times in seconds, undefined when no ticket reached that point. */
export interface UnitSla {
  unit: string;
  tickets: number;
  ackMedian: number | undefined;
  ackP90: number | undefined;
  resolveMedian: number | undefined;
  resolveP90: number | undefined;
  /** Acknowledged within the acknowledge deadline of the ticket's severity, counted from filing. */
  ackOnTime: Share;
  /**
   * Acknowledged (the notification received) within the legal clock from detection (Circular 20/2017 Art. 9's
   * 5 days, as the active routing rules set it).
   */
  legalOnTime: Share;
}

/**
 * The q-quantile of ascending values, interpolated linearly between the closest ranks (the spreadsheet's
 * PERCENTILE.INC and R's default), so the median of an even count is the mean of the middle two.
 */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const low = sorted[lo] ?? 0;
  const high = sorted[Math.min(lo + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (pos - lo);
}

function share(items: ReadonlyArray<{ at: string | null; deadline: number }>, now: number): Share {
  let met = 0;
  let decided = 0;
  for (const { at, deadline } of items) {
    // Not acknowledged and the deadline still ahead: neither met nor missed yet.
    if (at === null && deadline > now) continue;
    decided++;
    if (at !== null && Date.parse(at) <= deadline) met++;
  }
  return { met, decided };
}

/** Per unit (sorted by id), the response times and the shares within deadlines of the tickets given. */
export function slaByUnit(
  tickets: readonly SlaTicket[],
  ackDeadlines: Record<1 | 2 | 3 | 4, DeadlineSpec>,
  timeZone: string,
  legalMs: number,
  now: Date,
  calendar: WorkCalendarAdjustments = NO_ADJUSTMENTS,
): UnitSla[] {
  const byUnit = new Map<string, SlaTicket[]>();
  for (const t of tickets)
    for (const unit of new Set(t.units)) {
      const list = byUnit.get(unit) ?? [];
      list.push(t);
      byUnit.set(unit, list);
    }
  const seconds = (from: string, to: string | null) =>
    to === null ? [] : [(Date.parse(to) - Date.parse(from)) / 1000];
  return [...byUnit.keys()].sort().map((unit) => {
    const mine = byUnit.get(unit) ?? [];
    const ack = mine.flatMap((t) => seconds(t.createdAt, t.acknowledgedAt)).sort((a, b) => a - b);
    const resolve = mine.flatMap((t) => seconds(t.createdAt, t.resolvedAt)).sort((a, b) => a - b);
    const spec = (t: SlaTicket) => ackDeadlines[Math.min(4, Math.max(1, t.severity)) as 1 | 2 | 3 | 4];
    return {
      unit,
      tickets: mine.length,
      ackMedian: quantile(ack, 0.5),
      ackP90: quantile(ack, 0.9),
      resolveMedian: quantile(resolve, 0.5),
      resolveP90: quantile(resolve, 0.9),
      ackOnTime: share(
        mine.map((t) => ({
          at: t.acknowledgedAt,
          deadline: Date.parse(deadlineAt(t.createdAt, spec(t), timeZone, calendar)),
        })),
        now.getTime(),
      ),
      legalOnTime: share(
        mine.map((t) => ({
          at: t.acknowledgedAt,
          deadline: Date.parse(t.detectedAt) + legalMs,
        })),
        now.getTime(),
      ),
    };
  });
}
