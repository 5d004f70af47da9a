import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bot } from "grammy";
import { Telegraf } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { grammyPort } from "../../src/channels/telegram/grammy.ts";
import { errorCode, retryAfterSeconds, type TelegramPort } from "../../src/channels/telegram/port.ts";
import { TelegramSender } from "../../src/channels/telegram/sender.ts";
import { telegrafPort } from "../../src/channels/telegram/telegraf.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { openDatabase } from "../../src/store/db.ts";
import { type OutboxRow, Store } from "../../src/store/store.ts";
import { FakeBotApi, type FakeBotApiOptions } from "../support/fake-bot-api.ts";

/** Telegram's limits sped up 20×: a group's minute is 3 s, a chat's second 50 ms. */
const SCALE = 20;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real sender, limiter and grammY client against the fake Bot API, on an SQLite file (WAL). */
async function stack(
  fakeOptions: FakeBotApiOptions,
  senderOptions: { maxAttempts?: number; onDeadLetter?: (row: OutboxRow, error: string) => void } = {},
) {
  // A dropped request is cut after 300 ms, so the client learns of it without a timeout of its own.
  const fake = await FakeBotApi.start({ timeScale: SCALE, dropCutAfterMs: 300, ...fakeOptions });
  const dir = mkdtempSync(join(tmpdir(), "incident-delivery-"));
  const db = openDatabase(join(dir, "outbox.db"));
  const store = new Store(db);
  // The client timeout is longer than the whole test: it must never fire, because a timeout cannot tell an
  // unprocessed request from one the fake processed late on a loaded machine (that one would be sent twice).
  // The fake's injected faults all strike before processing, so "exactly once" below is the outbox's promise.
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot, timeoutSeconds: 120 } });
  const sender = new TelegramSender(store, grammyPort(bot.api), createLogger("silent"), {
    limiter: new RateLimiter({ timeScale: SCALE }),
    baseDelayMs: 20,
    maxAttempts: senderOptions.maxAttempts ?? 40,
    ...(senderOptions.onDeadLetter ? { onDeadLetter: senderOptions.onDeadLetter } : {}),
  });
  cleanups.push(async () => {
    sender.stop();
    await sender.drain();
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let key = 0;
  const enqueue = (chatId: string, payload: unknown) =>
    store.enqueue(`m${key++}`, "telegram", chatId, payload, new Date().toISOString());
  const statuses = () =>
    db.prepare("SELECT status, count(*) AS n FROM outbox GROUP BY status ORDER BY status").all();
  /** Runs the delivery loop until nothing is pending. */
  const deliver = async (timeoutMs = 45_000) => {
    sender.start(10);
    await sender.flushAll();
    const start = Date.now();
    while (store.duePending("telegram", "9999-12-31T00:00:00Z", 1).length > 0) {
      if (Date.now() - start > timeoutMs)
        throw new Error(`outbox not delivered: ${JSON.stringify(statuses())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    sender.stop();
    await sender.drain();
  };
  return { fake, store, db, enqueue, deliver, statuses };
}

// About 5 s alone (the groups' minute window is 3 s here), 11 s measured under load: the limits are ceilings on
// waits for conditions, well above either.
describe("delivery through a faulty Bot API", { timeout: 60_000 }, () => {
  it("with 500s, 429s, dropped and cut requests: every message visible exactly once, in each chat's order", async () => {
    const s = await stack({
      random: { seed: 5, p500: 0.06, p429: 0.04, pDrop: 0.02, pReset: 0.03 },
      injectedRetryAfter: 1,
    });
    const privates = Array.from({ length: 8 }, (_, i) => String(5000 + i));
    // 25 posts to a group is more than its 20 a minute: the last five wait for the window.
    const groups = ["-1001000000001", "-1001000000002", "-1001000000003"];
    const expected = new Map<string, string[]>();
    for (let round = 0; round < 25; round++) {
      for (const chat of [...groups, ...(round < 10 ? privates : [])]) {
        const text = `${chat} #${round}`;
        s.enqueue(chat, { kind: "chat", text });
        expected.set(chat, [...(expected.get(chat) ?? []), text]);
      }
    }
    // A reporter's file copied into a duty group, as a reply to the group's first post.
    s.enqueue(groups[0] as string, { kind: "copy", fromChatId: "5000", messageRef: "77", replyTo: "1" });
    const total = 3 * 25 + 8 * 10 + 1;

    await s.deliver();

    for (const [chat, texts] of expected) {
      expect(
        s.fake
          .visible(chat)
          .filter((m) => m.copyOf === undefined)
          .map((m) => m.text),
      ).toEqual(texts);
    }
    const copies = s.fake.chats().flatMap((c) => s.fake.visible(c).filter((m) => m.copyOf));
    expect(copies).toMatchObject([{ copyOf: { fromChatId: "5000", messageId: 77 }, replyTo: 1 }]);
    expect(s.fake.visible(groups[0] as string).at(-1)?.copyOf).toBeDefined(); // after the posts queued before it
    expect(s.statuses()).toEqual([{ status: "sent", n: total }]);
    expect(s.fake.stats.accepted).toBe(total);
    // Every kind of fault struck, and the limiter kept the fake's own limits: it never had to refuse a send.
    expect(s.fake.stats.injected["500"]).toBeGreaterThan(0);
    expect(s.fake.stats.injected["429"]).toBeGreaterThan(0);
    expect(s.fake.stats.injected.drop).toBeGreaterThan(0);
    expect(s.fake.stats.injected.reset).toBeGreaterThan(0);
    expect(s.fake.stats.limit429).toBe(0);
  });

  it("an edit lost to a fault is retried and applied once", async () => {
    const s = await stack({ schedule: { 2: "drop", 3: "reset", 4: "500", 5: "429" } });
    s.enqueue("6000", { kind: "chat", text: "Câu hỏi" });
    s.enqueue("6000", { kind: "edit", messageRef: "1", text: "Câu hỏi ✔️" });
    s.enqueue("6000", { kind: "chat", text: "Câu tiếp theo" });
    await s.deliver();
    expect(s.fake.visible("6000").map((m) => [m.text, m.edits])).toEqual([
      ["Câu hỏi ✔️", 1],
      ["Câu tiếp theo", 0],
    ]);
    expect(s.fake.stats.injected).toEqual({ "500": 1, "429": 1, drop: 1, reset: 1 });
    expect(s.statuses()).toEqual([{ status: "sent", n: 3 }]);
  });

  it("a message that keeps failing is dead-lettered after maxAttempts, reported once, and the chat goes on", async () => {
    const dead: Array<{ row: OutboxRow; error: string }> = [];
    let poisonCalls = 0;
    const s = await stack(
      {
        faultFor: (call) => {
          if (call.text !== "poison") return undefined;
          poisonCalls++;
          return "500";
        },
      },
      { maxAttempts: 4, onDeadLetter: (row, error) => dead.push({ row, error }) },
    );
    s.enqueue("7000", { kind: "chat", text: "before" });
    const poison = s.enqueue("7000", { kind: "chat", text: "poison" });
    s.enqueue("7000", { kind: "chat", text: "after" });
    await s.deliver();
    expect(s.fake.visible("7000").map((m) => m.text)).toEqual(["before", "after"]);
    expect(poisonCalls).toBe(4);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.row.id).toBe(poison);
    expect(dead[0]?.error).toBe("Internal Server Error");
    expect(s.db.prepare("SELECT status, attempts FROM outbox WHERE id = ?").get(poison)).toEqual({
      status: "dead",
      attempts: 4,
    });
  });
});

describe("both runtimes' ports against the fake Bot API", () => {
  const runtimes: Array<[string, (fake: FakeBotApi) => TelegramPort]> = [
    ["grammY", (fake) => grammyPort(new Bot(fake.token, { client: { apiRoot: fake.apiRoot } }).api)],
    [
      "Telegraf",
      (fake) => telegrafPort(new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } }).telegram),
    ],
  ];

  for (const [name, makePort] of runtimes) {
    it(`${name}: replies, opens the reply field, copies; a 429's retry_after and code are read`, async () => {
      const fake = await FakeBotApi.start({ schedule: { 4: "429" }, injectedRetryAfter: 9 });
      cleanups.push(() => fake.close());
      const port = makePort(fake);
      const first = await port.sendMessage(-100123, "Phiếu SC-1", { parse_mode: "HTML" });
      await port.sendMessage(-100123, "Hỏi thêm: <b>IP?</b>", {
        parse_mode: "HTML",
        reply_parameters: { message_id: first.message_id, allow_sending_without_reply: true },
        reply_markup: { force_reply: true, selective: true },
      });
      const copy = await port.copyMessage(-100123, 5000, 77, {
        reply_parameters: { message_id: first.message_id, allow_sending_without_reply: true },
      });
      expect(copy.message_id).toBe(3);
      expect(fake.visible(-100123)).toMatchObject([
        { messageId: 1, text: "Phiếu SC-1" },
        { messageId: 2, replyTo: 1, replyMarkup: { force_reply: true, selective: true } },
        { messageId: 3, copyOf: { fromChatId: "5000", messageId: 77 }, replyTo: 1 },
      ]);
      const error = await port.sendMessage(1, "x", { parse_mode: "HTML" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(retryAfterSeconds(error)).toBe(9);
      expect(errorCode(error)).toBe(429);
    });
  }
});
