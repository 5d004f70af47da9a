import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { privateTextUpdate, restartRig } from "../support/restart-rig.ts";
import { waitFor } from "./telegram-harness.ts";

// Issue 16: a crash (SIGKILL) between the quick alert and the reporter's next answer loses nothing and makes no
// second ticket. The pattern of restart-delivery.e2e.test.ts: the bot as an operator runs it, killed mid-send.

const dir = mkdtempSync(join(tmpdir(), "incident-alert-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPORTER = 7401;
const GROUP = -1007400;
const SECRET = "alert-restart-secret-0123456789";
const PARAGRAPH =
  "Vừa xong cổng thông tin điện tử tỉnh congthongtin.laichau.gov.vn bị tấn công thay đổi giao diện, " +
  "trang chủ hiện nội dung lạ, hiện vẫn đang diễn ra.";

const ticketsIn = (texts: Array<string | undefined>) =>
  texts.flatMap((t) => /Phiếu (SC-\d{4}-\d{6})/.exec(t ?? "")?.[1] ?? []);

describe("a crash right after the quick alert", () => {
  it("SIGKILL while the alert is in flight: after restart one ticket, one duty post, the next answer kept", async () => {
    const dbPath = join(dir, "bot.db");
    const { api, post, seed, crashWhileSending, restart, stop } = await restartRig({
      dbPath,
      secret: SECRET,
    });
    // The report up to the screen "Trợ lý hiểu như sau", on the same database, and a bound duty group.
    await seed(REPORTER, GROUP, ["/baocao", PARAGRAPH]);
    const textUpdate = (updateId: number, text: string) =>
      privateTextUpdate(REPORTER, updateId, text, 1000 + updateId);
    const alert = textUpdate(3, "1"); // 1 = "Gửi cảnh báo nhanh ngay"

    await crashWhileSending(alert, 60_000);
    expect(api.visible(GROUP)).toEqual([]);

    const second = await restart(60_000);
    try {
      // Telegram delivers the unanswered update again: it must not make a second ticket.
      expect((await post(alert)).status).toBe(200);
      await waitFor(
        () => ticketsIn(api.visible(GROUP).map((m) => m.text)).length > 0,
        "the duty post",
        15_000,
      );
      // The next answer: the reporter's name, asked right after the alert.
      expect((await post(textUpdate(4, "Nguyễn Văn An"))).status).toBe(200);
      await waitFor(
        () => api.visible(REPORTER).some((m) => (m.text ?? "").includes("Chức vụ")),
        "the next question of the profile",
        15_000,
      );
      await new Promise((r) => setTimeout(r, 1500)); // a retry tick or two: nothing more may arrive
      const posts = ticketsIn(api.visible(GROUP).map((m) => m.text));
      expect(posts).toHaveLength(1);
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(dbPath, { readonly: true });
      try {
        expect(db.prepare("SELECT ticket_id, preliminary FROM incidents").all()).toEqual([
          { ticket_id: posts[0], preliminary: 1 },
        ]);
        const stack = JSON.parse(
          (db.prepare("SELECT stack FROM conversations").get() as { stack: string }).stack,
        ) as Array<{ flow: string; snapshot: { context: { answers: Record<string, unknown> } } }>;
        const report = stack.find((e) => e.flow === "report")?.snapshot.context.answers ?? {};
        expect(report).toMatchObject({ type: "defacement", status: "ongoing", description: PARAGRAPH });
        const profile = stack.find((e) => e.flow === "profile")?.snapshot.context.answers ?? {};
        expect(profile).toMatchObject({ fullName: "Nguyễn Văn An" });
      } finally {
        db.close();
      }
    } finally {
      await stop(second);
    }
  }, 180_000);
});
