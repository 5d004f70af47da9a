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
import { acceptDocuments, type BotMessage, freePort, TOKEN, waitFor } from "../e2e/telegram-harness.ts";
import { WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { FakeZalo } from "../support/fake-zalo.ts";
import { ZaloUser } from "./zalo-harness.ts";

const GROUP = -1009100;
const OFFICER = 9101;
const TG_REPORTER = 9102;
const ZALO_GROUP = "a0a1a2a3a4a5a6a7a8a9";
const ZALO_OFFICER = "0f1e2d3c4b5a69788796";
const ZALO_STRANGER = "9f8e7d6c5b4a39281706";

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
    // The Telegram reporter receives the Form 03 documents, as on Telegram itself (the emulator has no
    // sendDocument): without it their retries would hold up the reporter's later messages.
    acceptDocuments(telegramApi);
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

  /** Telegram messages the bot sent to a chat, in order. */
  const telegramTexts = (chatId: number) =>
    (telegramApi.storage.botMessages as unknown as BotMessage[])
      .filter((m) => String(m.message.chat_id) === String(chatId))
      .sort((a, b) => a.messageId - b.messageId)
      .map((m) => m.message.text);
  const processedTelegram = () =>
    (
      app.db.prepare("SELECT count(*) AS n FROM processed_updates WHERE channel = 'telegram'").get() as {
        n: number;
      }
    ).n;
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
    for (const line of WALL_CLOCK_REPORT_WALK) await reporter.say(line);
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
    // Other messages may reach the reporter meanwhile (where to get the Form 03 document): wait for this one.
    await waitFor(
      () => reporter.textsSince(seen).includes(`Phiếu ${ticketId} đã được`),
      "the Zalo reporter's notice",
      5000,
    );
    const notice = reporter.textsSince(seen);
    expect(notice).toContain(`Phiếu ${ticketId} đã được Trung tâm Ứng cứu khẩn cấp`);
    expect(notice).not.toMatch(/<\/?b>/);
    expect(app.store.incidentByTicket(ticketId)?.status).toBe("acknowledged");
  });

  it("a Telegram reporter's ticket reaches a Zalo duty chat as numbered actions; the officer replies 1 and the reporter is told on Telegram; a stranger's command changes nothing and is audited", async () => {
    app.store.bindChat("vncert", "zalo", ZALO_GROUP, "test", new Date().toISOString());
    const client = telegramApi.getClient(TOKEN, {
      userId: TG_REPORTER,
      chatId: TG_REPORTER,
      type: "private",
    });
    const from = { id: TG_REPORTER, is_bot: false, first_name: "Lan", language_code: "vi" };
    const say = async (text: string) => {
      const before = processedTelegram();
      if (text.startsWith("/")) await client.sendCommand(client.makeCommand(text, { from } as never));
      else await client.sendMessage(client.makeMessage(text, { from } as never));
      await waitFor(
        () =>
          processedTelegram() > before &&
          app.store.pendingForChat("telegram", String(TG_REPORTER)).length === 0,
        `"${text}" applied and answered`,
      );
    };
    await say("/start");
    for (const line of WALL_CLOCK_REPORT_WALK) await say(line);
    const ticketId = /SC-\d{4}-\d{6}/.exec(telegramTexts(TG_REPORTER).at(-1) ?? "")?.[0] ?? "";
    expect(ticketId).not.toBe("");

    const post = await waitFor(
      () => fake.outbox(ZALO_GROUP).find((e) => String(e.params.text).includes(ticketId)),
      "the duty post in the Zalo group",
      5000,
    );
    const postText = String(post.params.text);
    expect(postText).toMatch(/\n1\. .+\n2\. /);
    expect(postText).toContain("gõ số thứ tự hoặc nội dung lựa chọn");
    expect(postText).not.toMatch(/<\/?b>/);

    // A stranger (no duty role, not in the duty chat) tries to take the ticket from a private chat.
    const stranger = new ZaloUser({ fake, app }, ZALO_STRANGER, "Người lạ");
    await stranger.say(`/xuly ${ticketId}`);
    expect(app.store.incidentByTicket(ticketId)?.status).toBe("new");
    const denied = app.db
      .prepare("SELECT action FROM audit_log WHERE actor = ? AND outcome = 'denied'")
      .all(`zalo:${ZALO_STRANGER}`) as Array<{ action: string }>;
    expect(denied.map((d) => d.action)).toContain("ticket.take");

    // The officer answers the post in the group (Zalo delivers a reply to the assistant's message) with "1".
    const seen = telegramTexts(TG_REPORTER).length;
    const { update } = await fake.inject({
      type: "text",
      chat_type: "GROUP",
      chat_id: ZALO_GROUP,
      from: { id: ZALO_OFFICER, display_name: "Trực ban Zalo" },
      text: "1",
    });
    await waitFor(
      () =>
        app.db
          .prepare("SELECT 1 FROM processed_updates WHERE channel = 'zalo' AND dedupe_key = ?")
          .get(String(update.message.message_id)),
      "the officer's reply applied",
    );
    expect(app.store.incidentByTicket(ticketId)?.status).toBe("acknowledged");
    // The reporter's documents may arrive meanwhile: wait for the notice itself.
    await waitFor(
      () => telegramTexts(TG_REPORTER).slice(seen).join("\n").includes(`Phiếu <b>${ticketId}</b> đã được`),
      "the Telegram reporter's notice",
      5000,
    );
    expect(telegramTexts(TG_REPORTER).slice(seen).join("\n")).toContain(`Phiếu <b>${ticketId}</b> đã được`);
  });
});
