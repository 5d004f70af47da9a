import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/store/db.ts";
import { SENT_MARK_DELAY_MS, Store } from "../../src/store/store.ts";

const AT = "2026-11-21T03:00:00.000Z";

function setup() {
  const store = new Store(openDatabase(":memory:"));
  const queue = (key: string) => {
    const id = store.enqueue(key, "telegram", "1001", { kind: "chat", text: key }, AT);
    if (id === undefined) throw new Error("not queued");
    return id;
  };
  // What another connection (or a crash) would find: the rows as committed, without asking the store.
  const committed = () =>
    store.db.prepare("SELECT id, status, result FROM outbox ORDER BY id").all() as Array<{
      id: number;
      status: string;
      result: string | null;
    }>;
  return { store, queue, committed };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("sent marks ride on the next write transaction (group commit)", () => {
  it("a mark waits in memory, yet every read through the store already sees the row as sent", () => {
    const { store, queue, committed } = setup();
    const a = queue("a");
    const b = queue("b");
    store.markSent(a, AT, { messageIds: [41] });
    expect(committed().map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(store.pendingForChat("telegram", "1001").map((r) => r.id)).toEqual([b]);
    expect(store.duePending("telegram", AT).map((r) => r.id)).toEqual([b]);
    expect(store.outboxRow(a)?.status).toBe("sent");
    expect(store.outboxRow(b)?.status).toBe("pending");
    // Reading them costs no commit of its own: the marks still wait.
    expect(committed().map((r) => r.status)).toEqual(["pending", "pending"]);
  });

  it("a page of pending rows is never cut short by delivered rows whose marks still wait", () => {
    const { store, queue } = setup();
    const a = queue("a");
    const b = queue("b");
    store.markSent(a, AT);
    expect(store.duePending("telegram", AT, 1).map((r) => r.id)).toEqual([b]);
  });

  it("a read that needs what the channel answered (the message ids) writes the waiting marks first", () => {
    const { store, queue, committed } = setup();
    const a = queue("a");
    store.markSent(a, AT, { messageIds: [41] });
    expect(store.promptByMessage("telegram", "1001", 41)).toBeUndefined();
    expect(committed()[0]).toEqual({ id: a, status: "sent", result: '{"messageIds":[41]}' });
  });

  it("the next transaction commits the waiting marks together with its own writes", () => {
    const { store, queue, committed } = setup();
    const a = queue("a");
    store.markSent(a, AT, { messageIds: [7] });
    store.transaction(() => queue("b"));
    expect(committed().map((r) => r.status)).toEqual(["sent", "pending"]);
  });

  it("a transaction that rolls back keeps the marks for the next one", () => {
    const { store, queue, committed } = setup();
    const a = queue("a");
    store.markSent(a, AT);
    expect(() =>
      store.transaction(() => {
        queue("b");
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(committed().map((r) => r.status)).toEqual(["pending"]);
    store.transaction(() => queue("c"));
    expect(committed().map((r) => r.status)).toEqual(["sent", "pending"]);
  });

  it("with no transaction coming, a timer commits the marks on their own", () => {
    vi.useFakeTimers();
    const { store, queue, committed } = setup();
    store.markSent(queue("a"), AT);
    vi.advanceTimersByTime(SENT_MARK_DELAY_MS - 1);
    expect(committed()[0]?.status).toBe("pending");
    vi.advanceTimersByTime(1);
    expect(committed()[0]?.status).toBe("sent");
  });

  it("after a rolled-back transaction the timer still writes the kept marks", () => {
    vi.useFakeTimers();
    const { store, queue, committed } = setup();
    store.markSent(queue("a"), AT);
    expect(() =>
      store.transaction(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    vi.advanceTimersByTime(SENT_MARK_DELAY_MS);
    expect(committed()[0]?.status).toBe("sent");
  });

  it("inside a transaction a mark is written at once and commits with it", () => {
    const { store, queue, committed } = setup();
    const a = queue("a");
    store.transaction(() => {
      store.markSent(a, AT);
      expect(committed()[0]?.status).toBe("sent");
    });
  });

  it("a queued message already delivered is not rewritten as if it were still waiting", () => {
    const { store, queue } = setup();
    store.markSent(queue("a"), AT);
    expect(store.replacePending("a", { kind: "chat", text: "new" })).toBe(false);
  });

  it("flushing writes the marks (shutdown) and is a no-op when there are none", () => {
    const { store, queue, committed } = setup();
    store.flushSentMarks();
    store.markSent(queue("a"), AT);
    store.flushSentMarks();
    expect(committed()[0]?.status).toBe("sent");
  });
});
