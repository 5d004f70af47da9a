import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { privateTextUpdate, restartRig } from "../support/restart-rig.ts";
import { waitFor } from "./telegram-harness.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPORTER = 7301;
const GROUP = -1007300;
const SECRET = "restart-test-secret-0123456789";

describe("a crash between ticket creation and delivery", () => {
  it("SIGKILL while the confirmation and the duty post are in flight: after restart each arrives exactly once", async () => {
    const dbPath = join(dir, "bot.db");
    const { api, post, seed, crashWhileSending, restart, stop } = await restartRig({
      dbPath,
      secret: SECRET,
    });

    // The report up to its summary, on the same database (its messages count as delivered), and a duty group.
    const walk = ["/start", ...WALL_CLOCK_REPORT_WALK];
    const submit = walk.length; // the last line submits
    await seed(REPORTER, GROUP, walk.slice(0, -1));
    const submitUpdate = privateTextUpdate(REPORTER, submit, walk[submit - 1] ?? "1");

    // Telegram's request for the submitting update: never answered, the bot dies while handling it.
    await crashWhileSending(submitUpdate, 20_000);
    expect(api.visible(REPORTER)).toEqual([]);
    expect(api.visible(GROUP)).toEqual([]);

    const second = await restart(20_000);
    try {
      // Telegram never got an answer for that update, so it delivers it again: it must not make a second ticket.
      expect((await post(submitUpdate)).status).toBe(200);
      const ticketOf = (texts: Array<string | undefined>) =>
        texts.flatMap((t) => /SC-\d{4}-\d{6}/.exec(t ?? "")?.[0] ?? []);
      await waitFor(
        () => ticketOf(api.visible(GROUP).map((m) => m.text)).length > 0,
        "the duty post",
        15_000,
      );
      await waitFor(
        () => ticketOf(api.visible(REPORTER).map((m) => m.text)).length > 0,
        "the confirmation",
        15_000,
      );
      await new Promise((r) => setTimeout(r, 1500)); // a retry loop tick or two: nothing more may arrive
      const posts = ticketOf(api.visible(GROUP).map((m) => m.text));
      expect(posts).toHaveLength(1);
      const confirmations = api.visible(REPORTER).filter((m) => m.text?.includes(posts[0] ?? "never"));
      expect(confirmations.length).toBeGreaterThanOrEqual(1);
      expect(new Set(confirmations.map((m) => m.text)).size).toBe(confirmations.length); // no message twice
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(dbPath, { readonly: true });
      try {
        expect(db.prepare("SELECT ticket_id FROM incidents").all()).toEqual([{ ticket_id: posts[0] }]);
        // Nothing left behind: every message queued by the crashed process goes out. The reporter's copy of the
        // documents is rendered by a job of its own after the confirmation, so it is waited for, not assumed.
        const unsent = db.prepare(
          "SELECT status, count(*) AS n FROM outbox WHERE channel = 'telegram' AND status != 'sent' GROUP BY status",
        );
        await waitFor(() => unsent.all().length === 0, "every queued message sent", 20_000).catch(
          () => undefined,
        );
        expect(unsent.all()).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      await stop(second);
    }
  }, 60_000);
});
