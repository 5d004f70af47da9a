import { describe, expect, it } from "vitest";
import { dutyRig } from "../support/duty-rig.ts";

const GROUP = "-100778";
const PARAGRAPH =
  "Sáng nay 8h cổng thông tin điện tử tỉnh congthongtin.laichau.gov.vn bị tấn công thay đổi giao diện, hiện vẫn đang diễn ra.";

/** A quick alert filed through the real engine, and the duty desk that posts and redraws it. */
function alerted() {
  const { h, desk, messagesTo } = dutyRig({
    group: GROUP,
    now: new Date("2026-11-21T03:00:00Z"),
    desk: { configAdmins: {} },
  });
  h.store.bindChat("vncert", "telegram", GROUP, "test", h.now().toISOString());
  h.store.saveProfile("telegram", "1001", { fullName: "Nguyễn Văn An" }, h.now().toISOString());
  h.command("baocao");
  h.text(PARAGRAPH);
  const ticketId = h.press("r.understood", "alert").ticketId ?? "";
  desk.fanOut(h.now());
  const toGroup = () => messagesTo(GROUP);
  return { h, desk, ticketId, toGroup };
}

describe("a preliminary ticket on the duty desk", () => {
  it("is posted marked SƠ BỘ with its missing fields; an answer rewrites the post still queued", () => {
    const { h, desk, ticketId, toGroup } = alerted();
    const [post] = toGroup();
    expect(post?.text).toContain(`Phiếu ${ticketId}`);
    expect(post?.text).toContain("SƠ BỘ");
    expect(post?.text).toContain("Cấp độ hệ thống (C4)");
    h.text("1"); // owner's sector: civil
    h.text("2"); // detection
    h.text("4"); // system level 4
    desk.fanOut(h.now());
    // The post was not sent yet: it is rewritten in the queue, not doubled.
    const posts = toGroup();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).not.toContain("Cấp độ hệ thống (C4)");
    expect(posts[0]?.text).toContain("SƠ BỘ");
  });

  it("a higher severity brings the acknowledge deadline forward, counted from the alert", () => {
    const { h, desk, ticketId } = alerted();
    const before = h.store.job(`ack:${ticketId}`)?.dueAt ?? "";
    h.text("1"); // owner's sector: civil
    h.text("2"); // detection
    h.text("4"); // system level 4
    h.text("1"); // national critical: yes
    desk.fanOut(h.now());
    const incident = h.store.incidentByTicket(ticketId);
    const after = h.store.job(`ack:${ticketId}`)?.dueAt ?? "";
    expect(incident?.severity).toBeGreaterThan(2);
    expect(Date.parse(after)).toBeLessThan(Date.parse(before));
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(incident?.createdAt ?? ""));
  });
});
