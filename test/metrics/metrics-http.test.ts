import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { type ChannelSender, OutboxLane } from "../../src/outbox/lane.ts";
import { startHttpServer } from "../../src/server/http.ts";
import { WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { TestChannel } from "../inbound/test-channel.ts";
import { find, parseExposition } from "../support/prometheus-text.ts";

const apps: App[] = [];
const servers: FastifyInstance[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const app of apps.splice(0)) await app.close();
});

function newApp(): App {
  const app = createApp(
    parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
    createLogger("silent"),
  );
  apps.push(app);
  return app;
}

/** The app's HTTP server as `start` runs it (/healthz and /metrics), on a free port. */
async function serve(app: App): Promise<string> {
  const server = await startHttpServer({
    port: 0,
    health: () => app.store.ping(),
    metrics: () => app.metrics.scrape(),
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
}

async function scrape(base: string) {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

const REPORTER = { chatId: "u1", userId: "u1" };
const ROOM = { chatId: "room", userId: "boss", group: true };
const OFFICER = { chatId: "room", userId: "o1", group: true };

/** A sender that is rate-limited on its first attempt and refused for good on its second. */
class FlakySender implements ChannelSender {
  readonly channel = "flaky";
  private attempts = 0;
  async send(): Promise<unknown> {
    this.attempts++;
    throw new Error(this.attempts === 1 ? "429" : "403");
  }
  classify(error: unknown) {
    return (error as Error).message === "429"
      ? ({ kind: "retryAfter", ms: 0 } as const)
      : ({ kind: "permanent" } as const);
  }
  describe(error: unknown): string {
    return (error as Error).message;
  }
}

describe("/metrics (Prometheus text, one registry per app)", () => {
  it("after a ticket is filed and acknowledged through the router: its state, response time per unit, sends", async () => {
    const app = newApp();
    const base = await serve(app);
    let now = Date.now() - 3_600_000;
    // An hour ago, one second further for every line typed (the metrics' ages are measured against real time).
    const channel = new TestChannel(app, () => {
      now += 1000;
      return new Date(now);
    });
    app.store.grantRole("testchat", "boss", "admin", "", "test", new Date().toISOString());
    for (const contact of ["vncert", "ncsc", "provincial"]) await channel.type(ROOM, `/bind ${contact}`);
    await channel.type(REPORTER, "/start");
    let ticketId = "";
    for (const line of WALL_CLOCK_REPORT_WALK)
      ticketId = (await channel.type(REPORTER, line)).ticketId ?? ticketId;
    const post = channel.chats.get("room")?.find((m) => m.text.includes(ticketId));
    now += 41_000; // the officer answers 42 s after the last line typed
    await channel.type(OFFICER, "1", post?.id);
    const incident = app.store.incidentByTicket(ticketId);
    expect(incident?.status).toBe("acknowledged");
    const units = incident?.routing.destinations.map((d) => d.contactId) ?? [];
    expect(units.length).toBeGreaterThan(0);
    const ackAt = app.store.timeline(incident?.id ?? 0).find((e) => e.action === "acknowledged")?.at ?? "";
    const ackSeconds = (Date.parse(ackAt) - Date.parse(incident?.createdAt ?? "")) / 1000;
    expect(ackSeconds).toBeGreaterThanOrEqual(42);

    // Jobs: two due (one of them more than a minute ago: late), one not due yet.
    const at = new Date().toISOString();
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    app.store.scheduleJob("probe:1", "probe", ago(120_000), {}, at);
    app.store.scheduleJob("probe:2", "probe", ago(5_000), {}, at);
    app.store.scheduleJob("probe:3", "probe", ago(-3_600_000), {}, at);
    // A message for a channel with no sender: it waits, queued two minutes ago.
    app.store.enqueue(null, "zalo", "z1", { kind: "chat", text: "x" }, ago(120_000));
    // A message that meets a 429, then a refusal: one rate-limited answer and one dead letter.
    const flaky = new OutboxLane(app.store, new FlakySender(), app.logger, {
      ...app.laneOptions,
      onDeadLetter: () => {},
    });
    app.store.enqueue(null, "flaky", "f1", { kind: "chat", text: "x" }, ago(1000));
    await flaky.flushChat("f1");
    await flaky.flushChat("f1");

    const m = await scrape(base);
    expect(m.types.get("incident_bot_tickets")).toBe("gauge");
    expect(m.types.get("incident_bot_ticket_acknowledge_seconds")).toBe("histogram");
    expect(m.types.get("incident_bot_ticket_resolve_seconds")).toBe("histogram");
    expect(m.types.get("incident_bot_outbox_sent_total")).toBe("counter");

    expect(find(m, "incident_bot_tickets").filter((s) => s.value > 0)).toEqual([
      {
        name: "incident_bot_tickets",
        labels: { state: "acknowledged", severity: String(incident?.severity) },
        value: 1,
      },
    ]);
    const ackCounts = find(m, "incident_bot_ticket_acknowledge_seconds_count");
    expect(ackCounts.map((s) => s.labels.unit).sort()).toEqual([...units].sort());
    for (const unit of units) {
      expect(find(m, "incident_bot_ticket_acknowledge_seconds_count", { unit })[0]?.value).toBe(1);
      expect(find(m, "incident_bot_ticket_acknowledge_seconds_sum", { unit })[0]?.value).toBe(ackSeconds);
      expect(find(m, "incident_bot_ticket_acknowledge_seconds_bucket", { unit, le: "300" })[0]?.value).toBe(
        1,
      );
      expect(find(m, "incident_bot_ticket_acknowledge_seconds_bucket", { unit, le: "60" })[0]?.value).toBe(
        ackSeconds <= 60 ? 1 : 0,
      );
    }
    // Not resolved: no resolve time observed.
    expect(find(m, "incident_bot_ticket_resolve_seconds_count").filter((s) => s.value > 0)).toEqual([]);

    app.store.flushSentMarks();
    const sent = (
      app.db
        .prepare("SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND channel = 'testchat'")
        .get() as {
        n: number;
      }
    ).n;
    expect(sent).toBeGreaterThan(3);
    expect(find(m, "incident_bot_outbox_sent_total", { channel: "testchat" })[0]?.value).toBe(sent);
    expect(find(m, "incident_bot_outbox_rate_limited_total", { channel: "flaky" })[0]?.value).toBe(1);
    expect(find(m, "incident_bot_outbox_dead_letters_total", { channel: "flaky" })[0]?.value).toBe(1);
    expect(find(m, "incident_bot_outbox_pending", { channel: "zalo" })[0]?.value).toBe(1);
    const age = find(m, "incident_bot_outbox_oldest_pending_age_seconds", { channel: "zalo" })[0]?.value;
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(180);
    // Everything for the test channel went out (the dead letter is not pending either).
    expect(find(m, "incident_bot_outbox_pending", { channel: "testchat" })).toEqual([]);
    expect(find(m, "incident_bot_outbox_pending", { channel: "flaky" })).toEqual([]);
    expect(find(m, "incident_bot_jobs_due", { kind: "probe" })[0]?.value).toBe(2);
    expect(find(m, "incident_bot_jobs_late", { kind: "probe" })[0]?.value).toBe(1);
    expect(find(m, "incident_bot_pages_sent_total")).toEqual([
      { name: "incident_bot_pages_sent_total", labels: {}, value: 0 },
    ]);

    // No label carries a chat id, a user id, a name or a ticket id.
    const values = m.samples.flatMap((s) => Object.values(s.labels));
    for (const personal of ["u1", "o1", "boss", "room", "z1", "f1", ticketId])
      expect(values, personal).not.toContain(personal);
    expect(values.join(" ")).not.toMatch(/Nguyễn|Người dùng|SC-\d/);

    // /healthz still checks the database.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    app.db.close();
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });

  it("two apps in one process keep their own figures (no global registry)", async () => {
    const first = newApp();
    const second = newApp();
    first.laneOptions.counters?.sent("telegram");
    const [a, b] = await Promise.all([serve(first), serve(second)]);
    expect(find(await scrape(a), "incident_bot_outbox_sent_total", { channel: "telegram" })[0]?.value).toBe(
      1,
    );
    expect(find(await scrape(b), "incident_bot_outbox_sent_total", { channel: "telegram" })).toEqual([]);
  });
});
