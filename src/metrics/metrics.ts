import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DeliveryCounters } from "../outbox/counters.ts";
import type { Store } from "../store/store.ts";

/** Every metric's name starts with this, so they sort together beside other services' on a shared Prometheus. */
const PREFIX = "incident_bot_";
/** Response times from a minute to past the 5-day legal clock, in seconds. */
const RESPONSE_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 432_000, 864_000];
/** Every ticket ever filed (the histograms are cumulative, as Prometheus expects of them). */
const ALL_TIME = ["0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"] as const;

export interface MetricsOptions {
  store: Store;
  clock?: () => Date;
  /** A pending job due longer ago than this counts as late (the scheduler looks every second). */
  jobLateAfterMs?: number;
  /**
   * The response-time histograms are rebuilt from the timeline at most this often (default 60 s); scrapes in
   * between show the last figures. A pass over 20,000 tickets took 0.5–0.8 s on a loaded 2-core machine, and
   * it runs on the bot's own thread, so a scrape every few seconds must not repeat it.
   */
  responseTimesEveryMs?: number;
}

/** One app's metrics: its own registry (so several apps in one process do not collide) and what feeds it. */
export interface AppMetrics {
  registry: Registry;
  /** The outbox lanes count sends, 429s and dead letters through these. */
  counters: DeliveryCounters;
  /** Counted for each page sent to a person on a unit's on-call roster (src/roster/paging.ts). */
  pagesSent: Counter;
  /** The exposition text and its content type, read from the database now. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * Builds the metrics of one app. Labels carry channel names, job kinds, ticket states, severities and contact
 * (unit) ids only: never a chat id, user id, name or text, which identify people.
 *
 * Ticket counts, backlog, jobs and the response-time histograms are computed from the database at scrape time.
 * For the histograms this was chosen over observing in the duty desk: the timeline is the record of when a ticket
 * was acknowledged and resolved, so the figures survive restarts, include transitions made by another process
 * (the CLI, a second instance), and agree with `report sla`, which reads the same timeline; the desk stays free
 * of monitoring code. The price is one pass over the tickets per scrape, bounded by
 * `responseTimesEveryMs`.
 */
export function createMetrics(o: MetricsOptions): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  const clock = o.clock ?? (() => new Date());
  const lateAfterMs = o.jobLateAfterMs ?? 60_000;
  const store = o.store;

  new Gauge({
    name: `${PREFIX}tickets`,
    help: "Tickets by state and severity (1 Thấp … 4 Nghiêm trọng)",
    labelNames: ["state", "severity"] as const,
    registers,
    collect() {
      this.reset();
      for (const c of store.incidents.ticketCounts())
        this.set({ state: c.status, severity: String(c.severity) }, c.count);
    },
  });

  const ack = new Histogram({
    name: `${PREFIX}ticket_acknowledge_seconds`,
    help: "Time from filing to the first acknowledgement, per unit the ticket is routed to",
    labelNames: ["unit"] as const,
    buckets: RESPONSE_BUCKETS,
    registers,
  });
  const resolve = new Histogram({
    name: `${PREFIX}ticket_resolve_seconds`,
    help: "Time from filing to the first resolution, per unit the ticket is routed to",
    labelNames: ["unit"] as const,
    buckets: RESPONSE_BUCKETS,
    registers,
  });
  // One read of the timeline rebuilds both histograms, before a scrape is written out (see responseTimesEveryMs).
  const everyMs = o.responseTimesEveryMs ?? 60_000;
  let filledAt: number | undefined;
  const fillResponseTimes = () => {
    const now = clock().getTime();
    if (filledAt !== undefined && now - filledAt < everyMs) return;
    filledAt = now;
    ack.reset();
    resolve.reset();
    for (const t of store.incidents.ticketTimes(...ALL_TIME)) {
      const created = Date.parse(t.createdAt);
      for (const unit of t.contactIds) {
        if (t.acknowledgedAt) ack.observe({ unit }, (Date.parse(t.acknowledgedAt) - created) / 1000);
        if (t.resolvedAt) resolve.observe({ unit }, (Date.parse(t.resolvedAt) - created) / 1000);
      }
    }
  };

  new Gauge({
    name: `${PREFIX}outbox_pending`,
    help: "Messages waiting to be sent, by channel",
    labelNames: ["channel"] as const,
    registers,
    collect() {
      this.reset();
      for (const b of store.outbox.backlog()) this.set({ channel: b.channel }, b.pending);
    },
  });
  new Gauge({
    name: `${PREFIX}outbox_oldest_pending_age_seconds`,
    help: "Age of the oldest message waiting to be sent, by channel",
    labelNames: ["channel"] as const,
    registers,
    collect() {
      this.reset();
      const now = clock().getTime();
      for (const b of store.outbox.backlog())
        this.set({ channel: b.channel }, Math.max(0, (now - Date.parse(b.oldestAt)) / 1000));
    },
  });

  const counter = (name: string, help: string) =>
    new Counter({ name: `${PREFIX}${name}`, help, labelNames: ["channel"] as const, registers });
  const sent = counter("outbox_sent_total", "Messages delivered, by channel");
  const limited = counter("outbox_rate_limited_total", "Sends the service answered with 429, by channel");
  const dead = counter("outbox_dead_letters_total", "Messages given up on, by channel");

  const jobs = (name: string, help: string, pick: (j: { due: number; late: number }) => number) =>
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      labelNames: ["kind"] as const,
      registers,
      collect() {
        this.reset();
        const now = clock().getTime();
        const rows = store.jobs.overdueJobs(
          new Date(now).toISOString(),
          new Date(now - lateAfterMs).toISOString(),
        );
        for (const j of rows) this.set({ kind: j.kind }, pick(j));
      },
    });
  jobs("jobs_due", "Scheduled jobs due and not run yet, by kind", (j) => j.due);
  jobs(
    "jobs_late",
    `Scheduled jobs due more than ${lateAfterMs / 1000} s ago and not run, by kind`,
    (j) => j.late,
  );

  const pagesSent = new Counter({
    name: `${PREFIX}pages_sent_total`,
    help: "Pages sent to people on duty",
    registers,
  });

  return {
    registry,
    counters: {
      sent: (channel) => sent.inc({ channel }),
      rateLimited: (channel) => limited.inc({ channel }),
      deadLettered: (channel) => dead.inc({ channel }),
    },
    pagesSent,
    scrape: async () => {
      fillResponseTimes();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
