import { describe, expect, it } from "vitest";
import { DutyDesk, type DutyEvent } from "../../src/duty/desk.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { ChatMessage } from "../../src/messages.ts";
import { createHarness } from "../engine/harness.ts";
import { OPEN_REPORT_WALK, REPORT_WALK } from "../fixtures/report-walk.ts";

// The desk's side of Mẫu 03 question I8, on both channels: REPORT_WALK answers "yes" (confidential).

const GROUP = "-100777";
const ZALO_GROUP = "zg-42";
const ADMIN = "9000";

function setup(walk: readonly string[] = REPORT_WALK) {
  const h = createHarness();
  const desk = new DutyDesk({
    store: h.store,
    translator: createTranslator("vi"),
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    // Full detail configured: a confidential report is restricted in groups all the same.
    detail: "full",
    configAdmins: { telegram: [ADMIN], zalo: [ADMIN] },
    ackDeadlines: { 4: { minutes: 15 }, 3: { minutes: 60 }, 2: { minutes: 240 }, 1: { workingDays: 1 } },
  });
  let seq = 0;
  const send = (
    payload: DutyEvent["payload"],
    who: {
      userId: string;
      chatId?: string;
      chatType?: "group" | "private";
      messageRef?: string;
      channel?: string;
    },
  ) =>
    desk.handle({
      channel: who.channel ?? "telegram",
      chatId: who.chatId ?? GROUP,
      chatType: who.chatType ?? "group",
      userId: who.userId,
      userName: `Cán bộ ${who.userId}`,
      dedupeKey: `d${++seq}`,
      at: h.now(),
      messageRef: who.messageRef,
      payload,
    });
  const rowsTo = (channel: string, chatId: string) =>
    (
      h.store.db
        .prepare("SELECT id, payload FROM outbox WHERE channel = ? AND chat_id = ? ORDER BY id")
        .all(channel, chatId) as Array<{ id: number; payload: string }>
    ).map((r) => ({ id: r.id, ...(JSON.parse(r.payload) as ChatMessage) }));
  h.command("start");
  let ticketId = "";
  for (const line of walk) ticketId = h.text(line).ticketId ?? ticketId;
  send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
  send(
    { kind: "command", command: "bind", args: "vncert" },
    { userId: ADMIN, channel: "zalo", chatId: ZALO_GROUP },
  );
  desk.fanOut(new Date(h.now().getTime() + 1000), ["telegram", "zalo"]);
  const post = rowsTo("telegram", GROUP).find((m) => m.text?.includes(ticketId));
  h.store.markSent(post?.id ?? 0, h.now().toISOString(), { messageIds: [321] });
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
