import { describe, expect, it } from "vitest";
import type { DutyEvent } from "../../src/duty/desk.ts";
import type { ChatMessage, EditMessage } from "../../src/messages.ts";
import { dutyRig } from "../support/duty-rig.ts";
import { type StormReport, storeReport } from "../support/storm-rig.ts";

const GROUP = "-100888";

function setup() {
  const rig = dutyRig({ group: GROUP });
  const { h, desk } = rig;
  h.store.bindChat("provincial", "telegram", GROUP, "telegram:9000", h.now().toISOString());
  let n = 0;
  let messageId = 100;
  /** A report filed now, its post delivered (so later changes to it are edits). */
  const file = (answers: Record<string, unknown>, report: Partial<StormReport> = {}) => {
    const id = storeReport(h.store, ++n, { severity: 2, ...report, answers }, h.now().toISOString());
    desk.fanOut(h.now(), ["telegram"]);
    rig.deliverPost(id, ++messageId);
    // The edits it caused are out too (the group's minute is not the subject here).
    for (const edit of h.store.pendingForChat("telegram", GROUP))
      h.store.markSent(edit.id, h.now().toISOString(), { edited: true });
    h.store.flushSentMarks();
    h.setClock(new Date(h.now().getTime() + 3_600_000));
    return { id, messageId };
  };
  const payloads = (chatId = GROUP) => rig.messagesTo(chatId);
  const postOf = (id: string) =>
    payloads().find((p) => p.kind === "chat" && p.token === `t.${id}`) as ChatMessage;
  const act = (
    ticketId: string,
    action: string,
    who: { userId: string; chatId?: string; chatType?: "group" | "private" } = { userId: "5" },
  ) => rig.event({ kind: "action", ticketId, action } satisfies DutyEvent["payload"], who);
  const lastAudit = (action: string) =>
    h.store.db
      .prepare("SELECT outcome, details FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1")
      .get(action) as { outcome: string; details: string } | undefined;
  return { h, desk, file, payloads, postOf, act, lastAudit };
}

describe("related reports on the duty post", () => {
  it("marks reports naming the same domain, public IP or system within a day as possible duplicates of each other", () => {
    const s = setup();
    const a = s.file({ domains: ["cong.binhphuoc.gov.vn"] });
    const b = s.file({ domains: ["https://www.cong.binhphuoc.gov.vn/"] });
    const c = s.file({ ips: ["14.225.1.2"] });
    const d = s.file({ ips: ["14.225.1.2"], system: "Hệ thống một cửa điện tử" });

    const postB = s.postOf(b.id);
    expect(postB.text).toContain(`Có thể trùng với phiếu: ${a.id}`);
    expect(postB.choices?.at(-1)).toEqual({ value: `merge:${a.id}`, label: `🔗 Gộp vào ${a.id}` });
    // A's post, already in the group, is edited to show the mark too; it is the earliest, so it merges nowhere.
    const editA = s
      .payloads()
      .find((p): p is EditMessage => p.kind === "edit" && p.messageRef === String(a.messageId));
    expect(editA?.text).toContain(`Có thể trùng với phiếu: ${b.id}`);
    expect(editA?.choices?.some((x) => x.value.startsWith("merge:"))).toBe(false);
    // Unrelated reports carry no mark.
    expect(s.postOf(c.id).text).not.toContain("Có thể trùng");
    expect(s.postOf(d.id).text).toContain(`Có thể trùng với phiếu: ${c.id}`);
    // Without buttons (Zalo), the merge is the last numbered action of the post.
    const choices = postB.choices ?? [];
    expect(s.desk.numberedAction("telegram", GROUP, String(b.messageId), choices.length)).toEqual({
      ticketId: b.id,
      action: `merge:${a.id}`,
    });
  });

  it("in a wave naming one target, a post names five and counts the rest, and only the earliest three are edited", () => {
    const s = setup();
    const earlier = Array.from({ length: 6 }, () => s.file({ system: "Cổng thông tin điện tử tỉnh" }));
    const editsBefore = s.payloads().filter((p) => p.kind === "edit").length;
    const last = s.file({ system: "Cổng thông tin điện tử tỉnh" });
    const text = s.postOf(last.id).text;
    expect(text).toContain(
      `Có thể trùng với phiếu: ${earlier
        .slice(0, 5)
        .map((e) => e.id)
        .join(", ")} (và 1 phiếu khác)`,
    );
    const edited = s
      .payloads()
      .filter((p): p is EditMessage => p.kind === "edit")
      .slice(editsBefore)
      .map((p) => p.messageRef);
    expect(edited).toEqual(earlier.slice(0, 3).map((e) => String(e.messageId)));
  });

  it("not after a day", () => {
    const s = setup();
    s.file({ domains: ["a.gov.vn"] });
    s.h.setClock(new Date(s.h.now().getTime() + 24 * 3_600_000));
    const late = s.file({ domains: ["a.gov.vn"] });
    expect(s.postOf(late.id).text).not.toContain("Có thể trùng");
  });

  it("one action merges a report into the main ticket: audited on both timelines, the merged post points to the main one", () => {
    const s = setup();
    const a = s.file({ domains: ["a.gov.vn"] });
    const b = s.file({ domains: ["a.gov.vn"] });
    s.act(b.id, `merge:${a.id}`);
    expect(s.h.store.incidentByTicket(b.id)?.status).toBe("duplicate");
    expect(s.lastAudit("ticket.merge")?.outcome).toBe("ok");
    const main = s.h.store.incidentByTicket(a.id);
    expect(main?.status).toBe("new");
    const mainTimeline = s.h.store.timeline(main?.id ?? 0);
    expect(mainTimeline.at(-1)).toMatchObject({
      actor: "telegram:5",
      details: { action: "merged", from: b.id },
    });
    const merged = s.h.store.timeline(s.h.store.incidentByTicket(b.id)?.id ?? 0);
    expect(merged.at(-1)).toMatchObject({ action: "duplicate", details: { action: "merge", of: a.id } });
    const editB = s
      .payloads()
      .filter((p): p is EditMessage => p.kind === "edit" && p.messageRef === String(b.messageId))
      .at(-1);
    expect(editB?.text).toContain(`Trùng với phiếu: ${a.id}`);
    expect(s.payloads().some((p) => p.text.includes(`Đã gộp phiếu ${b.id} vào phiếu ${a.id}`))).toBe(true);
    // The main ticket no longer offers the merged one as a possible duplicate.
    expect(s.h.store.incidentByTicket(a.id)?.status).toBe("new");
  });

  it("refuses a forged merge into an unrelated ticket, and a merge by someone without authority on the ticket", () => {
    const s = setup();
    const a = s.file({ domains: ["a.gov.vn"] });
    const b = s.file({ domains: ["a.gov.vn"] });
    const other = s.file({ domains: ["khac.gov.vn"] });

    s.act(b.id, `merge:${other.id}`);
    expect(s.h.store.incidentByTicket(b.id)?.status).toBe("new");
    expect(s.lastAudit("ticket.merge")).toMatchObject({ outcome: "denied" });
    expect(JSON.parse(s.lastAudit("ticket.merge")?.details ?? "{}")).toMatchObject({ reason: "not_related" });

    // A person in their own private chat with no duty role for the unit.
    s.act(b.id, `merge:${a.id}`, { userId: "77", chatId: "77", chatType: "private" });
    expect(s.h.store.incidentByTicket(b.id)?.status).toBe("new");
    expect(s.lastAudit("ticket.merge")?.outcome).toBe("denied");
    const answer = s.payloads("77").at(-1);
    expect(answer?.text).not.toContain("Đã gộp");
  });
});
