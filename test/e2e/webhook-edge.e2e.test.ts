import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, createLogger } from "../../src/app.ts";
import { type RunningBot, startTelegram } from "../../src/channels/telegram/run.ts";
import { parseConfig } from "../../src/config.ts";
import { freePort, SECRET, TOKEN, waitFor } from "./telegram-harness.ts";

describe.each(["grammy", "telegraf"] as const)("%s webhook: the edge", (framework) => {
  let server: TelegramServer;
  let bot: RunningBot;
  let dir: string;
  let port: number;
  let logged = "";
  const processed = () => count();
  let count: () => number;

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    dir = mkdtempSync(join(tmpdir(), "incident-edge-"));
    port = await freePort();
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        logged += chunk.toString();
        done();
      },
    });
    const app = createApp(
      parseConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: server.config.apiURL,
        TELEGRAM_FRAMEWORK: framework,
        TELEGRAM_MODE: "webhook",
        WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        DATABASE_PATH: join(dir, "bot.db"),
      }),
      createLogger("info", sink),
    );
    count = () => (app.db.prepare("SELECT count(*) AS n FROM processed_updates").get() as { n: number }).n;
    bot = await startTelegram(app);
  }, 30_000);
  afterAll(async () => {
    await bot.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string, secret: string | null = SECRET) =>
    fetch(`http://127.0.0.1:${port}/telegram/hook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
      },
      body,
    });

  it("checks the secret before reading the body: malformed JSON without the secret is 401", async () => {
    const response = await post("{not json", null);
    expect(response.status).toBe(401);
  });

  it("answers 200 to malformed updates with the secret, processes none, logs them without personal data", async () => {
    const before = processed();
    const chat = { id: 4242, type: "private", first_name: "Nguyễn Văn Bí Mật" };
    const from = { id: 4242, is_bot: false, first_name: "Nguyễn Văn Bí Mật" };
    const malformed = [
      "null",
      JSON.stringify({
        update_id: 1 + Math.floor(Math.random() * 1e6),
        message: { message_id: 1, date: 1, from, text: "a" },
      }),
      JSON.stringify({ update_id: 2e6, message: { message_id: 1, date: 1, chat, text: "0912345678" } }),
      JSON.stringify({ update_id: 3e6, message: { message_id: 1, date: 1, chat, from, text: 12345 } }),
      JSON.stringify({ message: { message_id: 1, date: 1, chat, from, text: "không có update_id" } }),
      JSON.stringify({ update_id: "x", message: { message_id: 1, date: 1, chat, from, text: "a" } }),
    ];
    for (const body of malformed) {
      const response = await post(body);
      const text = await response.text();
      expect(response.status, body).toBe(200);
      expect(text).not.toMatch(/Error|trim|middleware/);
    }
    await waitFor(
      () => (logged.match(/malformed update/g) ?? []).length >= malformed.length,
      "the log lines",
    );
    expect(processed()).toBe(before);
    expect(logged).not.toContain("Bí Mật");
    expect(logged).not.toContain("0912345678");
    expect(logged).not.toContain("không có update_id");
  });

  it("never answers with internal error text", async () => {
    const response = await post("{broken", SECRET);
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).not.toMatch(/FST_|Unexpected token|SyntaxError/);
  });
});
