import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";
import { freePort, waitFor } from "./telegram-harness.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPORTER = 7301;
const GROUP = -1007300;
const SECRET = "restart-test-secret-0123456789";

/** The bot as an operator runs it (`incident-bot start`, webhook mode), in its own process. */
function startBot(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, out: () => stdout };
}

/** A private text message from the reporter, as Telegram posts it to the webhook. */
function textUpdate(updateId: number, text: string) {
  const user = { id: REPORTER, is_bot: false, first_name: "An", language_code: "vi" };
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: REPORTER, type: "private", first_name: "An" },
      from: user,
      text,
    },
  };
}

describe("a crash between ticket creation and delivery", () => {
  it("SIGKILL while the confirmation and the duty post are in flight: after restart each arrives exactly once", async () => {
    let blocked = false;
    // While blocked, every send is swallowed before Telegram would process it: the bot's request hangs.
    const api = await FakeBotApi.start({ limits: false, faultFor: () => (blocked ? "drop" : undefined) });
    const dbPath = join(dir, "bot.db");
    const port = await freePort();
    const env = {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      TELEGRAM_MODE: "webhook",
      WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      DATABASE_PATH: dbPath,
      LOG_LEVEL: "info",
    };

    // The report up to its summary, on the same database (its messages count as delivered), and a duty group.
    const app = createApp(parseConfig(env), createLogger("silent"));
    app.store.bindChat("vncert", "telegram", String(GROUP), "test", new Date().toISOString());
    // On the wall clock "hôm nay 08:30" is in the future before 08:30; "bây giờ" is valid at any hour.
    const walk = ["/start", ...REPORT_WALK.map((line) => (line === "hôm nay 08:30" ? "bây giờ" : line))];
    const submit = walk.length; // the last line submits
    walk.slice(0, -1).forEach((text, i) => {
      app.engine.handle({
        channel: "telegram",
        chatId: String(REPORTER),
        userId: String(REPORTER),
        chatType: "private",
        languageCode: "vi",
        dedupeKey: String(i + 1),
        at: new Date(),
        payload: text.startsWith("/")
          ? { kind: "command", command: text.slice(1), args: "" }
          : { kind: "text", text },
      });
    });
    app.db.prepare("UPDATE outbox SET status = 'sent', result = '{\"messageIds\":[1]}'").run();
    await app.close();

    const post = (update: object) =>
      fetch(`${env.WEBHOOK_URL}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      });
    const submitUpdate = textUpdate(submit, walk[submit - 1] ?? "1");

    const first = startBot(env);
    try {
      await waitFor(() => first.out().includes("telegram channel started"), "the bot to start", 20_000);
      blocked = true;
      const sendsBefore = api.stats.sendCalls;
      // Telegram's request for the submitting update: never answered, the bot dies while handling it.
      post(submitUpdate).catch(() => undefined);
      await waitFor(() => api.stats.sendCalls > sendsBefore, "a send in flight after the commit", 10_000);
    } finally {
      first.child.kill("SIGKILL");
      await first.exited;
    }
    expect(api.visible(REPORTER)).toEqual([]);
    expect(api.visible(GROUP)).toEqual([]);

    blocked = false;
    const second = startBot(env);
    try {
      await waitFor(() => second.out().includes("telegram channel started"), "the bot to restart", 20_000);
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
      second.child.kill("SIGTERM");
      await second.exited;
      await api.close();
    }
  }, 60_000);
});
