/**
 * Randomized (seeded, reproducible) reports whose every free-text answer mixes emoji (ZWJ sequences, flags,
 * skin tones), combining marks, `&<>` and long runs, at random lengths up to the validators' limits and beyond,
 * filed through the real engine, the duty desk and the Telegram sender against the fake Bot API, which refuses
 * what Telegram refuses. Every ticket must reach its duty groups with a status line and buttons, nothing may be
 * dead-lettered, and every reporter must get the summary with its submit button and be able to submit.
 *
 * Another seed: TEXT_FUZZ_SEED=123 npx vitest run test/delivery/text-fuzz.test.ts
 */
import { Bot } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { grammyPort } from "../../src/channels/telegram/grammy.ts";
import { TelegramSender } from "../../src/channels/telegram/sender.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import type { DutyDesk } from "../../src/duty/desk.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { ADMIN, dutyRig } from "../support/duty-rig.ts";
import { FakeBotApi, mulberry32, type VisibleMessage } from "../support/fake-bot-api.ts";
import { textError } from "../support/telegram-rules.ts";

const SEED = Number(process.env.TEXT_FUZZ_SEED ?? 20261128);
const REPORTERS = 5;
/** Duty groups, one per organisation a ticket is routed to. */
const GROUPS: Record<string, string> = { vncert: "-1001000000001", provincial: "-1001000000002" };

/** Free-text answers of REPORT_WALK by position, with the validators' limits (code points). */
const FREE_TEXT: Record<number, { min: number; max: number }> = {
  0: { min: 2, max: 300 }, // system
  4: { min: 10, max: 4000 }, // description
  17: { min: 2, max: 200 }, // operator
  18: { min: 2, max: 200 }, // owner
  23: { min: 2, max: 100 }, // full name
  24: { min: 2, max: 100 }, // title
  25: { min: 2, max: 200 }, // organisation
  26: { min: 5, max: 300 }, // address
};
/** Answers tried over the limit first (they must be refused and asked again, losing nothing). */
const TRY_OVER = new Set([0, 4, 25]);

const WORDS = [
  "Sở",
  "máy chủ",
  "Hệ thống",
  "bị",
  "tấn công",
  "Nguyễn Thị Ánh",
  "dữ liệu",
  "Phường",
  "ỷ",
  "Đắk",
];
const EMOJI = ["🔥", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇻🇳", "🇯🇵", "👍🏽", "❤️", "🧑🏿‍💻", "⚠️", "😀"];
const MARKS = ["e\u0302\u0301", "a\u0323", "Z\u0335\u0336\u0337", "o\u031b\u0300", "\u0e01\u0e34\u0e48"];
const SPECIAL = ["&", "<", ">", "&amp;", "<b>", "</i>", '"', "A&B", "&lt;", "&#x1F525;", "a&&b"];

/** A text of about `length` code points, mixing every kind of piece. */
function randomText(rnd: () => number, length: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  let out = pick(WORDS);
  while ([...out].length < length) {
    const kind = rnd();
    const piece =
      kind < 0.2
        ? pick(WORDS)
        : kind < 0.45
          ? pick(EMOJI)
          : kind < 0.6
            ? pick(MARKS)
            : kind < 0.8
              ? pick(SPECIAL)
              : kind < 0.9
                ? pick([...EMOJI, ...SPECIAL, ...MARKS, "x"]).repeat(1 + Math.floor(rnd() * 300))
                : " ";
    out += rnd() < 0.5 ? ` ${piece}` : piece;
  }
  // Cut to the length in code points (a cut inside a ZWJ sequence is something a person can paste too).
  return [...out].slice(0, length).join("").trim() || "Sở";
}

/** A length for an answer: short, medium, exactly at the limit, or near it. */
function randomLength(rnd: () => number, { min, max }: { min: number; max: number }): number {
  const r = rnd();
  if (r < 0.3) return max;
  if (r < 0.5) return Math.max(min + 5, max - Math.floor(rnd() * 20));
  return min + 5 + Math.floor(rnd() * (max - min - 5));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe(`randomized report texts (seed ${SEED})`, () => {
  it("every report reaches its duty groups with status and buttons, nothing dead-lettered, every reporter submits", async () => {
    const rnd = mulberry32(SEED);
    const fake = await FakeBotApi.start({ limits: false });
    const { h, desk, event, bind } = dutyRig();
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot, timeoutSeconds: 5 } });
    const dead: string[] = [];
    const sender = new TelegramSender(h.store, grammyPort(bot.api), createLogger("silent"), {
      limiter: RateLimiter.unlimited(),
      maxAttempts: 3,
      baseDelayMs: 1,
      onDeadLetter: (row, error) => dead.push(`${row.chatId}: ${error}`),
    });
    cleanups.push(() => fake.close());
    const duty = (
      chatId: string,
      payload: Parameters<DutyDesk["handle"]>[0]["payload"],
      messageRef?: string,
    ) => event(payload, { userId: ADMIN, userName: "Trực ban", chatId, messageRef });
    for (const [contact, group] of Object.entries(GROUPS))
      bind(contact, { chatId: group, userName: "Trực ban" });
    const hasButton = (m: VisibleMessage | undefined, value: string) =>
      JSON.stringify(m?.replyMarkup ?? {}).includes(`|${value}"`);

    const tickets: string[] = [];
    for (let r = 0; r < REPORTERS; r++) {
      const userId = String(7000 + r);
      const who = { userId, chatId: userId };
      h.command("start", "", who);
      for (const [i, line] of REPORT_WALK.slice(0, -1).entries()) {
        const limits = FREE_TEXT[i];
        if (limits && TRY_OVER.has(i)) {
          // Composed letters (e + marks → ế) count as one once normalized: padded until really over.
          let over = randomText(rnd, limits.max + 1 + Math.floor(rnd() * 300));
          while ([...over.normalize("NFC").trim()].length <= limits.max) over += "🔥".repeat(50);
          const refused = h.text(over, who);
          expect(
            refused.messages.map((m) => m.text).join("\n"),
            `seed ${SEED}: over-long answer ${i}`,
          ).toContain(`tối đa ${limits.max}`);
        }
        h.text(limits ? randomText(rnd, randomLength(rnd, limits)) : line, who);
      }
      await sender.flushChat(userId);
      // The summary's last part carries the submit button; pressing it (its callback data as sent) files the ticket.
      const summary = fake.visible(userId).findLast((m) => hasButton(m, "submit"));
      expect(
        summary,
        `seed ${SEED}: reporter ${userId} got the summary with its submit button`,
      ).toBeDefined();
      const data =
        JSON.stringify(summary?.replyMarkup).match(/"callback_data":"([^"|]+)\|submit"/)?.[1] ?? "";
      const submitted = h.press(data, "submit", who);
      expect(submitted.ticketId, `seed ${SEED}: reporter ${userId} submitted`).toBeDefined();
      tickets.push(submitted.ticketId ?? "");
      await sender.flushChat(userId);
    }

    desk.fanOut(new Date(h.now().getTime() + 61_000));
    for (const group of Object.values(GROUPS)) await sender.flushChat(group);
    // Killed after the first ticket's post reached vncert's group but before it was recorded: sent again at start.
    const group0 = GROUPS.vncert ?? "";
    const first = tickets[0] ?? "";
    const copy = fake.visible(group0).find((m) => m.text?.includes(first));
    // Deliveries are group-committed (store/tx.ts): the post's sent mark may still wait in memory for its 10 ms
    // timer, and the store's pending reads leave such a row out. The raw write below must not race that timer
    // (a waiting mark hid the reset row, so whether it was sent again depended on how fast the sends were):
    // the mark is written first, then undone as a crash before the record would have left it.
    h.store.flushSentMarks();
    const postStatus = h.store.db.prepare(
      "SELECT status FROM outbox WHERE idempotency_key LIKE ? AND chat_id = ?",
    );
    expect(postStatus.all(`duty:${first}:%`, group0)).toEqual([{ status: "sent" }]);
    h.store.db
      .prepare(
        "UPDATE outbox SET status = 'pending', result = NULL WHERE idempotency_key LIKE ? AND chat_id = ?",
      )
      .run(`duty:${first}:%`, group0);
    await sender.flushChat(group0);
    h.store.flushSentMarks();
    expect(postStatus.all(`duty:${first}:%`, group0)).toEqual([{ status: "sent" }]);
    expect(copy?.replyMarkup).toBeDefined();
    expect(fake.visible(group0).filter((m) => m.text?.includes(first) && hasButton(m, "ack"))).toHaveLength(
      2,
    );
    // A press on the first copy changes nothing, says so, and takes that copy's buttons away.
    duty(group0, { kind: "action", ticketId: first, action: "ack" }, String(copy?.messageId));
    await sender.flushChat(group0);
    expect(h.store.incidentByTicket(first)?.status).toBe("new");
    expect(fake.visible(group0).at(-1)?.text).toContain("đã cũ");
    expect(hasButton(copy, "ack")).toBe(false);
    for (const ticketId of tickets) {
      const incident = h.store.incidentByTicket(ticketId);
      const routed = incident?.routing.destinations.map((d) => d.contactId) ?? [];
      expect(routed.length, `seed ${SEED}: ${ticketId} routed`).toBeGreaterThan(0);
      for (const contact of routed) {
        const group = GROUPS[contact] ?? "";
        const post = fake.visible(group).findLast((m) => m.text?.includes(ticketId) && hasButton(m, "ack"));
        expect(post?.text ?? "(never posted)", `seed ${SEED}: ${ticketId} in ${contact}'s group`).toContain(
          "Trạng thái:",
        );
        expect(hasButton(post, "ack"), `seed ${SEED}: ${ticketId} has its buttons`).toBe(true);
        // Acting on it edits the same message, which keeps its status.
        duty(group, { kind: "action", ticketId, action: "ack" }, String(post?.messageId));
        await sender.flushChat(group);
        expect(post?.text).toContain("Trạng thái: <b>Đã được tiếp nhận</b>");
        expect(hasButton(post, "resolve")).toBe(true);
      }
    }
    for (const chat of fake.chats()) {
      for (const m of fake.visible(chat)) if (m.text) expect(textError(m.text, "HTML")).toBeUndefined();
    }
    expect(fake.stats.refused, `seed ${SEED}`).toEqual([]);
    expect(dead, `seed ${SEED}`).toEqual([]);
    const deadRows = h.store.db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'dead'").get();
    expect(deadRows).toEqual({ n: 0 });
  }, 30_000);
});
