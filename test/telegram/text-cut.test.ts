import { Bot } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { grammyPort } from "../../src/channels/telegram/grammy.ts";
import { MAX_MESSAGE_CHARS, splitMessage } from "../../src/channels/telegram/render.ts";
import { TelegramSender } from "../../src/channels/telegram/sender.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { clipForHtml, clipText, escapedLength, graphemes, splitHtml } from "../../src/domain/text-cut.ts";
import { escapeHtml } from "../../src/i18n.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";
import { messageError, parseTelegramHtml, textError } from "../support/telegram-rules.ts";

const FAMILY = "👨‍👩‍👧‍👦"; // four people joined by ZWJ: 11 UTF-16 units, one character on screen
const FLAG = "🇻🇳";
const ACCENTED = "e\u0302\u0301"; // ế written with two combining marks

/** The text a reader sees of the parts, as one (HTML decoded, separators ignored). */
const shown = (parts: string[]) =>
  parts.map((p) => (parseTelegramHtml(p) as { text: string }).text.replace(/\n/g, "")).join("");

describe("cutting text on whole characters", () => {
  it("clipText never cuts a surrogate pair, a ZWJ sequence, a flag or a letter from its marks", () => {
    for (const unit of ["🔥", FAMILY, FLAG, ACCENTED]) {
      for (let max = 2; max < 40; max++) {
        const text = `ab${unit.repeat(10)}`;
        const cut = clipText(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(textError(cut)).toBeUndefined();
        const kept = cut.endsWith("…") ? cut.slice(0, -1) : cut;
        expect(graphemes(text).slice(0, graphemes(kept).length).join("")).toBe(kept);
      }
    }
  });

  it("clipForHtml keeps the escaped form within its budget and never leaves a broken entity", () => {
    for (let max = 3; max < 60; max++) {
      const cut = clipForHtml(`a&b<c>"d"${FAMILY}&&&`, max);
      expect(escapedLength(cut)).toBeLessThanOrEqual(max);
      expect(escapeHtml(cut).length).toBe(escapedLength(cut));
      expect(textError(escapeHtml(cut), "HTML")).toBeUndefined();
    }
  });

  it("splitMessage: a line of emoji, entities and marks is split into valid parts that lose nothing", () => {
    // As in issue 11: a prefix and a description of emoji, the cut at 4,000 falling inside one.
    const cases = [
      `Mô tả của người báo cáo: ${"🔥".repeat(1990)}`,
      `<b>Mô tả</b>: ${escapeHtml("A&B<>".repeat(1700))}`,
      `x${FAMILY.repeat(500)}`,
      `${FLAG.repeat(1100)}`,
      `<i>${`${ACCENTED}&amp;`.repeat(900)}</i>`,
    ];
    for (const text of cases) {
      const parts = splitMessage(text);
      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
        expect(textError(part, "HTML")).toBeUndefined();
      }
      expect(shown(parts)).toBe(shown([text]));
    }
  });

  it("splitHtml cuts at paragraph boundaries before lines, and lines before characters", () => {
    const a = "a".repeat(30);
    expect(splitHtml(`${a}\n\n${a}`, 40)).toEqual([a, a]);
    expect(splitHtml(`${a}\n${a}\n\n${a}`, 40)).toEqual([a, a, a]);
    expect(splitHtml(`<b>${"x".repeat(50)}</b>`, 30).every((p) => textError(p, "HTML") === undefined)).toBe(
      true,
    );
  });
});

describe("the fake Bot API refuses what Telegram refuses", () => {
  it("bad HTML, over-long text, lone surrogates and over-long callback data get Telegram's 400", () => {
    expect(textError("a & b", "HTML")).toMatch(/can't parse entities/);
    expect(textError("a &amp b", "HTML")).toMatch(/can't parse entities/);
    expect(textError("p; tail", "HTML")).toBeUndefined();
    expect(textError("<b>open", "HTML")).toMatch(/Can't find end tag/);
    expect(textError("<x>y</x>", "HTML")).toMatch(/Unsupported start tag/);
    expect(textError("<b><i>y</b></i>", "HTML")).toMatch(/Unexpected end tag/);
    expect(textError("x".repeat(4097))).toBe("Bad Request: message is too long");
    // 4,096 after entities is fine, though the HTML is longer.
    expect(textError("&amp;".repeat(4096), "HTML")).toBeUndefined();
    expect(textError("&amp;".repeat(4097), "HTML")).toBe("Bad Request: message is too long");
    expect(textError("half \ud83d")).toBe("Bad Request: strings must be encoded in UTF-8");
    expect(textError("\ude00 half")).toBe("Bad Request: strings must be encoded in UTF-8");
    expect(textError("whole 🔥")).toBeUndefined();
    const button = (data: string) => ({ inline_keyboard: [[{ text: "1", callback_data: data }]] });
    expect(messageError({ text: "ok", reply_markup: button("x".repeat(64)) })).toBeUndefined();
    expect(messageError({ text: "ok", reply_markup: button("x".repeat(65)) })).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    expect(messageError({ text: "ok", reply_markup: button("é".repeat(33)) })).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
  });
});

describe("the sender against the fake Bot API", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function stack() {
    const fake = await FakeBotApi.start({ limits: false });
    const store = new Store(openDatabase(":memory:"));
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot, timeoutSeconds: 2 } });
    const dead: string[] = [];
    const sender = new TelegramSender(store, grammyPort(bot.api), createLogger("silent"), {
      limiter: RateLimiter.unlimited(),
      maxAttempts: 2,
      baseDelayMs: 1,
      onDeadLetter: (_row, error) => dead.push(error),
    });
    cleanups.push(() => fake.close());
    let n = 0;
    const put = (chatId: string, payload: unknown) =>
      store.enqueue(`k${n++}`, "telegram", chatId, payload, new Date().toISOString());
    return { fake, store, sender, dead, put };
  }

  it("a long summary with emoji and entities arrives in valid parts, the buttons on the last", async () => {
    const s = await stack();
    const text = `<b>Tóm tắt</b>\nMô tả của người báo cáo: ${"🔥".repeat(1990)}\nĐơn vị: ${escapeHtml("Sở KH&CN ".repeat(300))}`;
    s.put("1001", { kind: "chat", text, token: "r.summary", choices: [{ value: "submit", label: "Gửi" }] });
    await s.sender.flushChat("1001");
    expect(s.fake.stats.refused).toEqual([]);
    expect(s.dead).toEqual([]);
    const visible = s.fake.visible("1001");
    expect(visible.length).toBeGreaterThan(1);
    expect(visible.at(-1)?.replyMarkup).toBeDefined();
    expect(visible.slice(0, -1).every((m) => m.replyMarkup === undefined)).toBe(true);
    expect(shown(visible.map((m) => m.text ?? ""))).toBe(shown([text]));
  });

  it("an edit longer than one message keeps its buttons and is clipped to valid HTML, not refused", async () => {
    const s = await stack();
    s.put("-1005", {
      kind: "chat",
      text: "Trạng thái: Mới",
      token: "t.SC-2026-000001",
      choices: [{ value: "ack", label: "Tiếp nhận" }],
    });
    await s.sender.flushChat("-1005");
    const long = `${escapeHtml("A&B C ".repeat(1000))}\n\nTrạng thái: <b>Đã tiếp nhận</b>`;
    s.put("-1005", {
      kind: "edit",
      messageRef: "1",
      text: long,
      token: "t.SC-2026-000001",
      choices: [{ value: "take", label: "Nhận xử lý" }],
    });
    await s.sender.flushChat("-1005");
    expect(s.fake.stats.refused).toEqual([]);
    const post = s.fake.visible("-1005")[0];
    expect(post?.edits).toBe(1);
    expect(textError(post?.text, "HTML")).toBeUndefined();
    expect(post?.text).toContain("Trạng thái: <b>Đã tiếp nhận</b>");
    expect(JSON.stringify(post?.replyMarkup)).toContain("take");
  });
});

describe("the end-to-end harness checks what the emulator lets through", () => {
  it("a message Telegram would refuse, sent to telegram-test-api, is reported", async () => {
    const { TelegramServer } = await import("telegram-test-api/lib/telegramServer.js");
    const { freePort, watchTelegramRules } = await import("../e2e/telegram-harness.ts");
    const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1" });
    await server.start();
    try {
      const refused = watchTelegramRules(server);
      const call = (method: string, body: unknown) =>
        fetch(`${server.config.apiURL}/bot123:abc/${method}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      await call("sendMessage", { chat_id: 5, text: "ok <b>bold</b>", parse_mode: "HTML" });
      expect(refused).toEqual([]);
      await call("sendMessage", { chat_id: 5, text: "Sở KH&amp", parse_mode: "HTML" });
      await call("editMessageText", {
        chat_id: 5,
        message_id: 1,
        text: "🔥".repeat(2049),
        parse_mode: "HTML",
      });
      expect(refused).toHaveLength(2);
      expect(refused[0]).toMatch(/can't parse entities/);
      expect(refused[1]).toMatch(/message is too long/);
    } finally {
      await server.stop();
    }
  });
});
