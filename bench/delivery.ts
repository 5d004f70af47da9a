/**
 * Delivery benchmark: 1,000 routed notifications to 20 duty groups and 200 private chats, through the real
 * TelegramSender + RateLimiter + grammY client, from a real SQLite outbox on disk (WAL), to the fake Bot API
 * enforcing Telegram's limits (it answers 429 when one is exceeded). A program, not a test: run alone with
 * `npx tsx bench/delivery.ts`, or as part of `npm run bench`. Prints readable lines, then one JSON line.
 *
 * Time scale: the limits are sped up by BENCH_DELIVERY_SCALE (default 3) in the fake and in the limiter
 * alike, so the run takes ~11 s instead of ~33 s. Rates are reported in Telegram time (real rate ÷ scale), so
 * rate_vs_allowed does not depend on the scale, except that each request's round trip on loopback (a few
 * milliseconds, not scaled) is a slightly larger share of a scaled window.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Bot } from "grammy";
import { createLogger } from "../src/app.ts";
import { grammyPort } from "../src/channels/telegram/grammy.ts";
import { TelegramSender } from "../src/channels/telegram/sender.ts";
import { RateLimiter, TELEGRAM_LIMITS, type TelegramLimits } from "../src/delivery/rate-limiter.ts";
import type { ChatMessage } from "../src/messages.ts";
import { openDatabase } from "../src/store/db.ts";
import { Store } from "../src/store/store.ts";
import { FakeBotApi } from "../test/support/fake-bot-api.ts";

export interface DeliveryBenchResult {
  delivered: number;
  lost: number;
  duplicates: number;
  calls: number;
  fraction_429: number;
  rate_vs_allowed: number;
}

const NOTIFICATIONS = 1000;
const GROUPS = 20;
const PRIVATES = 200;

/**
 * The mix: two notifications in five are duty-group posts (a routed ticket with its buttons), the other
 * three go to private chats (reporters and duty officers). 400 posts, 20 per group, and 600 private messages,
 * 3 per chat, interleaved as they would be committed.
 */
function notifications(): Array<{ chatId: string; payload: ChatMessage }> {
  const out: Array<{ chatId: string; payload: ChatMessage }> = [];
  let g = 0;
  let p = 0;
  for (let i = 0; i < NOTIFICATIONS; i++) {
    const id = `SC-2026-${String(i + 1).padStart(6, "0")}`;
    if (i % 5 < 2) {
      const chatId = String(-1001_000_000_000 - (g++ % GROUPS));
      out.push({
        chatId,
        payload: {
          kind: "chat",
          text: `🚨 <b>Phiếu ${id}</b> · mức độ <b>Cao</b>\nLoại: mã độc · Đơn vị: Sở TT&amp;TT\n${"Mô tả sự cố. ".repeat(12)}`,
          token: `d.${id}`,
          choices: [
            { value: "ack", label: "Tiếp nhận" },
            { value: "take", label: "Nhận xử lý" },
          ],
        },
      });
    } else {
      const chatId = String(700_000_000 + (p++ % PRIVATES));
      out.push({
        chatId,
        payload: {
          kind: "chat",
          text: `Phiếu <b>${id}</b> đã được chuyển tới đơn vị trực. ${"·".repeat(40)}`,
        },
      });
    }
  }
  return out;
}

/**
 * The shortest span (first send to last, Telegram ms) Telegram's limits allow for these per-chat counts: the
 * largest of what the overall window, each chat's rate (with its burst) and each group's minute window force.
 * A lower bound on the span, so the allowed rate derived from it is an upper bound: the ratio is conservative.
 */
export function shortestSpanMs(
  perChat: Map<string, number>,
  limits: TelegramLimits = TELEGRAM_LIMITS,
): number {
  const total = [...perChat.values()].reduce((a, b) => a + b, 0);
  // ≤ globalPerSecond sends in any second: send k comes at least a second after send k − globalPerSecond.
  let span = Math.floor((total - 1) / limits.globalPerSecond) * 1000;
  const interval = 1000 / limits.perChatPerSecond;
  const tolerance = (limits.perChatBurst - 1) * interval;
  for (const [chatId, n] of perChat) {
    // Earliest times of the chat's sends under GCRA and, for a group, the minute window.
    const times: number[] = [];
    let tat = 0;
    for (let k = 0; k < n; k++) {
      let t = Math.max(times.at(-1) ?? 0, tat - tolerance);
      if (chatId.startsWith("-") && times.length >= limits.groupPerMinute) {
        t = Math.max(t, (times[times.length - limits.groupPerMinute] as number) + 60_000);
      }
      times.push(t);
      tat = Math.max(tat, t) + interval;
    }
    span = Math.max(span, times.at(-1) ?? 0);
  }
  return span;
}

/** Runs the delivery benchmark once and prints its lines; returns the headline figures. */
export async function runDeliveryBench(
  scale = Number(process.env.BENCH_DELIVERY_SCALE ?? 3),
): Promise<DeliveryBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "incident-delivery-bench-"));
  const db = openDatabase(join(dir, "delivery.db"));
  const store = new Store(db);
  const fake = await FakeBotApi.start({ timeScale: scale });
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  const sender = new TelegramSender(store, grammyPort(bot.api), createLogger("silent"), {
    limiter: new RateLimiter({ timeScale: scale }),
    baseDelayMs: 200 / scale,
  });
  try {
    const mix = notifications();
    const perChat = new Map<string, number>();
    for (const m of mix) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    const at = new Date().toISOString();
    db.transaction(() => {
      for (const [i, m] of mix.entries()) store.enqueue(`bench-${i}`, "telegram", m.chatId, m.payload, at);
    })();
    console.log(
      `delivery: ${NOTIFICATIONS} notifications, ${GROUPS} duty groups × ${((NOTIFICATIONS / 5) * 2) / GROUPS} posts + ` +
        `${PRIVATES} private chats × ${((NOTIFICATIONS / 5) * 3) / PRIVATES}, fake Bot API enforcing 30/s overall, ` +
        `1/s per chat (burst ${TELEGRAM_LIMITS.perChatBurst}), 20/min per group; limits sped up ×${scale} in the fake and the limiter; ` +
        `outbox on disk (WAL)`,
    );

    const began = performance.now();
    sender.start(Math.max(5, 100 / scale));
    await sender.flushAll();
    const pending = () => store.duePending("telegram", "9999-12-31T00:00:00Z", 1).length;
    while (pending() > 0 && performance.now() - began < 600_000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    sender.stop();
    await sender.drain();
    const wallMs = performance.now() - began;

    const expected = new Set(mix.map((m) => m.payload.text));
    const seen = new Map<string, number>();
    for (const chat of fake.chats()) {
      for (const m of fake.visible(chat))
        if (m.text !== undefined) seen.set(m.text, (seen.get(m.text) ?? 0) + 1);
    }
    const delivered = [...expected].filter((t) => seen.has(t)).length;
    const duplicates = [...seen.values()].reduce((a, n) => a + n - 1, 0);
    const inOrder = [...perChat.keys()].every((chat) => {
      const want = mix.filter((m) => m.chatId === chat).map((m) => m.payload.text);
      return JSON.stringify(fake.visible(chat).map((m) => m.text)) === JSON.stringify(want);
    });
    const span = fake.acceptedSpan();
    const achievedSpanMs = span ? (span.last - span.first) * scale : Number.NaN; // Telegram ms
    const boundSpanMs = shortestSpanMs(perChat);
    const achievedRate = delivered / (achievedSpanMs / 1000);
    const allowedRate = NOTIFICATIONS / (boundSpanMs / 1000);
    const stats = fake.stats;
    const tooMany = stats.limit429 + stats.injected["429"];
    const status = db.prepare("SELECT status, count(*) AS n FROM outbox GROUP BY status").all();

    console.log(
      `  ${delivered} delivered in ${(wallMs / 1000).toFixed(1)} s wall (${(achievedSpanMs / 1000).toFixed(1)} s of ` +
        `Telegram time from first to last send); the limits allow it in ${(boundSpanMs / 1000).toFixed(1)} s at best ` +
        `(${allowedRate.toFixed(1)}/s vs ${achievedRate.toFixed(1)}/s achieved)`,
    );
    console.log(
      `  send calls ${stats.sendCalls}, 429 answers ${tooMany} (global ${stats.limit429By.global}, chat ` +
        `${stats.limit429By.chat}, group ${stats.limit429By.group}), each chat in order: ${inOrder ? "yes" : "NO"}, ` +
        `outbox ${JSON.stringify(status)}`,
    );
    const result: DeliveryBenchResult = {
      delivered,
      lost: NOTIFICATIONS - delivered,
      duplicates,
      calls: stats.sendCalls,
      fraction_429: Number((tooMany / Math.max(1, stats.sendCalls)).toFixed(4)),
      rate_vs_allowed: Number((achievedRate / allowedRate).toFixed(3)),
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    sender.stop();
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runDeliveryBench();
}
