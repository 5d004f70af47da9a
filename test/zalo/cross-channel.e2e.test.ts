import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { type RunningBot, startTelegram } from "../../src/channels/telegram/run.ts";
import { type RunningZalo, startZalo } from "../../src/channels/zalo/run.ts";
import { parseConfig } from "../../src/config.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { type BotMessage, freePort, TOKEN, waitFor } from "../e2e/telegram-harness.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { FakeZalo } from "../support/fake-zalo.ts";
import { ZaloUser } from "./zalo-harness.ts";

const GROUP = -1009100;
const OFFICER = 9101;

describe("tickets across channels: Telegram and Zalo in one process on one database", () => {
  let telegramApi: TelegramServer;
  let fake: FakeZalo;
  let app: App;
  let telegram: RunningBot;
  let zalo: RunningZalo;
  let dir: string;
  const groupMessages = () =>
    (telegramApi.storage.botMessages as unknown as BotMessage[])
      .filter((m) => String(m.message.chat_id) === String(GROUP))
      .sort((a, b) => a.messageId - b.messageId);

  beforeAll(async () => {
    telegramApi = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await telegramApi.start();
    fake = await new FakeZalo().start();
    fake.configure({ pollCapSeconds: 1 });
    dir = mkdtempSync(join(tmpdir(), "cross-e2e-"));
    app = createApp(
      parseConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: telegramApi.config.apiURL,
        ZALO_BOT_TOKEN: fake.tokens[0] ?? "",
        ZALO_API_ROOT: fake.url,
        PORT: String(await freePort()),
        DATABASE_PATH: join(dir, "bot.db"),
        LOG_LEVEL: "silent",
      }),
      createLogger("silent"),
    );
    zalo = await startZalo(app, { pollTimeoutSeconds: 1, pollIntervalMs: 100, baseDelayMs: 50 });
    telegram = await startTelegram(app, { baseDelayMs: 50, limiter: new RateLimiter({ timeScale: 100 }) });
    app.store.bindChat("vncert", "telegram", String(GROUP), "test", new Date().toISOString());
  });
  afterAll(async () => {
    await zalo.stop();
    await telegram.stop();
    await telegramApi.stop();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a Zalo reporter's ticket reaches the Telegram duty group, is acknowledged there, and the reporter is told on Zalo", async () => {
    const reporter = new ZaloUser({ fake, app }, "f1b2c3d4e5f60718293f");
    await reporter.say("/start");
    for (const line of REPORT_WALK) await reporter.say(line === "hôm nay 08:30" ? "bây giờ" : line);
    const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.lastText())?.[0] ?? "";
    expect(ticketId).not.toBe("");
    await waitFor(
      () => groupMessages().find((m) => m.message.text.includes(ticketId)),
      "the duty post",
      5000,
    );
    const post = groupMessages().find((m) => m.message.text.includes(ticketId));
    const ack = post?.message.reply_markup?.inline_keyboard
      .flat()
      .find((b) => b.callback_data?.endsWith("|ack"));
    expect(ack?.callback_data).toBe(`t.${ticketId}|ack`);

    const seen = reporter.texts().length;
    const officer = telegramApi.getClient(TOKEN, {
      userId: OFFICER,
      chatId: GROUP,
      type: "supergroup",
      chatTitle: "Tổ trực VNCERT",
      firstName: "Trực ban",
    });
    await officer.sendCallback(
      officer.makeCallbackQuery(ack?.callback_data ?? "", {
        message: { message_id: post?.messageId },
      } as never),
    );
    await waitFor(() => reporter.texts().length > seen, "the Zalo reporter's notice", 5000);
    const notice = reporter.textsSince(seen);
    expect(notice).toContain(`Phiếu ${ticketId} đã được Trung tâm Ứng cứu khẩn cấp`);
    expect(notice).not.toMatch(/<\/?b>/);
    expect(app.store.incidentByTicket(ticketId)?.status).toBe("acknowledged");
  });
});
