import { describe, expect, it } from "vitest";
import type { DutyEvent } from "../../src/duty/desk.ts";
import type { ChatMessage, EditMessage } from "../../src/messages.ts";
import { OPEN_REPORT_WALK } from "../fixtures/report-walk.ts";
import { ADMIN, dutyRig } from "../support/duty-rig.ts";
import { textError } from "../support/telegram-rules.ts";

const GROUP = "-100777";
/** The bot's margin under Telegram's 4,096 characters: a duty post must fit one message. */
const ONE_MESSAGE = 4000;

/** A report whose description is `description`, posted into a bound group; the post marked sent as `postId`. */
function posted(description: string, postId = 321, answers: Record<number, string> = {}) {
  const rig = dutyRig({ group: GROUP });
  const { h, desk, messagesTo } = rig;
  const send = (payload: DutyEvent["payload"], userId: string, messageRef?: string) =>
    rig.event(payload, { userId, messageRef });
  const walk = [...OPEN_REPORT_WALK];
  walk[4] = description;
  for (const [i, value] of Object.entries(answers)) walk[Number(i)] = value;
  const ticketId = rig.fileReport(walk);
  rig.bind("vncert");
  rig.fanOutAfter(61_000);
  const post = h.store.outboxRow(rig.deliverPost(ticketId, postId))?.payload as ChatMessage;
  /** Officer 700 acknowledges and resolves on the post, then answers the summary prompt (sent as 400) with `text`. */
  const resolveWith = (text: string) => {
    send({ kind: "action", ticketId, action: "ack" }, "700", String(postId));
    send({ kind: "action", ticketId, action: "resolve" }, "700", String(postId));
    const prompt = h.store.db
      .prepare("SELECT id FROM outbox WHERE chat_id = ? ORDER BY id DESC LIMIT 1")
      .get(GROUP) as { id: number };
    rig.markSent(prompt.id, 400);
    send({ kind: "reply", replyTo: "400", text, hasFile: false }, "700");
  };
  return { h, desk, send, messagesTo, ticketId, post, resolveWith };
}

/** An ordinary Vietnamese sentence, repeated to a length. */
const prose = (length: number) =>
  "Máy chủ cổng thông tin bị tấn công, nhiều tệp bị mã hoá và dịch vụ công trực tuyến ngừng hoạt động. "
    .repeat(Math.ceil(length / 90))
    .slice(0, length);

describe("a duty post is one valid message that always shows the status", () => {
  it("a description with an emoji where it is cut still reaches the group as valid text", () => {
    // The reproduction of issue 11 item 1: 🔥 at UTF-16 position 799 of an 825-unit description.
    const description = `${prose(799)}🔥${prose(24)}`;
    expect(description.length).toBe(825);
    const { post } = posted(description);
    expect(textError(post.text, "HTML")).toBeUndefined();
    expect(post.text).toContain(prose(700));
  });

  it("a description that grows past one message once escaped is cut to fit, with the way to read it all", () => {
    // 3,990 characters, a third of them `&`: over 10,000 once escaped.
    const description = "A&B ".repeat(998).slice(0, 3990);
    const s = posted(description);
    expect(s.post.text.length).toBeLessThanOrEqual(ONE_MESSAGE);
    expect(textError(s.post.text, "HTML")).toBeUndefined();
    expect(s.post.text).toContain("Trạng thái: <b>Chờ tiếp nhận</b>");
    expect(s.post.text).toContain(`/ticket ${s.ticketId}`);
    expect(s.post.choices?.map((c) => c.value)).toContain("ack");
    // Every later edit shows the new status, on the message that has the buttons.
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, "700", "321");
    const edit = s.messagesTo(GROUP).at(-1) as EditMessage;
    expect(edit).toMatchObject({ kind: "edit", messageRef: "321" });
    expect(edit.text.length).toBeLessThanOrEqual(ONE_MESSAGE);
    expect(edit.text).toContain("Trạng thái: <b>Đã được tiếp nhận</b>");
  });

  it("a short description is shown whole, without the /ticket line", () => {
    const s = posted(prose(300).trim());
    expect(s.post.text).toContain(prose(300).trim());
    expect(s.post.text).not.toContain("/ticket");
  });

  it("a long resolution does not push the status out of the post", () => {
    const s = posted("A&B ".repeat(998).slice(0, 3990));
    s.resolveWith("<&>".repeat(660));
    const edit = s.messagesTo(GROUP).at(-1) as EditMessage;
    expect(edit.kind).toBe("edit");
    expect(edit.text.length).toBeLessThanOrEqual(ONE_MESSAGE);
    expect(textError(edit.text, "HTML")).toBeUndefined();
    expect(edit.text).toContain("Trạng thái: <b>Đã xử lý</b>");
  });

  it("every user field at its longest, all `&`, still fits one message with the status", () => {
    // One letter first: an answer of "&" alone carries no information and is refused (issue 16.6).
    const amp = (n: number) => `A${"&".repeat(n - 1)}`;
    // system, operator, owner, full name, title, organisation, address: each at its validator's limit.
    const s = posted(amp(4000), 321, {
      0: amp(300),
      17: amp(200),
      18: amp(200),
      23: amp(100),
      24: amp(100),
      25: amp(200),
      26: amp(300),
    });
    expect(s.h.store.incidentByTicket(s.ticketId)).toBeDefined();
    expect(s.post.text.length).toBeLessThanOrEqual(ONE_MESSAGE);
    expect(textError(s.post.text, "HTML")).toBeUndefined();
    s.resolveWith(amp(2000));
    const edit = s.messagesTo(GROUP).at(-1) as EditMessage;
    expect(edit.text.length).toBeLessThanOrEqual(ONE_MESSAGE);
    expect(textError(edit.text, "HTML")).toBeUndefined();
    expect(edit.text).toContain("Trạng thái: <b>Đã xử lý</b>");
  });

  it("/ticket in a private chat shows the whole description", () => {
    const description = `${prose(2000)} KẾT THÚC`;
    const s = posted(description);
    s.desk.handle({
      channel: "telegram",
      chatId: ADMIN,
      chatType: "private",
      userId: ADMIN,
      userName: "Admin",
      dedupeKey: "view1",
      at: s.h.now(),
      payload: { kind: "command", command: "ticket", args: s.ticketId },
    });
    const view = s.messagesTo(ADMIN).at(-1) as ChatMessage;
    expect(view.text).toContain("KẾT THÚC");
  });
});

describe("a superseded copy of a duty post (resent after a crash) is stale", () => {
  it("a press on the earlier copy changes nothing, says the message is outdated and removes its buttons", () => {
    // Message 320 went out, the process was killed before it was marked sent; the resend became 321.
    const s = posted(prose(200), 321);
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, "700", "320");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("new");
    const out = s.messagesTo(GROUP).slice(-2);
    const answer = out.find((m) => m.kind === "chat") as ChatMessage;
    expect(answer.text).toContain("đã cũ");
    const cleared = out.find((m) => m.kind === "edit") as EditMessage;
    expect(cleared).toMatchObject({ kind: "edit", messageRef: "320" });
    expect(cleared.choices ?? []).toEqual([]);
    // The current post still works.
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, "700", "321");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
  });

  it("in a chat bound to two units, each unit's post works", () => {
    const s = posted(prose(200), 321);
    s.send({ kind: "command", command: "bind", args: "provincial" }, ADMIN);
    s.desk.fanOut(new Date(s.h.now().getTime() + 600_000));
    const second = s.h.store.db
      .prepare("SELECT id FROM outbox WHERE idempotency_key LIKE 'duty:%' ORDER BY id DESC LIMIT 1")
      .get() as { id: number };
    s.h.store.markSent(second.id, s.h.now().toISOString(), { messageIds: [340] });
    const incidentId = s.h.store.incidentByTicket(s.ticketId)?.id ?? 0;
    expect(
      s.h.store
        .dutyPosts(incidentId)
        .flatMap((p) => p.messageIds)
        .sort(),
    ).toEqual([321, 340]);
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, "700", "321");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
    s.send({ kind: "action", ticketId: s.ticketId, action: "take" }, "700", "340");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("in_progress");
  });

  it("buttons on messages after the post (questions the desk asked) still work", () => {
    const s = posted(prose(200), 321);
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, "700", "325");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
  });
});
