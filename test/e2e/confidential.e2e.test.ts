import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProvincialPolice } from "../fixtures/contacts.ts";
import {
  bindGroup,
  botMessageRef,
  EmulatedUser,
  fileReport,
  groupClient,
  REPORT_BY_BUTTONS,
  type Stack,
  startStack,
  TOKEN,
  waitFor,
} from "./telegram-harness.ts";

const ADMIN = 8301;
const MEMBER = 8302;
const GROUP = -1008300;
const PA05_GROUP = -1008350;
const REPORTER = 8400;
/** A duty officer in one of the two duty groups, as the emulator's client presents them. */
const groupMember = (userId: number, chatId: number) => ({
  userId,
  chatId,
  chatTitle: chatId === GROUP ? "Tổ trực VNCERT" : "Trực PA05",
  firstName: `Trực ${userId}`,
});

const DESCRIPTION =
  "Máy chủ web 203.0.113.77 bị nhiễm mã độc mã hoá dữ liệu, quản trị viên gọi số 0987 654 321 để phối hợp";
/** A confidential report (REPORT_BY_BUTTONS answers I8 "yes") whose description names an address and a phone. */
const CONFIDENTIAL_REPORT = REPORT_BY_BUTTONS.map((step) =>
  "say" in step && step.say.startsWith("Nhiều máy trạm") ? { say: DESCRIPTION } : step,
);

/** What no bot message to a group may contain for a confidential ticket. */
const LEAKS: Array<[string, RegExp]> = [
  ["the description", /mã hoá dữ liệu|Máy chủ web/],
  ["a phone number", /(?<![\d-])(?:\+84|0)\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}(?!\d)/],
  ["an e-mail address", /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/],
  ["an IP address", /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/],
  ["the reporter's name", /Nguyễn Văn An/],
];

describe("a confidential report (Mẫu 03, I8) stays out of every group chat (grammY, polling)", () => {
  let stack: Stack;
  /** Every sendMessage and editMessageText the emulator received, as sent (earlier versions of edits kept). */
  const sent: Array<{ method: string; chatId: string; text: string }> = [];
  beforeAll(async () => {
    stack = await startStack("grammy", "polling", {
      ADMIN_TELEGRAM_IDS: String(ADMIN),
      // The emulator has no copyMessage: a copy fails once and is set aside instead of retried for long.
      DELIVERY_MAX_ATTEMPTS: "1",
    });
    const add = stack.server.addBotMessage.bind(stack.server);
    const edit = stack.server.editMessageText.bind(stack.server);
    const record = (method: string, raw: unknown) => {
      const body = raw as { chat_id?: unknown; text?: unknown };
      sent.push({ method, chatId: String(body.chat_id), text: String(body.text ?? "") });
    };
    stack.server.addBotMessage = (raw, token) => {
      record("sendMessage", raw);
      return add(raw, token);
    };
    stack.server.editMessageText = (raw) => {
      record("editMessageText", raw);
      edit(raw);
    };
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("duty posts, edits, reminders, escalation, relays and /ticket in a group show only id, severity, type and unit", async () => {
    const { app } = stack;
    addProvincialPolice(app.store);
    // The member is a duty officer of VNCERT/CC: authority over its tickets, also in a private chat.
    app.store.grantRole("telegram", String(MEMBER), "duty", "vncert", "test", new Date().toISOString());
    const inGroup = (userId: number, chatId = GROUP) => groupClient(stack, groupMember(userId, chatId));
    const groupSays = (text: string, chatId = GROUP) =>
      waitFor(
        () => stack.messages(chatId).find((m) => m.message.text.includes(text)),
        `"${text}" in group ${chatId}`,
      );
    for (const [chatId, contact] of [
      [GROUP, "vncert"],
      [PA05_GROUP, "pa05"],
    ] as const) {
      await bindGroup(stack, groupMember(ADMIN, chatId), contact);
    }

    const reporter = new EmulatedUser(stack, REPORTER);
    await fileReport(reporter, CONFIDENTIAL_REPORT);
    const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.lastText())?.[0] ?? "";
    expect(ticketId).not.toBe("");
    const post = await groupSays(ticketId);
    expect(post.message.text).toContain("Mức độ: <b>Cao</b>");
    expect(post.message.text).toContain("Nhiễm mã độc");
    expect(post.message.text).toContain("Sở Khoa học và Công nghệ tỉnh Lai Châu");
    expect(post.message.text).toContain(`/ticket ${ticketId}`);

    // The legal-deadline warning and the acknowledge deadline fall due (the bot's own scheduler fires them).
    const due = (jobKey: string) =>
      app.db
        .prepare("UPDATE scheduled_jobs SET due_at = ? WHERE job_key = ?")
        .run(new Date(Date.now() - 1000).toISOString(), jobKey);
    due(`legal:${ticketId}`);
    await groupSays("Thông tư 20/2017");
    due(`ack:${ticketId}`);
    await groupSays("quá hạn tiếp nhận");
    await groupSays(ticketId, PA05_GROUP);

    // /ticket in the group: the restricted view, pointing to the private chat; in private: everything.
    const member = inGroup(MEMBER);
    const before = stack.messages(GROUP).length;
    await member.sendCommand(member.makeCommand(`/ticket ${ticketId}`));
    await waitFor(() => stack.messages(GROUP).length > before, "the answer to /ticket in the group");
    expect(stack.messages(GROUP).at(-1)?.message.text).toContain("trong tin nhắn riêng với trợ lý");
    const officer = new EmulatedUser(stack, MEMBER);
    await officer.command(`/ticket ${ticketId}`);
    expect(officer.lastText()).toContain("203.0.113.77");
    expect(officer.lastText()).toContain("0912 345 678");

    // Acknowledge, then ask the reporter; the answer (text, then a file) goes to the asking officer in private.
    const current = () => stack.messages(GROUP).find((m) => m.messageId === post.messageId);
    const press = async (action: string) => {
      const data = current()
        ?.message.reply_markup?.inline_keyboard.flat()
        .find((b) => b.callback_data?.endsWith(`|${action}`))?.callback_data;
      expect(data).toBe(`t.${ticketId}|${action}`);
      await member.sendCallback(
        member.makeCallbackQuery(data ?? "", { message: { message_id: post.messageId } } as never),
      );
    };
    const replyInGroup = (text: string, to: number) =>
      member.sendMessage(member.makeMessage(text, { reply_to_message: botMessageRef(to) } as never));
    await press("ack");
    await waitFor(() => current()?.message.text.includes("Đã được tiếp nhận"), "the post edited");
    await press("ask");
    const askPrompt = await groupSays("câu hỏi gửi người báo cáo");
    await replyInGroup("Đề nghị cho biết địa chỉ IP và số điện thoại của quản trị viên", askPrompt.messageId);
    const question = await waitFor(
      () => reporter.messages().find((m) => m.message.text.includes("số điện thoại của quản trị viên")),
      "the question relayed to the reporter",
    );
    await groupSays("gửi riêng cho Anh/Chị");
    await reporter.reply(
      "Máy chủ web 203.0.113.77; anh Bình 0912 000 111, binh@laichau.gov.vn",
      question.messageId,
    );
    await groupSays("Người báo cáo đã trả lời");
    await waitFor(
      () => officer.messages().some((m) => m.message.text.includes("binh@laichau.gov.vn")),
      "the answer in the officer's private chat",
    );
    const withFile = reporter.from;
    const client = stack.server.getClient(TOKEN, {
      userId: REPORTER,
      chatId: REPORTER,
      type: "private",
      firstName: withFile.first_name,
    });
    const document = client.makeMessage("", {
      from: withFile,
      reply_to_message: botMessageRef(question.messageId),
      document: {
        file_id: "doc-nhat-ky",
        file_unique_id: "u-nhat-ky",
        file_name: "nhat-ky-203.0.113.77.log",
      },
      caption: "Nhật ký máy chủ",
    } as never) as unknown as Record<string, unknown>;
    delete document.text;
    const beforeFile = stack.processed();
    await client.sendMessage(document as never);
    await stack.settled(REPORTER, beforeFile);
    expect(
      app.store
        .timeline(app.store.incidentByTicket(ticketId)?.id ?? 0)
        .filter((e) => e.action === "reporter_replied"),
    ).toHaveLength(1);

    // Still not resolved a day later: the reminder; then resolved (the summary repeats details) and closed.
    due(`unresolved:${ticketId}`);
    await groupSays("chưa xử lý xong");
    await waitFor(
      () =>
        current()
          ?.message.reply_markup?.inline_keyboard.flat()
          .some((b) => b.callback_data?.endsWith("|resolve")),
      "the resolve button",
    );
    await press("resolve");
    const resolvePrompt = await groupSays("tóm tắt kết quả xử lý");
    await replyInGroup("Đã gỡ mã độc trên máy chủ web 203.0.113.77", resolvePrompt.messageId);
    await waitFor(
      () => current()?.message.text.includes("Trạng thái: <b>Đã xử lý</b>"),
      "the post shows resolved",
    );
    await press("close");
    await waitFor(() => app.store.incidentByTicket(ticketId)?.status === "closed", "closed");
    await waitFor(
      () => app.store.pendingForChat("telegram", String(GROUP)).length === 0,
      "everything for the group sent",
    );

    // Every message the bot sent to a group, as the emulator received it, and every one it queued (copies too).
    const groups = new Set([String(GROUP), String(PA05_GROUP)]);
    const received = sent.filter((m) => groups.has(m.chatId));
    const queued = (
      app.db.prepare("SELECT chat_id, payload FROM outbox WHERE channel = 'telegram'").all() as Array<{
        chat_id: string;
        payload: string;
      }>
    ).filter((r) => groups.has(r.chat_id));
    expect(received.length).toBeGreaterThan(15);
    expect(received.filter((m) => m.method === "editMessageText").length).toBeGreaterThan(3);
    for (const m of [...received.map((r) => r.text), ...queued.map((r) => r.payload)]) {
      for (const [what, pattern] of LEAKS) {
        expect(pattern.test(m), `${what} in a group message:\n${m}`).toBe(false);
      }
    }
    const kinds = new Set(queued.map((r) => (JSON.parse(r.payload) as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(["chat", "edit"]);
    // The file went where the answer went: the asking officer's private chat.
    const copies = app.db
      .prepare("SELECT chat_id FROM outbox WHERE json_extract(payload, '$.kind') = 'copy'")
      .all() as Array<{ chat_id: string }>;
    expect(copies).toEqual([{ chat_id: String(MEMBER) }]);
  });
});
