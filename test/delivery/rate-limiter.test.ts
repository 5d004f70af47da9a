import { describe, expect, it } from "vitest";
import {
  LimiterAbortedError,
  RateLimiter,
  type RateLimiterOptions,
} from "../../src/delivery/rate-limiter.ts";
import { manualTime } from "../support/manual-time.ts";

/** A limiter on manual time, and a log of when each send ran (sends take no time unless told). */
function setup(options: RateLimiterOptions = {}) {
  const time = manualTime();
  const limiter = new RateLimiter({ now: time.now, setTimer: time.setTimer, ...options });
  const log: Array<{ chat: string; n: number; at: number }> = [];
  const send = (chat: string, n: number, backlog = 0, takesMs = 0) =>
    limiter.run(
      chat,
      async () => {
        log.push({ chat, n, at: time.now() });
        if (takesMs > 0) await new Promise<void>((resolve) => time.setTimer(resolve, takesMs));
      },
      { backlog },
    );
  return {
    time,
    limiter,
    log,
    send,
    times: (chat: string) => log.filter((e) => e.chat === chat).map((e) => e.at),
  };
}

describe("the rate limiter", () => {
  it("lets a chat have a short burst, then one send a second, in order", async () => {
    const s = setup();
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => s.send("1001", n)));
    await s.time.advance(10_000);
    await all;
    expect(s.log.map((e) => e.n)).toEqual([1, 2, 3, 4, 5]);
    expect(s.times("1001")).toEqual([0, 0, 0, 1000, 2000]);
  });

  it("with a burst of 1, keeps the strict one-a-second rule", async () => {
    const s = setup({ limits: { perChatBurst: 1 } });
    const all = Promise.all([1, 2, 3].map((n) => s.send("1001", n)));
    await s.time.advance(10_000);
    await all;
    expect(s.times("1001")).toEqual([0, 1000, 2000]);
  });

  it("counts a send from when it finished, so a slow answer pushes the chat's next send later", async () => {
    const s = setup({ limits: { perChatBurst: 1 } });
    const all = Promise.all([s.send("1001", 1, 1, 300), s.send("1001", 2)]);
    await s.time.advance(5000);
    await all;
    expect(s.times("1001")).toEqual([0, 1300]);
  });

  it("lets 30 sends a second through across chats, the rest in the next second", async () => {
    const s = setup();
    const chats = Array.from({ length: 45 }, (_, i) => String(2000 + i));
    const all = Promise.all(chats.map((c) => s.send(c, 1)));
    await s.time.advance(0);
    expect(s.log).toHaveLength(30);
    await s.time.advance(999);
    expect(s.log).toHaveLength(30);
    await s.time.advance(1);
    await all;
    expect(s.log).toHaveLength(45);
    // Equal backlogs: first come, first served.
    expect(s.log.map((e) => e.chat)).toEqual(chats);
  });

  it("lets a group have 20 sends a minute; the 21st waits for the first ones to leave the window", async () => {
    const s = setup();
    const all = Promise.all(Array.from({ length: 22 }, (_, i) => s.send("-1001234", i + 1, 21 - i)));
    await s.time.advance(59_999);
    expect(s.log).toHaveLength(20);
    await s.time.advance(1);
    // The three sends of the opening burst leave the window together; the chat's burst allows two at once.
    expect(s.times("-1001234").slice(20)).toEqual([60_000, 60_000]);
    await s.time.advance(10_000);
    await all;
    expect(s.log.map((e) => e.n)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    const times = s.times("-1001234");
    for (const t of times)
      expect(times.filter((u) => u > t - 60_000 && u <= t).length).toBeLessThanOrEqual(20);
  });

  it("a group held by its minute window holds no private chat back", async () => {
    const s = setup();
    const group = Promise.all(Array.from({ length: 21 }, (_, i) => s.send("-100", i + 1)));
    await s.time.advance(30_000);
    expect(s.times("-100")).toHaveLength(20);
    const at = 30_000;
    const privates = Promise.all(["1", "2", "3"].map((c) => s.send(c, 1)));
    await s.time.advance(0);
    expect(s.log.filter((e) => e.chat !== "-100").map((e) => e.at)).toEqual([at, at, at]);
    await s.time.advance(60_000);
    await Promise.all([group, privates]);
    expect(s.times("-100")).toHaveLength(21);
  });

  it("under a saturated overall limit, serves the longest backlog first", async () => {
    const s = setup({ limits: { globalPerSecond: 1 } });
    // The first send takes the second's only slot; the next three queue behind it.
    const all = Promise.all([s.send("0", 1, 0), s.send("1", 1, 0), s.send("2", 1, 5), s.send("3", 1, 2)]);
    await s.time.advance(5000);
    await all;
    expect(s.log.map((e) => e.chat)).toEqual(["0", "2", "3", "1"]);
  });

  it("yet a chat with nothing more to send never waits past maxWait behind long backlogs", async () => {
    const s = setup({ limits: { globalPerSecond: 2, perChatBurst: 1 }, maxWaitMs: 5000 });
    // Four chats with long backlogs keep the overall limit saturated, each sending as fast as allowed.
    const busy = ["11", "12", "13", "14"].map(async (chat) => {
      for (let n = 0; n < 40; n++) await s.send(chat, n, 40 - n);
    });
    await s.time.advance(0);
    const short = s.send("99", 1, 0);
    await s.time.advance(7000);
    const waited = s.times("99");
    expect(waited).toHaveLength(1);
    expect(waited[0]).toBeGreaterThan(0); // it did wait behind the long backlogs
    expect(waited[0]).toBeLessThanOrEqual(5000 + 1000);
    await s.time.advance(200_000);
    await Promise.all([...busy, short]);
  });

  it("divides every window by the time scale", async () => {
    const s = setup({ timeScale: 10, limits: { perChatBurst: 1 } });
    const chat = Promise.all([1, 2, 3].map((n) => s.send("1001", n)));
    const group = Promise.all(Array.from({ length: 21 }, (_, i) => s.send("-5", i)));
    await s.time.advance(60_000);
    await Promise.all([chat, group]);
    expect(s.times("1001")).toEqual([0, 100, 200]);
    expect(s.times("-5")[20]).toBe(6000);
  });

  it("abortWaiting rejects the sends still waiting; the one in flight finishes", async () => {
    const s = setup({ limits: { perChatBurst: 1 } });
    const first = s.send("1001", 1, 1, 500);
    const second = s.send("1001", 2);
    const secondResult = second.then(
      () => "sent",
      (e: unknown) => e,
    );
    await s.time.advance(100);
    s.limiter.abortWaiting();
    await s.time.advance(1000);
    await first;
    expect(await secondResult).toBeInstanceOf(LimiterAbortedError);
    expect(s.log.map((e) => e.n)).toEqual([1]);
    expect(s.limiter.waiting).toBe(0);
  });

  it("random mixes of chats and groups never break a limit, lose a send or reorder a chat", async () => {
    for (const seed of [1, 2, 3]) {
      let x = seed;
      const rand = () => {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        return x / 2 ** 31;
      };
      const s = setup({ timeScale: 2 });
      const chats = [
        ...Array.from({ length: 6 }, (_, i) => `-10${i}`),
        ...Array.from({ length: 40 }, (_, i) => `${i + 1}`),
      ];
      const expected = new Map<string, number>();
      const sends: Array<Promise<void>> = [];
      for (let k = 0; k < 600; k++) {
        const chat = chats[Math.floor(rand() * chats.length)] as string;
        const n = (expected.get(chat) ?? 0) + 1;
        expected.set(chat, n);
        sends.push(s.send(chat, n, Math.floor(rand() * 10)));
        if (rand() < 0.3) await s.time.advance(Math.floor(rand() * 200));
      }
      await s.time.advance(3_600_000);
      await Promise.all(sends);
      expect(s.log).toHaveLength(600);
      const at = s.log.map((e) => e.at);
      for (const t of at) expect(at.filter((u) => u > t - 500 && u <= t).length).toBeLessThanOrEqual(30);
      for (const chat of chats) {
        const mine = s.log.filter((e) => e.chat === chat);
        expect(mine.map((e) => e.n)).toEqual(
          Array.from({ length: expected.get(chat) ?? 0 }, (_, i) => i + 1),
        );
        // GCRA, checked as Telegram would: k+1 sends in any span of d ms need k+1 <= burst + d / interval.
        for (let i = 0; i < mine.length; i++) {
          for (let j = i; j < mine.length; j++) {
            const d = (mine[j]?.at ?? 0) - (mine[i]?.at ?? 0);
            expect(j - i + 1).toBeLessThanOrEqual(3 + Math.floor(d / 500));
          }
        }
        if (chat.startsWith("-")) {
          const times = mine.map((e) => e.at);
          for (const t of times)
            expect(times.filter((u) => u > t - 30_000 && u <= t).length).toBeLessThanOrEqual(20);
        }
      }
    }
  });
});
