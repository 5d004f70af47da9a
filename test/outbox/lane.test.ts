import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { type ChannelSender, OutboxLane } from "../../src/outbox/lane.ts";
import { verdict } from "../../src/outbox/retry.ts";
import { openDatabase } from "../../src/store/db.ts";
import { type OutboxRow, Store } from "../../src/store/store.ts";

const NOW = new Date("2026-11-21T03:00:00Z");

/** A channel that fails the sends it is told to fail (transiently), and records what it showed. */
function scripted(failTexts: Set<string>) {
  const shown: string[] = [];
  const sender: ChannelSender = {
    channel: "test",
    send: async (row: OutboxRow) => {
      const text = (row.payload as { text: string }).text;
      if (failTexts.has(text)) throw new Error(`cannot send ${text}`);
      shown.push(text);
      return { messageIds: [shown.length] };
    },
    classify: () => ({ kind: "transient" }),
    describe: (error) => String(error),
  };
  return { sender, shown };
}

describe("the outbox lane (one loop for every channel)", () => {
  it("sends rows handed over without reading them back, but never ahead of an earlier row awaiting its retry", async () => {
    const store = new Store(openDatabase(":memory:"));
    const failing = new Set(["một"]);
    const { sender, shown } = scripted(failing);
    let clock = NOW;
    const lane = new OutboxLane(store, sender, createLogger("silent"), {
      baseDelayMs: 1000,
      clock: () => clock,
    });
    const put = (text: string) => ({
      id: store.enqueue(null, "test", "c1", { kind: "chat", text }, clock.toISOString()) ?? 0,
      payload: { kind: "chat", text },
    });
    await lane.sendHanded("c1", [put("một")]);
    expect(shown).toEqual([]); // failed: waits for its retry
    failing.clear();
    await lane.sendHanded("c1", [put("hai")]);
    expect(shown).toEqual([]); // "hai" waits behind "một"
    clock = new Date(NOW.getTime() + 60_000);
    await lane.flushChat("c1");
    expect(shown).toEqual(["một", "hai"]);
    // Nothing waits any more: a handed row goes out at once.
    await lane.sendHanded("c1", [put("ba")]);
    expect(shown).toEqual(["một", "hai", "ba"]);
    store.flushSentMarks();
    expect(store.duePending("test", "9999")).toEqual([]);
  });

  it("one retry policy: the service's wait, else doubling backoff with jitter; dead at a permanent failure or the last attempt", () => {
    const policy = { maxAttempts: 3, baseDelayMs: 1000 };
    expect(verdict(policy, 0, { kind: "transient" }, () => 0)).toEqual({ kind: "retry", delayMs: 500 });
    expect(verdict(policy, 1, { kind: "transient" }, () => 1)).toEqual({ kind: "retry", delayMs: 3000 });
    expect(verdict(policy, 0, { kind: "retryAfter", ms: 7000 })).toEqual({ kind: "retry", delayMs: 7000 });
    expect(verdict(policy, 2, { kind: "transient" })).toEqual({ kind: "dead" });
    expect(verdict(policy, 0, { kind: "permanent" })).toEqual({ kind: "dead" });
    expect(verdict(policy, 5, { kind: "notSent" })).toEqual({ kind: "keep" });
  });
});
