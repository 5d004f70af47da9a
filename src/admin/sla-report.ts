import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { type Share, type SlaTicket, slaByUnit, type UnitSla } from "../domain/sla.ts";
import { legalDeadlineHours } from "../domain/tickets.ts";
import { StoredDeadlineSettings } from "../settings/deadline-settings.ts";
import type { Store } from "../store/store.ts";
import { csvCell } from "./audit-export.ts";

/** Tickets that were not incidents to answer: they count in no unit's response times. */
const NOT_INCIDENTS = new Set(["duplicate", "rejected"]);
const DAY_MS = 86_400_000;

export interface SlaReportDeps {
  /** Opens the configured database for the command and closes it afterwards. */
  withStore: (fn: (store: Store) => void) => void;
  /** The CLI's operator error (printed without a stack trace). */
  usageError: (message: string) => Error;
  write?: (text: string) => void;
  clock?: () => Date;
}

/** The UTC instant of 00:00 on a calendar day in a time zone. */
export function localMidnight(day: string, timeZone: string): Date {
  const guess = Date.parse(`${day}T00:00:00Z`);
  let at = guess;
  // Twice: the zone's offset at the first estimate can differ from the offset at the answer (a DST change).
  for (let i = 0; i < 2; i++) at = guess - offsetMs(at, timeZone);
  return new Date(at);
}

function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - (at - (at % 1000))
  );
}

/** "2026-11-03", a real calendar day, or undefined. */
function calendarDay(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : text;
}

/** The figures of tickets filed from `from` to `to` inclusive (calendar days in the display zone). */
export function slaReport(
  store: Store,
  range: { from: string; to: string },
  config: Pick<ReturnType<typeof loadConfig>, "ackDeadlines" | "timeZone">,
  now: Date,
): UnitSla[] {
  const start = localMidnight(range.from, config.timeZone).toISOString();
  const end = new Date(localMidnight(range.to, config.timeZone).getTime() + DAY_MS).toISOString();
  const tickets: SlaTicket[] = store.incidents
    .ticketTimes(start, end)
    .filter((t) => !NOT_INCIDENTS.has(t.status))
    .map((t) => ({ ...t, units: t.contactIds }));
  // The legal clock as the duty desk counts it: from the routing rules' data (5 days unless an admin changed it).
  const legalMs = legalDeadlineHours(store.routingRules(), "submitted") * 3_600_000;
  // The deadlines in force (admin data, seeded from the environment) and the working-day calendar with the admins'
  // days off, as the duty desk counts them.
  const settings = new StoredDeadlineSettings(store, { ackDeadlines: config.ackDeadlines });
  const ack = settings.deadlines();
  const specs = { 4: ack.ack(4), 3: ack.ack(3), 2: ack.ack(2), 1: ack.ack(1) };
  return slaByUnit(tickets, specs, config.timeZone, legalMs, now, settings.calendar());
}

/** A duration for people: "45s", "12m", "3h 05m", "2d 04h". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, "0")}h`;
}

function percent(s: Share): string {
  return s.decided === 0 ? "-" : `${s.met}/${s.decided} (${Math.round((100 * s.met) / s.decided)}%)`;
}

const TABLE_HEADER = [
  "unit",
  "tickets",
  "ack p50",
  "ack p90",
  "resolve p50",
  "resolve p90",
  "ack on time",
  "5-day clock",
];

/** The report as an aligned text table. */
export function slaTable(rows: readonly UnitSla[]): string {
  const cells = [
    TABLE_HEADER,
    ...rows.map((r) => [
      r.unit,
      String(r.tickets),
      duration(r.ackMedian),
      duration(r.ackP90),
      duration(r.resolveMedian),
      duration(r.resolveP90),
      percent(r.ackOnTime),
      percent(r.legalOnTime),
    ]),
  ];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? "").length)));
  return cells
    .map((c) =>
      c
        .map((v, i) => v.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const CSV_HEADER = [
  "unit",
  "tickets",
  "ack_p50_s",
  "ack_p90_s",
  "resolve_p50_s",
  "resolve_p90_s",
  "ack_on_time",
  "ack_decided",
  "legal_on_time",
  "legal_decided",
];

/** The report as CSV (seconds, counts), with a byte-order mark for Excel and cells safe from formulas. */
export function slaCsv(rows: readonly UnitSla[]): string {
  const num = (v: number | undefined) => (v === undefined ? "" : String(Math.round(v)));
  const lines = rows.map((r) =>
    [
      r.unit,
      String(r.tickets),
      num(r.ackMedian),
      num(r.ackP90),
      num(r.resolveMedian),
      num(r.resolveP90),
      String(r.ackOnTime.met),
      String(r.ackOnTime.decided),
      String(r.legalOnTime.met),
      String(r.legalOnTime.decided),
    ]
      .map(csvCell)
      .join(","),
  );
  return `\uFEFF${[CSV_HEADER.join(","), ...lines].map((l) => `${l}\r\n`).join("")}`;
}

/**
 * `report sla --from YYYY-MM-DD --to YYYY-MM-DD [--csv]`, added to the `report` command group (created here
 * unless another report command made it first, so the commands can be registered in any order).
 */
export function registerSlaReport(program: Command, deps: SlaReportDeps): void {
  const report =
    program.commands.find((c) => c.name() === "report") ??
    program.command("report").description("reports on the tickets");
  report
    .command("sla")
    .description(
      "per unit: median and 90th-percentile time to acknowledge and resolve, share within deadlines",
    )
    .requiredOption("--from <date>", "first day, YYYY-MM-DD (display time zone)")
    .requiredOption("--to <date>", "last day, YYYY-MM-DD, included")
    .option("--csv", "CSV instead of a table")
    .action((options: { from: string; to: string; csv?: boolean }) => {
      const from = calendarDay(options.from);
      const to = calendarDay(options.to);
      if (!from || !to)
        throw deps.usageError(
          `Expected dates as YYYY-MM-DD (got --from ${options.from} --to ${options.to}).`,
        );
      if (from > to) throw deps.usageError(`--from ${from} is after --to ${to}.`);
      const config = loadConfig();
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      deps.withStore((store) => {
        const rows = slaReport(store, { from, to }, config, (deps.clock ?? (() => new Date()))());
        if (options.csv) write(slaCsv(rows));
        else write(rows.length === 0 ? `No tickets filed from ${from} to ${to}.\n` : `${slaTable(rows)}\n`);
      });
    });
}
