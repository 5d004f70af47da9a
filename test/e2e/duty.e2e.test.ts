import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProvincialPolice } from "../fixtures/contacts.ts";
import {
  bindGroup,
  botMessageRef,
  EmulatedUser,
  fileReport,
  groupClient,
  type Stack,
  startStack,
  waitFor,
} from "./telegram-harness.ts";

const ADMIN = 8001;
const MEMBER = 8002;
const GROUP = -1008000;

describe("duty workflow end to end (grammY, polling)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("grammy", "polling", { ADMIN_TELEGRAM_IDS: String(ADMIN) });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("report → message in the bound duty group within a second → acknowledge → reporter notified", async () => {
    const inGroup = (userId: number) =>
      groupClient(stack, { userId, chatId: GROUP, firstName: `Trực ${userId}` });
    await bindGroup(stack, { userId: ADMIN, chatId: GROUP, firstName: `Trực ${ADMIN}` });
    expect(stack.app.store.contactsOfChat("telegram", String(GROUP))).toEqual(["vncert"]);

    const reporter = new EmulatedUser(stack, 8100);
    await fileReport(reporter);
    const confirmed = Date.now();
    const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.lastText())?.[0] ?? "";
    expect(ticketId).not.toBe("");
    await waitFor(
      () => stack.messages(GROUP).some((m) => m.message.text.includes(ticketId)),
      "the duty message",
      1000,
    );
    expect(Date.now() - confirmed).toBeLessThan(1000);
    const post = stack.messages(GROUP).find((m) => m.message.text.includes(ticketId));
    expect(post?.message.text).toContain("Mức độ: <b>Cao</b>");
    const ack = post?.message.reply_markup?.inline_keyboard
      .flat()
      .find((b) => b.callback_data?.endsWith("|ack"));
    expect(ack?.callback_data).toBe(`t.${ticketId}|ack`);

    const seen = reporter.messages().length;
    const member = inGroup(MEMBER);
    await member.sendCallback(
      member.makeCallbackQuery(ack?.callback_data ?? "", {
        message: { message_id: post?.messageId },
      } as never),
    );
    await waitFor(() => reporter.messages().length > seen, "the reporter's notification");
    expect(reporter.textsSince(seen)).toContain(
      `Phiếu <b>${ticketId}</b> đã được <b>Trung tâm Ứng cứu khẩn cấp`,
    );
    await waitFor(
      () =>
        (stack.messages(GROUP).find((m) => m.messageId === post?.messageId)?.message.text ?? "").includes(
          "Đã được tiếp nhận",
        ),
      "the duty message edited in place",
    );
    expect(stack.app.store.incidentByTicket(ticketId)?.status).toBe("acknowledged");
  });

  it("ask → the reporter answers (reply) → the answer lands in the group's thread → resolve → reporter notified", async () => {
    const reporter = new EmulatedUser(stack, 8100);
    const ticketId = stack.app.store.incidentsByReporter("telegram", "8100")[0]?.ticketId ?? "";
    const member = groupClient(stack, { userId: MEMBER, chatId: GROUP, firstName: `Trực ${MEMBER}` });
    const post = () => stack.messages(GROUP).find((m) => m.message.text.includes(ticketId));
    const press = async (action: string) => {
      const data = post()
        ?.message.reply_markup?.inline_keyboard.flat()
        .find((b) => b.callback_data?.endsWith(`|${action}`))?.callback_data;
      expect(data).toBe(`t.${ticketId}|${action}`);
      await member.sendCallback(
        member.makeCallbackQuery(data ?? "", { message: { message_id: post()?.messageId } } as never),
      );
    };
    const groupSays = (text: string) =>
      waitFor(
        () => stack.messages(GROUP).find((m) => m.message.text.includes(text)),
        `"${text}" in the group`,
      );
    const replyInGroup = async (text: string, to: number) => {
      await member.sendMessage(member.makeMessage(text, { reply_to_message: botMessageRef(to) } as never));
    };

    await press("ask");
    const askPrompt = await groupSays("câu hỏi gửi người báo cáo");
    await replyInGroup("Đề nghị cho biết địa chỉ IP của máy chủ web", askPrompt.messageId);
    const question = await waitFor(
      () => reporter.messages().find((m) => m.message.text.includes("địa chỉ IP của máy chủ web")),
      "the question relayed to the reporter",
    );
    expect(question.message.text).toContain("trả lời tin nhắn này");
    expect(stack.app.store.incidentByTicket(ticketId)?.status).toBe("waiting_reporter");

    await reporter.reply("Máy chủ web 203.0.113.10, đã ngắt khỏi mạng lúc 9h", question.messageId);
    const answer = await groupSays("203.0.113.10");
    expect(answer.message.text).toContain("Người báo cáo trả lời");
    expect(reporter.lastText()).toContain("Đã chuyển câu trả lời");
    expect(stack.app.store.incidentByTicket(ticketId)?.status).toBe("in_progress");

    const seen = reporter.messages().length;
    await waitFor(
      () =>
        post()
          ?.message.reply_markup?.inline_keyboard.flat()
          .some((b) => b.callback_data?.endsWith("|resolve")),
      "the resolve button on the edited ticket message",
    );
    await press("resolve");
    const resolvePrompt = await groupSays("tóm tắt kết quả xử lý");
    await replyInGroup("Đã gỡ mã độc, khôi phục từ bản sao lưu", resolvePrompt.messageId);
    await waitFor(() => reporter.messages().length > seen, "the reporter's resolution notice");
    expect(reporter.textsSince(seen)).toContain("Kết quả: Đã gỡ mã độc, khôi phục từ bản sao lưu");
    expect(stack.app.store.incidentByTicket(ticketId)?.status).toBe("resolved");
    const beforeStatus = reporter.messages().length;
    await reporter.command(`/trangthai ${ticketId}`);
    expect(reporter.textsSince(beforeStatus)).toMatch(
      /Đã được tiếp nhận[\s\S]*Cán bộ trực hỏi thêm[\s\S]*Đã xử lý xong/,
    );
  });

  it("not acknowledged in time (controlled clock): reminder in the group, escalated to PA05's group, reporter told", async () => {
    // After 2025 an admin adds the provincial police (PA05): next in the chain after the province and VNCERT/CC.
    addProvincialPolice(stack.app.store);
    const PA05_GROUP = -1008500;
    await bindGroup(stack, { userId: ADMIN, chatId: PA05_GROUP, chatTitle: "Trực PA05" }, "pa05");
    const reporter = new EmulatedUser(stack, 8200);
    await fileReport(reporter);
    const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.lastText())?.[0] ?? "";
    await waitFor(
      () => stack.messages(GROUP).some((m) => m.message.text.includes(ticketId)),
      "the duty post",
    );
    const seen = reporter.messages().length;
    // Time passes: the ticket's acknowledge deadline (one hour for Cao) is moved to now, and the running bot's
    // own scheduler, on its own clock, fires it as it would an hour later.
    const job = stack.app.store.job(`ack:${ticketId}`);
    expect(job?.status).toBe("pending");
    expect(
      Date.parse(job?.dueAt ?? "") - Date.parse(stack.app.store.incidentByTicket(ticketId)?.createdAt ?? ""),
    ).toBe(3_600_000);
    stack.app.db
      .prepare("UPDATE scheduled_jobs SET due_at = ? WHERE job_key = ?")
      .run(new Date(Date.now() - 1000).toISOString(), `ack:${ticketId}`);
    await waitFor(
      () =>
        stack
          .messages(GROUP)
          .some((m) => m.message.text.includes("quá hạn tiếp nhận") && m.message.text.includes(ticketId)),
      "the reminder in the VNCERT group",
    );
    await waitFor(
      () => stack.messages(PA05_GROUP).some((m) => m.message.text.includes(ticketId)),
      "PA05's copy",
    );
    await waitFor(() => reporter.messages().length > seen, "the reporter told");
    expect(reporter.textsSince(seen)).toContain("chuyển cấp");
    expect(stack.app.store.incidentByTicket(ticketId)?.status).toBe("escalated");
  });

  it("a non-member pressing a duty button, and a non-admin binding, change nothing and are audited", async () => {
    // An escalated ticket: a member of its duty groups could take it, so only authority stands in the way.
    const ticket = stack.app.store.incidentsByReporter("telegram", "8200")[0];
    expect(ticket?.status).toBe("escalated");
    const stranger = groupClient(stack, { userId: 8999, chatId: -1008999, chatTitle: "Nhóm khác" });
    await stranger.sendCallback(
      stranger.makeCallbackQuery(`t.${ticket?.ticketId}|take`, { message: { message_id: 1 } } as never),
    );
    await stranger.sendCommand(stranger.makeCommand("/bind vncert"));
    await waitFor(() => stack.messages(-1008999).length >= 2, "both refusals");
    expect(
      stack
        .messages(-1008999)
        .map((m) => m.message.text)
        .join("\n"),
    ).toMatch(/không có quyền[\s\S]*Chỉ quản trị viên/);
    expect(stack.app.store.incidentByTicket(ticket?.ticketId ?? "")?.status).toBe("escalated");
    expect(stack.app.store.contactsOfChat("telegram", "-1008999")).toEqual([]);
    const denied = stack.app.db
      .prepare(
        "SELECT action FROM audit_log WHERE actor = 'telegram:8999' AND outcome = 'denied' ORDER BY id",
      )
      .all();
    expect(denied).toEqual([{ action: "ticket.take" }, { action: "duty.bind" }]);
  });
});
