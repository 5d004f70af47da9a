import { describe, expect, it } from "vitest";
import { deadLetterNotifier } from "../../src/delivery/dead-letters.ts";
import { createTranslator } from "../../src/i18n.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

function setup() {
  const store = new Store(openDatabase(":memory:"));
  const at = "2026-11-21T03:00:00.000Z";
  store.grantRole("telegram", "42", "admin", "", "cli", at);
  store.grantRole("telegram", "77", "duty", "vncert", "cli", at);
  const notify = deadLetterNotifier({
    store,
    translator: createTranslator("vi"),
    locale: "vi",
    channel: "telegram",
    configAdmins: ["9000", "42"],
    clock: () => new Date(at),
  });
  const id =
    store.enqueue(
      "duty:SC-2026-000001:vncert:-100",
      "telegram",
      "-100",
      { kind: "chat", text: "Bí mật 0912345678" },
      at,
    ) ?? 0;
  const dead = () => store.outboxRow(id);
  const notices = () =>
    store.db
      .prepare(
        "SELECT chat_id AS chat, payload FROM outbox WHERE idempotency_key LIKE 'deadletter:%' ORDER BY chat_id",
      )
      .all() as Array<{ chat: string; payload: string }>;
  return { store, notify, dead, notices };
}

describe("dead letters are reported to the admins", () => {
  it("each admin (configured or granted) is told once, without the message's content", () => {
    const s = setup();
    const row = s.dead();
    if (!row) throw new Error("no row");
    s.notify(row, "403: Forbidden: bot was kicked from the group chat");
    s.notify(row, "403: Forbidden: bot was kicked from the group chat"); // reported twice: queued once
    const notices = s.notices();
    expect(notices.map((n) => n.chat)).toEqual(["42", "9000"]); // not the duty officer 77
    const text = JSON.parse(notices[0]?.payload ?? "{}").text as string;
    expect(text).toContain("bot was kicked");
    expect(text).toContain("-100");
    expect(text).not.toContain("0912345678");
  });

  it("a notice that itself dies is not reported again (no loop)", () => {
    const s = setup();
    const row = s.dead();
    if (!row) throw new Error("no row");
    s.notify(row, "boom");
    const noticeRow = s.store
      .duePending("telegram", "9999")
      .find((r) => r.idempotencyKey?.startsWith("deadletter:"));
    if (!noticeRow) throw new Error("no notice");
    const before = s.notices().length;
    s.notify(noticeRow, "boom again");
    expect(s.notices()).toHaveLength(before);
  });
});
