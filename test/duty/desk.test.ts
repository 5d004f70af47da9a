import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { Scheduler } from "../../src/delivery/scheduler.ts";
import { ACK_DEADLINE_JOB, DutyDesk, type DutyEvent } from "../../src/duty/desk.ts";
import type { ChatMessage, EditMessage } from "../../src/engine/types.ts";
import { createTranslator } from "../../src/i18n.ts";
import { createHarness } from "../engine/harness.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";

const GROUP = "-100777";
const ADMIN = "9000";

function setup(detail: "full" | "minimal" = "full") {
  const h = createHarness();
  const desk = new DutyDesk({
    store: h.store,
    translator: createTranslator("vi"),
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    detail,
    configAdmins: { telegram: [ADMIN] },
    ackDeadlines: { 4: { minutes: 15 }, 3: { minutes: 60 }, 2: { minutes: 240 }, 1: { workingDays: 1 } },
  });
  let seq = 0;
  const send = (
    payload: DutyEvent["payload"],
    who: { userId: string; chatId?: string; chatType?: "group" | "private"; messageRef?: string },
  ) =>
    desk.handle({
      channel: "telegram",
      chatId: who.chatId ?? GROUP,
      chatType: who.chatType ?? "group",
      userId: who.userId,
      userName: `Cán bộ ${who.userId}`,
      dedupeKey: `d${++seq}`,
      at: h.now(),
      messageRef: who.messageRef,
      payload,
    });
  const messagesTo = (chatId: string) =>
    h.store.db
      .prepare("SELECT payload FROM outbox WHERE channel = 'telegram' AND chat_id = ? ORDER BY id")
      .all(chatId)
      .map((r) => JSON.parse((r as { payload: string }).payload) as ChatMessage | EditMessage);
  const fileReport = () => {
    h.command("start");
    let ticketId: string | undefined;
    for (const line of REPORT_WALK) ticketId = h.text(line).ticketId ?? ticketId;
    return ticketId ?? "";
  };
  const audit = () =>
    h.store.db
      .prepare(
        "SELECT actor, action, outcome FROM audit_log WHERE action NOT LIKE 'incident.%' AND action NOT LIKE 'profile.%' ORDER BY id",
      )
      .all();
  return { h, desk, send, messagesTo, fileReport, audit };
}

describe("duty desk: binding chats", () => {
  it("an admin binds a group to a contact; a non-admin cannot, and is audited", () => {
    const s = setup();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: "555" });
    expect(s.h.store.contactsOfChat("telegram", GROUP)).toEqual([]);
    expect(s.messagesTo(GROUP).at(-1)).toMatchObject({ text: expect.stringContaining("Chỉ quản trị viên") });
    s.send({ kind: "command", command: "bind", args: "VNCERT" }, { userId: ADMIN });
    expect(s.h.store.contactsOfChat("telegram", GROUP)).toEqual(["vncert"]);
    s.send({ kind: "command", command: "bind", args: "không-có" }, { userId: ADMIN });
    expect(s.messagesTo(GROUP).at(-1)).toMatchObject({ text: expect.stringContaining("Không có đầu mối") });
    s.send({ kind: "command", command: "unbind", args: "" }, { userId: ADMIN });
    expect(s.h.store.contactsOfChat("telegram", GROUP)).toEqual([]);
    expect(s.audit()).toEqual([
      { actor: "telegram:555", action: "duty.bind", outcome: "denied" },
      { actor: `telegram:${ADMIN}`, action: "duty.bind", outcome: "ok" },
      { actor: `telegram:${ADMIN}`, action: "duty.unbind", outcome: "ok" },
    ]);
  });
});

describe("duty desk: routed tickets", () => {
  it("keeps a routed ticket until a chat is bound, then posts it there with its buttons", () => {
    const s = setup();
    const ticketId = s.fileReport();
    expect(s.desk.fanOut(s.h.now())).toEqual([]);
    expect(s.h.store.duePending("duty", "9999")).toHaveLength(2); // kept, not lost
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    expect(s.desk.fanOut(new Date(s.h.now().getTime() + 61_000))).toEqual([GROUP]);
    const posted = s.messagesTo(GROUP).at(-1) as ChatMessage;
    expect(posted.text).toContain(ticketId);
    expect(posted.text).toContain("Mức độ: <b>Cao</b>");
    expect(posted.text).toContain("Nhiều máy trạm báo nhiễm virus");
    expect(posted.text).toContain("Nguyễn Văn An");
    expect(posted.choices?.map((c) => c.value)).toEqual(["ack", "take"]);
    expect(posted.token).toBe(`t.${ticketId}`);
    // Posting again changes nothing: each ticket reaches each chat once.
    expect(s.desk.fanOut(new Date(s.h.now().getTime() + 200_000))).toEqual([]);
  });

  it("minimal detail keeps the report's details out of the group", () => {
    const s = setup("minimal");
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.desk.fanOut(new Date(s.h.now().getTime() + 61_000));
    const posted = s.messagesTo(GROUP).at(-1) as ChatMessage;
    expect(posted.text).toContain(ticketId);
    expect(posted.text).not.toContain("Nhiều máy trạm");
    expect(posted.text).not.toContain("0912");
    expect(posted.text).toContain(`/ticket ${ticketId}`);
  });
});

describe("duty desk: acting on a ticket", () => {
  function posted() {
    const s = setup();
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.desk.fanOut(new Date(s.h.now().getTime() + 61_000));
    // The sender marks the post sent with its Telegram message id; edits then target it.
    const row = s.h.store.db.prepare("SELECT id FROM outbox WHERE idempotency_key LIKE 'duty:%'").get() as {
      id: number;
    };
    s.h.store.markSent(row.id, s.h.now().toISOString(), { messageIds: [321] });
    return { ...s, ticketId };
  }

  it("a member of the bound group acknowledges: status, timeline, audit, reporter told, message edited in place", () => {
    const s = posted();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "700" });
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(incident?.status).toBe("acknowledged");
    expect(s.h.store.timeline(incident?.id ?? 0).map((e) => [e.action, e.actor])).toEqual([
      ["submitted", "telegram:1001"],
      ["acknowledged", "telegram:700"],
    ]);
    const toReporter = s.messagesTo("1001").at(-1) as ChatMessage;
    expect(toReporter.text).toContain(`Phiếu <b>${s.ticketId}</b> đã được <b>Trung tâm Ứng cứu khẩn cấp`);
    const edit = s.messagesTo(GROUP).at(-1) as EditMessage;
    expect(edit).toMatchObject({ kind: "edit", messageRef: "321" });
    expect(edit.text).toContain("Trạng thái: <b>Đã được tiếp nhận</b>");
    expect(edit.text).toContain("Tiếp nhận: Cán bộ 700");
    expect(edit.choices?.map((c) => c.value)).toEqual(["take"]);
  });

  it("acknowledging twice records it once and says why", () => {
    const s = posted();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "700" });
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "701" });
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(s.h.store.timeline(incident?.id ?? 0)).toHaveLength(2);
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain("thao tác này không áp dụng");
  });

  it("someone in an unbound group, or with forged data, changes nothing and is audited", () => {
    const s = posted();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "800", chatId: "-100999" });
    s.send({ kind: "action", ticketId: "SC-2026-999999", action: "ack" }, { userId: "700" });
    s.send({ kind: "action", ticketId: s.ticketId, action: "delete_all" }, { userId: "700" });
    s.send({ kind: "action", ticketId: "<b>x</b>", action: "ack" }, { userId: "700" });
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("new");
    expect((s.messagesTo("-100999").at(-1) as ChatMessage).text).toContain("không có quyền");
    const denied = s.audit().filter((a) => (a as { outcome: string }).outcome === "denied");
    expect(denied).toHaveLength(4);
  });

  it("a duty officer with the role takes the ticket from a private chat", () => {
    const s = posted();
    s.h.store.grantRole("telegram", "750", "duty", "vncert", "cli", s.h.now().toISOString());
    s.send(
      { kind: "action", ticketId: s.ticketId, action: "take" },
      { userId: "750", chatId: "750", chatType: "private" },
    );
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(incident?.status).toBe("in_progress");
    expect(s.h.store.ticketState(incident?.id ?? 0).assignee).toBe("telegram:750");
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("đang được");
  });

  it("/tickets lists the unit's open tickets; /ticket shows details only to its officers", () => {
    const s = posted();
    s.send({ kind: "command", command: "tickets", args: "" }, { userId: "700" });
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain(s.ticketId);
    s.send(
      { kind: "command", command: "ticket", args: s.ticketId },
      { userId: "800", chatId: "800", chatType: "private" },
    );
    expect((s.messagesTo("800").at(-1) as ChatMessage).text).toContain("Không tìm thấy");
    s.h.store.grantRole("telegram", "750", "duty", "vncert", "cli", s.h.now().toISOString());
    s.send(
      { kind: "command", command: "ticket", args: s.ticketId.toLowerCase() },
      { userId: "750", chatId: "750", chatType: "private" },
    );
    expect((s.messagesTo("750").at(-1) as ChatMessage).text).toContain("Nhiều máy trạm báo nhiễm virus");
  });
});

describe("duty desk: nobody forgets (acknowledge deadlines, controlled clock)", () => {
  function armed() {
    const s = setup();
    const ticketId = s.fileReport(); // severity Cao: one hour to acknowledge
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    const created = s.h.now().getTime();
    let clock = new Date(created + 1000);
    s.desk.fanOut(clock);
    const scheduler = new Scheduler(
      s.h.engine,
      s.h.store,
      createLogger("silent"),
      () => {},
      () => clock,
    ).on(ACK_DEADLINE_JOB, (job, now) => s.desk.fireJob(job, now));
    const at = (ms: number) => {
      clock = new Date(created + ms);
    };
    return { ...s, ticketId, scheduler, at };
  }

  it("after the deadline: a reminder in the duty chat, escalation to the next organisation, the reporter told", () => {
    const s = armed();
    s.at(59 * 60_000);
    expect(s.scheduler.runDue()).toBe(0);
    s.at(61 * 60_000);
    expect(s.scheduler.runDue()).toBe(1);
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain("quá hạn tiếp nhận");
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(incident?.status).toBe("escalated");
    // R1 already sent it to the province and VNCERT/CC: the next organisation in the chain is NCSC.
    expect(incident?.routing.destinations.map((d) => d.contactId)).toEqual(["provincial", "vncert", "ncsc"]);
    expect(
      s.h.store.duePending("duty", "9999").map((r) => (r.payload as { contactId: string }).contactId),
    ).toContain("ncsc");
    expect(s.h.store.timeline(incident?.id ?? 0).map((e) => e.action)).toEqual(["submitted", "escalated"]);
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("chuyển cấp");
    // Fired once; armed again for another hour from now.
    expect(s.scheduler.runDue()).toBe(0);
    s.at(122 * 60_000);
    expect(s.scheduler.runDue()).toBe(1);
    expect(s.h.store.incidentByTicket(s.ticketId)?.routing.destinations).toHaveLength(3); // nobody left to add
  });

  it("a ticket acknowledged in time is left alone when its deadline passes", () => {
    const s = armed();
    s.at(10 * 60_000);
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "700" });
    const before = s.messagesTo(GROUP).length;
    s.at(61 * 60_000);
    expect(s.scheduler.runDue()).toBe(1);
    expect(s.messagesTo(GROUP)).toHaveLength(before);
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
  });

  it("the deadline survives a restart: it lives in the database, not in a timer", () => {
    const s = armed();
    const job = s.h.store.job(`ack:${s.ticketId}`);
    expect(job).toMatchObject({ kind: ACK_DEADLINE_JOB, status: "pending" });
    expect(job?.dueAt).toBe(new Date(s.h.now().getTime() + 60 * 60_000).toISOString());
  });
});
