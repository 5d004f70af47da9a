import { describe, expect, it } from "vitest";
import { DutyDesk } from "../../src/duty/desk.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { DocumentMessage } from "../../src/messages.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { createHarness } from "./harness.ts";

function filed() {
  const h = createHarness();
  h.command("start");
  let ticketId = "";
  for (const line of REPORT_WALK) ticketId = h.text(line).ticketId ?? ticketId;
  const documentsTo = (chatId: string) =>
    h.store.db
      .prepare("SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id")
      .all(chatId)
      .map((r) => JSON.parse((r as { payload: string }).payload) as { kind: string })
      .filter((p): p is DocumentMessage => p.kind === "document");
  const denied = () =>
    h.store.db
      .prepare("SELECT actor, subject FROM audit_log WHERE action = 'document.form' AND outcome = 'denied'")
      .all();
  return { h, ticketId, documentsTo, denied };
}

describe("/maubaocao (/form): the initial report as documents, on request", () => {
  it("the reporter gets the DOCX and the PDF", () => {
    const s = filed();
    const answer = s.h.command("maubaocao", s.ticketId);
    expect(answer.messages.map((m) => m.text).join("\n")).toContain("được gửi kèm dưới đây");
    expect(s.documentsTo("1001").map((d) => d.filename)).toEqual([
      `${s.ticketId}-mau03.docx`,
      `${s.ticketId}-mau03.pdf`,
    ]);
  });

  it("an officer of a contact the ticket went to gets them too; anyone else is answered 'not found' and audited", () => {
    const s = filed();
    s.h.store.grantRole("telegram", "700", "duty", "vncert", "telegram:9000", s.h.now().toISOString());
    s.h.command("form", s.ticketId, { userId: "700" });
    expect(s.documentsTo("700")).toHaveLength(2);
    const stranger = s.h.command("form", s.ticketId, { userId: "701" });
    expect(stranger.messages.map((m) => m.text).join("\n")).toContain("Không tìm thấy");
    expect(s.documentsTo("701")).toEqual([]);
    expect(s.denied()).toEqual([{ actor: "telegram:701", subject: s.ticketId }]);
  });

  it("without a ticket id, or with a malformed one, it says how to ask", () => {
    const s = filed();
    expect(s.h.command("maubaocao").messages[0]?.text).toContain("/maubaocao SC-2026-000123");
    expect(s.h.command("maubaocao", "abc").messages[0]?.text).toContain("abc");
    expect(s.documentsTo("1001")).toEqual([]);
  });
});

describe("the initial report to a reporter on a channel without files", () => {
  it("a Zalo reporter is told where to get it, and no file is queued for Zalo", () => {
    const s = filed();
    // The same ticket as if filed from Zalo (the document job reads the reporter's channel from the ticket).
    s.h.store.db
      .prepare("UPDATE incidents SET channel = 'zalo', chat_id = 'z1' WHERE ticket_id = ?")
      .run(s.ticketId);
    const desk = new DutyDesk({
      store: s.h.store,
      translator: createTranslator("vi"),
      timeZone: "Asia/Ho_Chi_Minh",
      defaultLocale: "vi",
      detail: "full",
      configAdmins: {},
      ackDeadlines: { 4: { minutes: 15 }, 3: { minutes: 60 }, 2: { minutes: 240 }, 1: { workingDays: 1 } },
    });
    desk.fanOut(s.h.now(), ["telegram", "zalo"]);
    for (const job of s.h.store.dueJobs(s.h.now().toISOString())) desk.fireJob(job, s.h.now());
    const rows = s.h.store.db
      .prepare("SELECT channel, payload FROM outbox WHERE chat_id = 'z1'")
      .all() as Array<{ channel: string; payload: string }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.channel).toBe("zalo");
    const text = (JSON.parse(rows[0]?.payload ?? "{}") as { kind: string; text: string }).text;
    expect(text).toContain(`/maubaocao ${s.ticketId}`);
    expect(text).toContain("không gửi được tệp");
  });
});
