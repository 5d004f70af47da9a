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
