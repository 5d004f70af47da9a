import { describe, expect, it } from "vitest";
import { createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { Scheduler } from "../../src/outbox/scheduler.ts";

const NOW = new Date("2026-11-21T03:00:00Z");

describe("the scheduler's job registry", () => {
  it("every product job kind has its owner registered by createApp", async () => {
    const app = createApp(
      parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
      createLogger("silent"),
    );
    expect(app.scheduler.kinds().sort()).toEqual(
      [
        "ack_deadline",
        "alert_period_gaps",
        "draft_expiry",
        "draft_reminder",
        "evidence.download",
        "final_report",
        "legal_deadline",
        "page_next",
        "retention_purge",
        "stale_contacts_reminder",
        "ticket_documents",
        "ticket_unresolved",
      ].sort(),
    );
    await app.close();
  });

  it("a job of a kind nobody registered is logged, audited and set aside, never handed to the engine", async () => {
    const app = createApp(
      parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
      createLogger("silent"),
    );
    const lines: string[] = [];
    const logger = createLogger("error", { write: (line: string) => lines.push(line) });
    const scheduler = new Scheduler({ store: app.store, logger, clock: () => NOW });
    let fired = 0;
    scheduler.on("known", (job) => {
      fired++;
      return { duplicate: !app.store.finishJob(job.id, job.dueAt) };
    });
    const payload = { channel: "telegram", chatId: "1001", userId: "1001" };
    app.store.scheduleJob("typo", "draft_remindr", "2026-11-21T02:00:00Z", payload, NOW.toISOString());
    app.store.scheduleJob("ok", "known", "2026-11-21T02:00:00Z", {}, NOW.toISOString());
    expect(scheduler.runDue()).toBe(1);
    expect(fired).toBe(1);
    expect(app.store.job("typo")?.status).toBe("cancelled");
    expect(app.store.duePending("telegram", "9999")).toEqual([]); // no reminder went to the chat
    expect(lines.join("")).toContain("draft_remindr");
    expect(
      app.store.db
        .prepare("SELECT action, subject, outcome FROM audit_log WHERE action = 'job.unknown_kind'")
        .all(),
    ).toEqual([{ action: "job.unknown_kind", subject: "typo", outcome: "error" }]);
    // Set aside once: the next pass does not see it again.
    expect(scheduler.runDue()).toBe(0);
    expect(lines).toHaveLength(1);
    expect(() => scheduler.on("known", () => ({ duplicate: false }))).toThrow(/twice/);
    await app.close();
  });
});
