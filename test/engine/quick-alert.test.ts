import { describe, expect, it } from "vitest";
import { createHarness } from "./harness.ts";

// 10:00 in Hà Nội on 21/11/2026: "sáng nay 8h" is two hours earlier.
const NOW = new Date("2026-11-21T03:00:00Z");
const PARAGRAPH =
  "Sáng nay 8h cổng thông tin điện tử tỉnh congthongtin.laichau.gov.vn bị tấn công thay đổi giao diện, trang chủ hiện nội dung lạ, hiện vẫn đang diễn ra.";

function incidents(h: ReturnType<typeof createHarness>) {
  return h.db.prepare("SELECT ticket_id, preliminary, severity FROM incidents").all() as Array<{
    ticket_id: string;
    preliminary: number;
    severity: number;
  }>;
}

describe("quick alert from an opening paragraph", () => {
  it("reads the paragraph, shows what was understood and sends a preliminary ticket in one press", () => {
    const h = createHarness({ now: NOW });
    h.command("baocao");
    const read = h.text(PARAGRAPH);
    const all = read.messages.map((m) => m.text).join("\n---\n");
    expect(all).toContain("Trợ lý hiểu như sau");
    // Advice up front: defacement, ongoing.
    expect(all).toContain("Việc cần làm ngay");
    const screen = h.lastQuestion(read.messages);
    expect(screen?.choices?.map((c) => c.value)).toEqual(["alert", "yes", "correct"]);
    expect(incidents(h)).toEqual([]);
    const sent = h.press(screen?.token ?? "", "alert");
    expect(sent.ticketId).toMatch(/^SC-2026-/);
    expect(incidents(h)).toEqual([
      { ticket_id: sent.ticketId, preliminary: 1, severity: expect.any(Number) },
    ]);
    expect(sent.messages.map((m) => m.text).join("\n")).toContain("SƠ BỘ");
    // The duty desk has the routed ticket waiting.
    expect(h.store.duePending("duty", NOW.toISOString(), 10).length).toBeGreaterThan(0);
  });
});

describe("confirming without the alert", () => {
  it("the questions the paragraph answered are skipped: the system is not asked again (issue 16, item 7)", () => {
    const h = createHarness({ now: NOW });
    h.command("baocao");
    const read = h.text(PARAGRAPH);
    const next = h.press(h.lastQuestion(read.messages)?.token ?? "", "yes");
    expect(h.draft()?.answers).toMatchObject({
      type: "defacement",
      status: "ongoing",
      description: PARAGRAPH,
      domains: ["congthongtin.laichau.gov.vn"],
    });
    // The paragraph cannot tell whose system it is (the sector decides whether the report is ours): asked next.
    expect(h.lastQuestion(next.messages)?.token).toBe("r.ownerSector");
    // The quick alert stays one press away on the questions that follow.
    expect(h.lastQuestion(next.messages)?.choices?.at(-1)?.value).toBe("_alert");
    expect(h.lastQuestion(h.text("1").messages)?.token).toBe("r.detection");
    expect(h.store.incidentsByReporter("telegram", "1001")).toHaveLength(0);
  });

  it("'correct' lists the facts read; picking one asks that question, then the report goes on", () => {
    const h = createHarness({ now: NOW });
    h.command("baocao");
    const read = h.text(PARAGRAPH);
    const pick = h.press(h.lastQuestion(read.messages)?.token ?? "", "correct");
    const screen = h.lastQuestion(pick.messages);
    expect(screen?.token).toBe("r.correctPick");
    expect(screen?.choices?.map((c) => c.value)).toContain("detectedAt");
    const asked = h.press("r.correctPick", "detectedAt");
    expect(h.lastQuestion(asked.messages)?.token).toBe("r.detectedAt");
    const after = h.text("hôm nay 07:15");
    expect(h.lastQuestion(after.messages)?.token).toBe("r.ownerSector");
    expect(h.draft()?.answers.detectedAt).toBe("2026-11-21T00:15:00.000Z");
  });
});

describe("a preliminary ticket follows the report", () => {
  function alerted() {
    const h = createHarness({ now: NOW });
    h.store.saveProfile(
      "telegram",
      "1001",
      { fullName: "Nguyễn Văn An", organisation: "Sở KH&CN tỉnh Lai Châu", phone: "0912345678" },
      NOW.toISOString(),
    );
    h.command("baocao");
    const read = h.text(PARAGRAPH);
    const sent = h.press(h.lastQuestion(read.messages)?.token ?? "", "alert");
    return { h, ticketId: sent.ticketId ?? "", sent };
  }

  it("a returning reporter's saved profile is the alert's reporter; mandatory questions come next", () => {
    const { h, ticketId, sent } = alerted();
    const incident = h.store.incidentByTicket(ticketId);
    expect(incident?.answers.reporter).toMatchObject({ fullName: "Nguyễn Văn An" });
    expect(h.lastQuestion(sent.messages)?.token).toBe("r.ownerSector");
  });

  it("each answer updates the ticket: severity recomputed, a new unit routed, the duty messages redrawn", () => {
    const { h, ticketId } = alerted();
    const before = h.store.incidentByTicket(ticketId);
    h.text("1"); // ownerSector: civil
    h.text("2"); // detection: one method
    h.text("4"); // systemLevel 4
    h.text("1"); // national critical: yes
    const after = h.store.incidentByTicket(ticketId);
    expect(after?.preliminary).toBe(true);
    expect(after?.answers.systemLevel).toBe("4");
    expect(after?.severity).toBeGreaterThan(before?.severity ?? 0);
    const routedKeys = (
      h.db.prepare("SELECT idempotency_key AS k FROM outbox WHERE channel = 'duty'").all() as Array<{
        k: string;
      }>
    ).map((r) => r.k);
    for (const d of after?.routing.destinations ?? [])
      expect(routedKeys).toContain(`ticket:${ticketId}:${d.contactId}`);
    expect(after?.routing.destinations.length).toBeGreaterThanOrEqual(
      before?.routing.destinations.length ?? 0,
    );
    // One redraw per answer that changed the ticket.
    expect(routedKeys.filter((k) => k.startsWith(`update:${ticketId}:`)).length).toBe(4);
    expect(h.db.prepare("SELECT count(*) AS n FROM incidents").get()).toEqual({ n: 1 });
  });

  it("the alert pressed twice (a redelivered update, a stale button) still makes one ticket", () => {
    const { h, ticketId } = alerted();
    const again = h.press("r.understood", "alert");
    expect(again.ticketId).toBeUndefined();
    expect(again.messages.map((m) => m.text).join("\n")).toMatch(/cũ|không còn|outdated/i);
    expect(h.db.prepare("SELECT ticket_id FROM incidents").all()).toEqual([{ ticket_id: ticketId }]);
  });

  it("a report cancelled after the alert keeps its ticket and says so", () => {
    const { h, ticketId } = alerted();
    h.command("huy");
    const done = h.text("1");
    expect(done.messages.map((m) => m.text).join("\n")).toContain(ticketId);
    expect(h.store.incidentByTicket(ticketId)?.preliminary).toBe(true);
  });
});
