import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";
import { freePort, waitFor } from "./telegram-harness.ts";

// Issue 16: a crash (SIGKILL) between the quick alert and the reporter's next answer loses nothing and makes no
// second ticket. The pattern of restart-delivery.e2e.test.ts: the bot as an operator runs it, killed mid-send.

const dir = mkdtempSync(join(tmpdir(), "incident-alert-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPORTER = 7401;
const GROUP = -1007400;
const SECRET = "alert-restart-secret-0123456789";
const PARAGRAPH =
  "Vừa xong cổng thông tin điện tử tỉnh congthongtin.laichau.gov.vn bị tấn công thay đổi giao diện, " +
  "trang chủ hiện nội dung lạ, hiện vẫn đang diễn ra.";

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

function textUpdate(updateId: number, text: string) {
  const user = { id: REPORTER, is_bot: false, first_name: "An", language_code: "vi" };
  return {
    update_id: updateId,
    message: {
      message_id: 1000 + updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: REPORTER, type: "private", first_name: "An" },
      from: user,
      text,
    },
  };
}

const ticketsIn = (texts: Array<string | undefined>) =>
  texts.flatMap((t) => /Phiếu (SC-\d{4}-\d{6})/.exec(t ?? "")?.[1] ?? []);

describe("a crash right after the quick alert", () => {
  it("SIGKILL while the alert is in flight: after restart one ticket, one duty post, the next answer kept", async () => {
    let blocked = false;
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
    // The report up to the screen "Trợ lý hiểu như sau", on the same database, and a bound duty group.
    const app = createApp(parseConfig(env), createLogger("silent"));
    app.store.bindChat("vncert", "telegram", String(GROUP), "test", new Date().toISOString());
    ["/baocao", PARAGRAPH].forEach((text, i) => {
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
      fetch(env.WEBHOOK_URL, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
      });
    const alert = textUpdate(3, "1"); // 1 = "Gửi cảnh báo nhanh ngay"

    const first = startBot(env);
    try {
      await waitFor(() => first.out().includes("telegram channel started"), "the bot to start", 60_000);
      blocked = true;
      const sendsBefore = api.stats.sendCalls;
      post(alert).catch(() => undefined);
      await waitFor(() => api.stats.sendCalls > sendsBefore, "a send in flight after the commit", 10_000);
    } finally {
      first.child.kill("SIGKILL");
      await first.exited;
    }
    expect(api.visible(GROUP)).toEqual([]);

    blocked = false;
    const second = startBot(env);
    try {
      await waitFor(() => second.out().includes("telegram channel started"), "the bot to restart", 60_000);
      // Telegram delivers the unanswered update again: it must not make a second ticket.
      expect((await post(alert)).status).toBe(200);
      await waitFor(
        () => ticketsIn(api.visible(GROUP).map((m) => m.text)).length > 0,
        "the duty post",
        15_000,
      );
      // The next answer: the reporter's name, asked right after the alert.
      expect((await post(textUpdate(4, "Nguyễn Văn An"))).status).toBe(200);
      await waitFor(
        () => api.visible(REPORTER).some((m) => (m.text ?? "").includes("Chức vụ")),
        "the next question of the profile",
        15_000,
      );
      await new Promise((r) => setTimeout(r, 1500)); // a retry tick or two: nothing more may arrive
      const posts = ticketsIn(api.visible(GROUP).map((m) => m.text));
      expect(posts).toHaveLength(1);
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(dbPath, { readonly: true });
      try {
        expect(db.prepare("SELECT ticket_id, preliminary FROM incidents").all()).toEqual([
          { ticket_id: posts[0], preliminary: 1 },
        ]);
        const stack = JSON.parse(
          (db.prepare("SELECT stack FROM conversations").get() as { stack: string }).stack,
        ) as Array<{ flow: string; snapshot: { context: { answers: Record<string, unknown> } } }>;
        const report = stack.find((e) => e.flow === "report")?.snapshot.context.answers ?? {};
        expect(report).toMatchObject({ type: "defacement", status: "ongoing", description: PARAGRAPH });
        const profile = stack.find((e) => e.flow === "profile")?.snapshot.context.answers ?? {};
        expect(profile).toMatchObject({ fullName: "Nguyễn Văn An" });
      } finally {
        db.close();
      }
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
      await api.close();
    }
  }, 180_000);
});
