import { describe, expect, it } from "vitest";
import type { DutyEvent } from "../../src/duty/desk.ts";
import type { ChatMessage } from "../../src/messages.ts";
import { OPEN_REPORT_WALK, REPORT_WALK } from "../fixtures/report-walk.ts";
import { ADMIN, dutyRig } from "../support/duty-rig.ts";

// The desk's side of Mẫu 03 question I8, on both channels: REPORT_WALK answers "yes" (confidential).

const GROUP = "-100777";
const ZALO_GROUP = "zg-42";

function setup(walk: readonly string[] = REPORT_WALK) {
  const rig = dutyRig({
    group: GROUP,
    // Full detail configured: a confidential report is restricted in groups all the same.
    desk: { detail: "full", configAdmins: { telegram: [ADMIN], zalo: [ADMIN] } },
  });
  const { h, desk } = rig;
  const send = (
    payload: DutyEvent["payload"],
    who: {
      userId: string;
      chatId?: string;
      chatType?: "group" | "private";
      messageRef?: string;
      channel?: string;
    },
  ) => rig.event(payload, who);
  const rowsTo = (channel: string, chatId: string) =>
    rig.rowsTo(chatId, channel).map((r) => ({ id: r.id, ...(r.payload as ChatMessage) }));
  const ticketId = rig.fileReport(walk);
  rig.bind("vncert");
  rig.bind("vncert", { channel: "zalo", chatId: ZALO_GROUP });
  rig.fanOutAfter(1000, ["telegram", "zalo"]);
  rig.deliverPost(ticketId, 321);
  return { h, desk, send, rowsTo, ticketId };
}

/** The reporter's details in REPORT_WALK. */
const DETAILS = [/Nhiều máy trạm/, /0912/, /an\.nv@laichau\.gov\.vn/, /Nguyễn Văn An/];

describe("a confidential report in duty chats", () => {
  it("is posted to Telegram and Zalo groups with only id, severity, type and unit, whatever DUTY_MESSAGE_DETAIL says", () => {
    const s = setup();
    for (const [channel, chat] of [
      ["telegram", GROUP],
      ["zalo", ZALO_GROUP],
    ] as const) {
      const post = s.rowsTo(channel, chat).find((m) => m.text?.includes(s.ticketId));
      expect(post?.text).toContain("Mức độ: <b>Cao</b>");
      expect(post?.text).toContain("Sở Khoa học và Công nghệ tỉnh Lai Châu");
      expect(post?.text).toContain(`/ticket ${s.ticketId} trong tin nhắn riêng`);
      for (const detail of DETAILS) expect(post?.text).not.toMatch(detail);
    }
    // The same report, not confidential, shows everything under DUTY_MESSAGE_DETAIL=full.
    const open = setup(OPEN_REPORT_WALK);
    expect(open.rowsTo("telegram", GROUP).find((m) => m.text?.includes(open.ticketId))?.text).toContain(
      "0912",
    );
  });

  it("/ticket in a group answers with the restricted view; in private, an officer with authority reads it all", () => {
    const s = setup();
    s.send({ kind: "command", command: "ticket", args: s.ticketId }, { userId: "700" });
    const inGroup = s.rowsTo("telegram", GROUP).at(-1);
    expect(inGroup?.text).toContain("trong tin nhắn riêng với trợ lý");
    for (const detail of DETAILS) expect(inGroup?.text).not.toMatch(detail);
    s.h.store.grantRole("telegram", "750", "duty", "vncert", "cli", s.h.now().toISOString());
    s.send(
      { kind: "command", command: "ticket", args: s.ticketId },
      { userId: "750", chatId: "750", chatType: "private" },
    );
    const inPrivate = s.rowsTo("telegram", "750").at(-1)?.text ?? "";
    for (const detail of DETAILS) expect(inPrivate).toMatch(detail);
  });

  it("the resolution summary an officer types stays out of the edited post", () => {
    const s = setup();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "700", messageRef: "321" });
    s.send({ kind: "action", ticketId: s.ticketId, action: "resolve" }, { userId: "700", messageRef: "321" });
    const prompt = s.rowsTo("telegram", GROUP).at(-1);
    s.h.store.markSent(prompt?.id ?? 0, s.h.now().toISOString(), { messageIds: [330] });
    s.send(
      { kind: "reply", replyTo: "330", text: "Đã gỡ mã độc; liên hệ anh An 0912 345 678", hasFile: false },
      { userId: "700" },
    );
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("resolved");
    const edit = s.rowsTo("telegram", GROUP).at(-1);
    expect(edit).toMatchObject({ kind: "edit", messageRef: "321" });
    expect(edit?.text).toContain("Đã xử lý");
    expect(edit?.text).not.toContain("0912");
  });

  it("a reporter's answer to a question asked in a group goes to the asking officer in private, the group only told", () => {
    const s = setup();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ask" }, { userId: "700", messageRef: "321" });
    const prompt = s.rowsTo("telegram", GROUP).at(-1);
    s.h.store.markSent(prompt?.id ?? 0, s.h.now().toISOString(), { messageIds: [340] });
    s.send(
      { kind: "reply", replyTo: "340", text: "Địa chỉ IP của máy chủ?", hasFile: false },
      { userId: "700", messageRef: "341" },
    );
    expect(s.rowsTo("telegram", GROUP).at(-1)?.text).toContain("gửi riêng cho Anh/Chị Cán bộ 700");
    const question = s.rowsTo("telegram", "1001").at(-1);
    s.h.store.markSent(question?.id ?? 0, s.h.now().toISOString(), { messageIds: [50] });
    s.send(
      { kind: "reply", replyTo: "50", text: "Máy chủ 203.0.113.9, gọi 0912 345 678", hasFile: true },
      { userId: "1001", chatId: "1001", chatType: "private", messageRef: "51" },
    );
    const toOfficer = s.rowsTo("telegram", "700");
    expect(toOfficer.map((m) => m.kind)).toEqual(["chat", "copy"]);
    expect(toOfficer[0]?.text).toContain("203.0.113.9");
    const group = s.rowsTo("telegram", GROUP);
    expect(group.at(-1)?.text).toContain("Người báo cáo đã trả lời");
    for (const m of group) {
      expect(m.kind).not.toBe("copy");
      expect(m.text ?? "").not.toMatch(/203\.0\.113\.9|0912/);
    }
  });

  it("a question asked before the rule (its answer bound for the group) relays nothing into the group", () => {
    const s = setup();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "700", messageRef: "321" });
    const incident = s.h.store.incidentByTicket(s.ticketId);
    const key = s.h.store.enqueue("old-question", "telegram", "1001", { kind: "chat", text: "?" }, "x");
    s.h.store.markSent(key ?? 0, s.h.now().toISOString(), { messageIds: [60] });
    s.h.store.addPrompt(
      {
        outboxKey: "old-question",
        incidentId: incident?.id ?? 0,
        channel: "telegram",
        chatId: "1001",
        purpose: "answer",
        userId: "1001",
        replyChat: `telegram:${GROUP}`,
        replyKey: "321",
      },
      s.h.now().toISOString(),
    );
    s.send(
      { kind: "reply", replyTo: "60", text: "Số điện thoại 0912 345 678", hasFile: false },
      { userId: "1001", chatId: "1001", chatType: "private", messageRef: "61" },
    );
    for (const m of s.rowsTo("telegram", GROUP)) expect(m.text ?? "").not.toContain("0912");
    expect(s.rowsTo("telegram", GROUP).at(-1)?.text).toContain("Người báo cáo đã trả lời");
  });
});
