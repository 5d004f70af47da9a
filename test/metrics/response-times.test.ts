import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { find, parseExposition } from "../support/prometheus-text.ts";

describe("response-time histograms from the timeline", () => {
  it("count the first acknowledgement per routed unit, and are rebuilt at most once a minute", async () => {
    const db = openDatabase(":memory:");
    const store = new Store(db);
    let now = Date.parse("2026-11-21T03:00:00Z");
    const metrics = createMetrics({ store, clock: () => new Date(now) });
    const created = "2026-11-21T02:00:00.000Z";
    const { row } = store.insertIncident({
      ticketId: "SC-2026-000001",
      submissionKey: "k1",
      channel: "telegram",
      chatId: "1",
      reporterUserId: "1",
      reporterLocale: "vi",
      incidentType: "malware",
      severity: 3,
      severityReasons: [],
      serious: false,
      answers: {},
      routing: {
        destinations: [
          { contactId: "vncert", contactVersion: 1, kinds: [], rules: [] },
          { contactId: "provincial", contactVersion: 1, kinds: [], rules: [] },
        ],
        advice: [],
        firedRules: [],
      },
      status: "new",
      detectedAt: created,
      createdAt: created,
    });
    const scrape = async () => parseExposition((await metrics.scrape()).body);
    const acks = async () =>
      find(await scrape(), "incident_bot_ticket_acknowledge_seconds_sum").map((s) => [
        s.labels.unit,
        s.value,
      ]);
    expect(await acks()).toEqual([]);

    store.addTimeline(row.id, "2026-11-21T02:10:00.000Z", "o1", "acknowledged");
    store.addTimeline(row.id, "2026-11-21T02:30:00.000Z", "o1", "in_progress");
    now += 30_000;
    expect(await acks()).toEqual([]); // within the minute: the last figures
    now += 30_000;
    expect((await acks()).sort()).toEqual([
      ["provincial", 600],
      ["vncert", 600],
    ]);
    db.close();
  });
});
