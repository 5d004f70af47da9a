import { describe, expect, it } from "vitest";
import { createLogger, registerJobs } from "../../src/app.ts";
import { ACK_DEADLINE_JOB, DUTY_JOB_KINDS, type DutyEvent } from "../../src/duty/desk.ts";
import type { ChatMessage, EditMessage } from "../../src/messages.ts";
import { Scheduler } from "../../src/outbox/scheduler.ts";
import { addProvincialPolice } from "../fixtures/contacts.ts";
import { ADMIN, dutyRig } from "../support/duty-rig.ts";

const GROUP = "-100777";

function setup(detail: "full" | "minimal" = "full", email?: { messageIdDomain: string }) {
  const rig = dutyRig({ group: GROUP, desk: { detail, ...(email ? { email } : {}) } });
  const { h, desk, messagesTo, fileReport } = rig;
  const send = (
    payload: DutyEvent["payload"],
    who: { userId: string; chatId?: string; chatType?: "group" | "private"; messageRef?: string },
  ) => rig.event(payload, who);
  const audit = () =>
    h.store.db
      .prepare(
        "SELECT actor, action, outcome FROM audit_log WHERE action NOT LIKE 'incident.%' AND action NOT LIKE 'profile.%' ORDER BY id",
      )
      .all();
  /** What the sender does once a queued message is out: marks it sent with the channel's message id. */
  const sentAs = (keyPrefix: string, messageId: number) => {
    const row = h.store.db
      .prepare("SELECT id FROM outbox WHERE idempotency_key LIKE ? ORDER BY id DESC LIMIT 1")
      .get(`${keyPrefix}%`) as { id: number };
    rig.markSent(row.id, messageId);
  };
  /** Marks the latest queued message to a chat as sent with this message id. */
  const lastToChatSentAs = (chatId: string, messageId: number) => {
    const row = h.store.db
      .prepare("SELECT id FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1")
      .get(chatId) as { id: number };
    rig.markSent(row.id, messageId);
  };
  return {
    h,
    desk,
    send,
    messagesTo,
    fileReport,
    audit,
    sentAs,
    lastToChatSentAs,
    deliverPost: rig.deliverPost,
  };
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
    expect(s.desk.fanOut(new Date(s.h.now().getTime() + 61_000))).toEqual([
      { channel: "telegram", chatId: GROUP },
    ]);
    const posted = s.messagesTo(GROUP).at(-1) as ChatMessage;
    expect(posted.text).toContain(ticketId);
    expect(posted.text).toContain("Mức độ: <b>Cao</b>");
    expect(posted.text).toContain("Nhiều máy trạm báo nhiễm virus");
    expect(posted.text).toContain("Nguyễn Văn An");
    expect(posted.choices?.map((c) => c.value)).toEqual(["ack", "take", "ask", "escalate", "dupreject"]);
    expect(posted.token).toBe(`t.${ticketId}`);
    // Posting again changes nothing: each ticket reaches each chat once.
    expect(s.desk.fanOut(new Date(s.h.now().getTime() + 200_000))).toEqual([]);
  });

  it("with SMTP configured, each destination with an address is e-mailed with the initial report attached, bound chat or not", () => {
    const s = setup("full", { messageIdDomain: "laichau.gov.vn" });
    const ticketId = s.fileReport();
    s.desk.fanOut(s.h.now());
    // The documents job the fan-out armed (due now) renders Mẫu 03 and queues the e-mails and the reporter's copy.
    const fire = (at: Date) => {
      for (const job of s.h.store.dueJobs(at.toISOString())) s.desk.fireJob(job, at);
    };
    fire(s.h.now());
    s.desk.fanOut(new Date(s.h.now().getTime() + 61_000)); // the pending duty rows come round again
    fire(new Date(s.h.now().getTime() + 61_000)); // and arm nothing new: no second e-mail, no second copy
    const copies = s.h.store.db
      .prepare("SELECT idempotency_key AS k FROM outbox WHERE idempotency_key LIKE 'document:%' ORDER BY id")
      .all();
    expect(copies).toEqual([{ k: `document:${ticketId}:initial` }, { k: `document:${ticketId}:initial:1` }]);
    const mails = s.h.store.db
      .prepare(
        "SELECT idempotency_key AS k, chat_id AS c, payload FROM outbox WHERE channel = 'email' ORDER BY id",
      )
      .all() as Array<{ k: string; c: string; payload: string }>;
    expect(mails.map((m) => m.c).sort()).toEqual(["provincial", "vncert"]);
    expect(mails.map((m) => m.k)).toContain(`email:${ticketId}:vncert`);
    const vncert = JSON.parse(mails.find((m) => m.c === "vncert")?.payload ?? "{}");
    expect(vncert.to).toEqual(["ir@vncert.vn"]);
    expect(vncert.subject).toMatch(new RegExp(`^\\[TBSC\\] ${ticketId}`));
    expect(vncert.messageId).toContain("@laichau.gov.vn>");
    expect(vncert.attachments.map((a: { filename: string }) => a.filename)).toEqual([
      `${ticketId}-mau03.docx`,
      `${ticketId}-mau03.pdf`,
    ]);
  });

  it("without SMTP no e-mail is queued", () => {
    const s = setup();
    s.fileReport();
    s.desk.fanOut(s.h.now());
    expect(s.h.store.duePending("email", "9999")).toEqual([]);
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
    s.deliverPost(ticketId, 321);
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
    expect(edit.choices?.map((c) => c.value)).toEqual(["take", "ask", "resolve", "escalate", "dupreject"]);
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
    s.sentAs("duty:", 321);
    const scheduler = registerJobs(
      new Scheduler({ store: s.h.store, logger: createLogger("silent"), clock: () => clock }),
      s.h.engine,
      undefined,
      undefined,
    );
    for (const kind of DUTY_JOB_KINDS) scheduler.on(kind, (job, now) => s.desk.fireJob(job, now));
    // The fan-out's documents job (the initial report to the reporter) runs at once, before the clock moves.
    expect(scheduler.runDue()).toBe(1);
    const at = (ms: number) => {
      clock = new Date(created + ms);
    };
    return { ...s, ticketId, scheduler, at };
  }

  it("after the deadline: a reminder in the duty chat, escalation to the next organisation, the reporter told", () => {
    const s = armed();
    addProvincialPolice(s.h.store);
    s.at(59 * 60_000);
    expect(s.scheduler.runDue()).toBe(0);
    s.at(61 * 60_000);
    expect(s.scheduler.runDue()).toBe(1);
    const reminder = s.messagesTo(GROUP).find((m) => m.text.includes("quá hạn tiếp nhận"));
    expect(reminder).toMatchObject({ kind: "chat", replyTo: "321" }); // threaded under the ticket's message
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(incident?.status).toBe("escalated");
    // R1 already sent it to the province and VNCERT/CC: the chain's next is the provincial police (PA05), added
    // by an admin; NCSC, a monitoring body, is never escalated to by the clock.
    expect(incident?.routing.destinations.map((d) => d.contactId)).toEqual(["provincial", "vncert", "pa05"]);
    expect(
      s.h.store.duePending("duty", "9999").map((r) => (r.payload as { contactId: string }).contactId),
    ).toContain("pa05");
    expect(s.h.store.timeline(incident?.id ?? 0).map((e) => e.action)).toEqual(["submitted", "escalated"]);
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("chuyển cấp");
    // Fired once; PA05 has its own hour from the escalation.
    expect(s.scheduler.runDue()).toBe(0);
    const reminders = () => s.messagesTo(GROUP).filter((m) => m.text.includes("quá hạn tiếp nhận")).length;
    s.at(122 * 60_000);
    expect(s.scheduler.runDue()).toBe(1);
    expect(s.h.store.incidentByTicket(s.ticketId)?.routing.destinations).toHaveLength(3); // nobody left to add
    expect(reminders()).toBe(2); // the second occurrence's reminder is a new message, not a duplicate key
    s.at(183 * 60_000);
    expect(s.scheduler.runDue()).toBe(1);
    expect(reminders()).toBe(3);
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

describe("duty desk: questions for the reporter, and their answers", () => {
  function asked() {
    const s = setup();
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.desk.fanOut(new Date(s.h.now().getTime() + 61_000));
    s.sentAs("duty:", 321);
    return { ...s, ticketId };
  }

  it("ask → the reporter answers in text and with a file → both land in the duty thread, the ticket moves on", () => {
    const s = asked();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ask" }, { userId: "700", messageRef: "321" });
    const prompt = s.messagesTo(GROUP).at(-1) as ChatMessage;
    expect(prompt).toMatchObject({ forceReply: true, replyTo: "321" });
    expect(prompt.text).toContain("câu hỏi gửi người báo cáo");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("new"); // nothing changes until the question
    s.lastToChatSentAs(GROUP, 400);
    s.send(
      { kind: "reply", replyTo: "400", text: "Máy chủ nào bị ảnh hưởng? <script>", hasFile: false },
      { userId: "700", messageRef: "401" },
    );
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("waiting_reporter");
    const question = s.messagesTo("1001").at(-1) as ChatMessage;
    expect(question).toMatchObject({ forceReply: true });
    expect(question.text).toContain("Máy chủ nào bị ảnh hưởng? &lt;script&gt;");
    expect(question.text).toContain("trả lời tin nhắn này");
    expect(s.messagesTo(GROUP).some((m) => m.kind === "chat" && m.text.includes("Đã chuyển câu hỏi"))).toBe(
      true,
    );
    s.lastToChatSentAs("1001", 500);
    expect(s.desk.claimsReply("telegram", "1001", "500")).toBe(true);
    expect(s.desk.claimsReply("telegram", "1001", "499")).toBe(false);
    expect(s.desk.claimsReply("telegram", "1002", "500")).toBe(false); // another person's chat

    s.send(
      { kind: "reply", replyTo: "500", text: "Máy chủ web cổng thông tin", hasFile: false },
      { userId: "1001", chatId: "1001", chatType: "private", messageRef: "501" },
    );
    const answer = s.messagesTo(GROUP).find((m) => m.kind === "chat" && m.text.includes("Máy chủ web cổng"));
    expect(answer).toMatchObject({ replyTo: "401" }); // under the officer's question
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("in_progress");
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("Đã chuyển câu trả lời");

    s.send(
      { kind: "reply", replyTo: "500", text: "", hasFile: true },
      { userId: "1001", chatId: "1001", chatType: "private", messageRef: "502" },
    );
    const copy = s.messagesTo(GROUP).at(-1) as unknown as Record<string, string>;
    expect(copy).toEqual({ kind: "copy", fromChatId: "1001", messageRef: "502", replyTo: "401" });
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(s.h.store.timeline(incident?.id ?? 0).map((e) => e.action)).toEqual([
      "submitted",
      "waiting_reporter",
      "in_progress",
      "reporter_replied",
    ]);
  });

  it("a reply to the ticket's message in the group is a question for the reporter too", () => {
    const s = asked();
    s.send(
      { kind: "reply", replyTo: "321", text: "Đề nghị gửi nhật ký tường lửa", hasFile: false },
      { userId: "700", messageRef: "410" },
    );
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("waiting_reporter");
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("Đề nghị gửi nhật ký tường lửa");
  });

  it("bad replies: empty, huge, emoji-only, chatter, after the ticket closed — clear answers, nothing lost", () => {
    const s = asked();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ask" }, { userId: "700", messageRef: "321" });
    s.lastToChatSentAs(GROUP, 400);
    const before = s.messagesTo("1001").length;
    s.send({ kind: "reply", replyTo: "400", text: "   ", hasFile: false }, { userId: "700" });
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain("đang trống");
    s.send({ kind: "reply", replyTo: "400", text: "x".repeat(5000), hasFile: false }, { userId: "700" });
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain("vượt quá giới hạn 2000");
    expect(s.messagesTo("1001")).toHaveLength(before);
    const count = s.messagesTo(GROUP).length;
    s.send({ kind: "reply", replyTo: "12345", text: "chào cả nhóm", hasFile: false }, { userId: "700" });
    s.send({ kind: "reply", replyTo: "abc", text: "chào", hasFile: false }, { userId: "700" });
    expect(s.messagesTo(GROUP)).toHaveLength(count); // group chatter is not ours to answer
    // The prompt is still open after the bad attempts: an emoji question is a question.
    s.send(
      { kind: "reply", replyTo: "400", text: "🔥❓", hasFile: false },
      { userId: "700", messageRef: "402" },
    );
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("waiting_reporter");
    s.lastToChatSentAs("1001", 500);
    s.send(
      { kind: "reply", replyTo: "500", text: " ", hasFile: false },
      { userId: "1001", chatId: "1001", chatType: "private" },
    );
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("đang trống");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("waiting_reporter");
  });
});

describe("duty desk: resolve, duplicate, reject, escalate, close", () => {
  function acked() {
    const s = setup();
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.desk.fanOut(new Date(s.h.now().getTime() + 61_000));
    s.sentAs("duty:", 321);
    s.send({ kind: "action", ticketId, action: "ack" }, { userId: "700", messageRef: "321" });
    return { ...s, ticketId };
  }

  it("resolve asks for a summary, then the reporter is told it and reminded of the final report at D+3", () => {
    const s = acked();
    s.send({ kind: "action", ticketId: s.ticketId, action: "resolve" }, { userId: "700", messageRef: "321" });
    s.lastToChatSentAs(GROUP, 420);
    s.send(
      { kind: "reply", replyTo: "420", text: "Đã cô lập 5 máy, quét sạch mã độc <b>", hasFile: false },
      { userId: "700", messageRef: "421" },
    );
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(incident?.status).toBe("resolved");
    const told = (s.messagesTo("1001").at(-1) as ChatMessage).text;
    expect(told).toContain("Kết quả: Đã cô lập 5 máy, quét sạch mã độc &lt;b&gt;");
    const edit = s
      .messagesTo(GROUP)
      .filter((m) => m.kind === "edit")
      .at(-1) as EditMessage;
    expect(edit.text).toContain("Kết quả xử lý: Đã cô lập 5 máy");
    expect(edit.choices?.map((c) => c.value)).toEqual(["close", "reopen"]);
    const job = s.h.store.job(`final:${s.ticketId}`);
    expect(job?.dueAt).toBe(new Date(s.h.now().getTime() + 3 * 86_400_000).toISOString());
    expect(s.h.store.job(`unresolved:${s.ticketId}`)?.status).toBe("cancelled");
    // The same prompt answered again changes nothing more.
    s.send({ kind: "reply", replyTo: "420", text: "lần hai", hasFile: false }, { userId: "700" });
    expect(s.h.store.timeline(incident?.id ?? 0).filter((e) => e.action === "resolved")).toHaveLength(1);
    const fired = s.desk.fireJob(job as NonNullable<typeof job>, new Date(job?.dueAt ?? ""));
    expect(fired.chats).toEqual(["1001"]);
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("báo cáo kết thúc ứng phó sự cố");
    s.send({ kind: "action", ticketId: s.ticketId, action: "close" }, { userId: "700" });
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("closed");
  });

  it("duplicate needs another existing ticket's id; reject needs a reason the reporter sees", () => {
    const s = acked();
    s.send(
      { kind: "action", ticketId: s.ticketId, action: "dupreject" },
      { userId: "700", messageRef: "321" },
    );
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).choices?.map((c) => c.value)).toEqual([
      "dup",
      "reject",
    ]);
    s.send({ kind: "action", ticketId: s.ticketId, action: "dup" }, { userId: "700" });
    s.lastToChatSentAs(GROUP, 430);
    s.send({ kind: "reply", replyTo: "430", text: "SC-2026-999999", hasFile: false }, { userId: "700" });
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain(
      "Không tìm thấy phiếu «SC-2026-999999»",
    );
    s.send({ kind: "reply", replyTo: "430", text: s.ticketId, hasFile: false }, { userId: "700" });
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain("Không tìm thấy phiếu");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");

    const other = s.fileReport();
    s.send({ kind: "action", ticketId: other, action: "reject" }, { userId: "700" });
    s.lastToChatSentAs(GROUP, 440);
    s.send({ kind: "reply", replyTo: "440", text: "Không thuộc phạm vi", hasFile: false }, { userId: "700" });
    expect(s.h.store.incidentByTicket(other)?.status).toBe("rejected");
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("Lý do: Không thuộc phạm vi");

    s.send(
      { kind: "reply", replyTo: "430", text: `trùng ${other.toLowerCase()}`, hasFile: false },
      { userId: "700" },
    );
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("duplicate");
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain(`trùng với phiếu <b>${other}</b>`);
  });

  it("escalate offers only organisations not on the ticket; a forged target is refused and audited", () => {
    const s = acked();
    s.send({ kind: "action", ticketId: s.ticketId, action: "escalate" }, { userId: "700" });
    const menu = s.messagesTo(GROUP).at(-1) as ChatMessage;
    expect(menu.choices?.map((c) => c.value)).toEqual(["esc:ncsc"]);
    s.send({ kind: "action", ticketId: s.ticketId, action: "esc:vncert" }, { userId: "700" });
    s.send({ kind: "action", ticketId: s.ticketId, action: "esc:<b>" }, { userId: "700" });
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
    s.send(
      { kind: "action", ticketId: s.ticketId, action: "esc:ncsc" },
      { userId: "800", chatId: "-100999" },
    );
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
    s.send({ kind: "action", ticketId: s.ticketId, action: "esc:ncsc" }, { userId: "700" });
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(incident?.status).toBe("escalated");
    expect(incident?.routing.destinations.at(-1)).toMatchObject({ contactId: "ncsc", rules: ["manual"] });
    expect(
      s.h.store.duePending("duty", "9999").map((r) => (r.payload as { contactId: string }).contactId),
    ).toContain("ncsc");
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("chuyển cấp tới");
    const denied = s.audit().filter((a) => (a as { outcome: string }).outcome === "denied");
    expect(denied.map((a) => (a as { action: string }).action)).toEqual([
      "ticket.escalate",
      "ticket.escalate",
      "ticket.escalate",
    ]);
  });
});

describe("duty desk: re-raising, the legal clock, restarts (controlled clock)", () => {
  it("an acknowledged ticket unresolved after 24 h is raised again, and again a day later", () => {
    const s = setup();
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.desk.fanOut(s.h.now());
    s.send({ kind: "action", ticketId, action: "ack" }, { userId: "700" });
    const job = s.h.store.job(`unresolved:${ticketId}`);
    expect(job?.dueAt).toBe(new Date(s.h.now().getTime() + 86_400_000).toISOString());
    const at = new Date(job?.dueAt ?? "");
    s.desk.fireJob(job as NonNullable<typeof job>, at);
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain("chưa xử lý xong");
    expect(s.h.store.job(`unresolved:${ticketId}`)).toMatchObject({
      status: "pending",
      dueAt: new Date(at.getTime() + 86_400_000).toISOString(),
    });
    // Fired twice (say, by two processes): applied once.
    expect(s.desk.fireJob(job as NonNullable<typeof job>, at).duplicate).toBe(true);
    // The next day's occurrence is a message of its own.
    const raised = () => s.messagesTo(GROUP).filter((m) => m.text.includes("chưa xử lý xong")).length;
    const again = s.h.store.job(`unresolved:${ticketId}`) as NonNullable<typeof job>;
    s.desk.fireJob(again, new Date(again.dueAt));
    expect(raised()).toBe(2);
  });

  it("the 5-day legal clock warns a day before: duty chats, and the reporter while nobody has acknowledged", () => {
    const s = setup();
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.desk.fanOut(s.h.now());
    const incident = s.h.store.incidentByTicket(ticketId);
    const job = s.h.store.job(`legal:${ticketId}`);
    expect(job?.dueAt).toBe(new Date(Date.parse(incident?.detectedAt ?? "") + 4 * 86_400_000).toISOString());
    s.desk.fireJob(job as NonNullable<typeof job>, new Date(job?.dueAt ?? ""));
    expect((s.messagesTo(GROUP).at(-1) as ChatMessage).text).toContain("hạn thông báo sự cố 5 ngày");
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("[TBSC]");
  });
});

describe("duty desk: review fixes", () => {
  function posted() {
    const s = setup();
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.desk.fanOut(s.h.now());
    s.sentAs("duty:", 321);
    return { ...s, ticketId };
  }

  it("no legal-deadline warning once an organisation has acknowledged the ticket", () => {
    const s = posted();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, { userId: "700" });
    const before = [s.messagesTo(GROUP).length, s.messagesTo("1001").length];
    const job = s.h.store.job(`legal:${s.ticketId}`) as NonNullable<ReturnType<typeof s.h.store.job>>;
    s.desk.fireJob(job, new Date(job.dueAt));
    expect([s.messagesTo(GROUP).length, s.messagesTo("1001").length]).toEqual(before);
  });

  it("a manual escalation gives the new organisation its own acknowledge deadline, from now", () => {
    const s = posted();
    s.send({ kind: "action", ticketId: s.ticketId, action: "esc:ncsc" }, { userId: "700" });
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("escalated");
    expect(s.h.store.job(`ack:${s.ticketId}`)).toMatchObject({
      status: "pending",
      dueAt: new Date(s.h.now().getTime() + 3_600_000).toISOString(),
    });
  });

  it("the person whose own private chat is bound acts for its contact there", () => {
    const s = posted();
    s.send(
      { kind: "command", command: "bind", args: "vncert" },
      { userId: ADMIN, chatId: "760", chatType: "private" },
    );
    s.send(
      { kind: "action", ticketId: s.ticketId, action: "ack" },
      { userId: "760", chatId: "760", chatType: "private" },
    );
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
    // Someone else pressing in that chat (impossible on Telegram, forged here) has no authority from it.
    const other = setup();
    const otherTicket = other.fileReport();
    other.send(
      { kind: "command", command: "bind", args: "vncert" },
      { userId: ADMIN, chatId: "760", chatType: "private" },
    );
    other.send(
      { kind: "action", ticketId: otherTicket, action: "ack" },
      { userId: "761", chatId: "760", chatType: "private" },
    );
    expect(other.h.store.incidentByTicket(otherTicket)?.status).toBe("new");
  });

  it("/tickets in a group lists only that group's units, even for an admin", () => {
    const s = posted();
    s.send({ kind: "command", command: "tickets", args: "" }, { userId: ADMIN, chatId: "-100555" });
    expect((s.messagesTo("-100555").at(-1) as ChatMessage).text).not.toContain(s.ticketId);
    s.send(
      { kind: "command", command: "tickets", args: "" },
      { userId: ADMIN, chatId: ADMIN, chatType: "private" },
    );
    expect((s.messagesTo(ADMIN).at(-1) as ChatMessage).text).toContain(s.ticketId);
  });

  it("a reply to the relayed answer is a follow-up question; a huge answer is clipped to one message", () => {
    const s = posted();
    s.send(
      { kind: "reply", replyTo: "321", text: "Câu hỏi 1?", hasFile: false },
      { userId: "700", messageRef: "401" },
    );
    s.lastToChatSentAs("1001", 500);
    s.send(
      { kind: "reply", replyTo: "500", text: "&".repeat(5000), hasFile: false },
      { userId: "1001", chatId: "1001", chatType: "private", messageRef: "501" },
    );
    const relayed = s
      .messagesTo(GROUP)
      .filter((m) => m.kind === "chat" && m.text.includes("Người báo cáo trả lời"));
    expect(relayed).toHaveLength(1);
    expect(relayed[0]?.text.length).toBeLessThan(4096);
    const relayRow = s.h.store.db
      .prepare("SELECT id FROM outbox WHERE chat_id = ? AND payload LIKE '%Người báo cáo trả lời%'")
      .get(GROUP) as { id: number };
    s.h.store.markSent(relayRow.id, s.h.now().toISOString(), { messageIds: [600] });
    s.send(
      { kind: "reply", replyTo: "600", text: "Câu hỏi 2?", hasFile: false },
      { userId: "700", messageRef: "601" },
    );
    expect((s.messagesTo("1001").at(-1) as ChatMessage).text).toContain("Câu hỏi 2?");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("waiting_reporter");
  });

  it("a ticket message still queued for another group is rewritten, not doubled, when the ticket moves on", () => {
    const s = setup();
    const ticketId = s.fileReport();
    s.send({ kind: "command", command: "bind", args: "vncert" }, { userId: ADMIN });
    s.send({ kind: "command", command: "bind", args: "provincial" }, { userId: ADMIN, chatId: "-100888" });
    s.desk.fanOut(s.h.now());
    s.sentAs(`duty:${ticketId}:vncert`, 321); // the provincial group's post is still waiting for its window
    s.send({ kind: "action", ticketId, action: "ack" }, { userId: "700", messageRef: "321" });
    const toProvince = s.messagesTo("-100888").filter((m) => m.text.includes(ticketId));
    expect(toProvince).toHaveLength(1);
    expect(toProvince[0]?.text).toContain("Đã được tiếp nhận");
  });
});
