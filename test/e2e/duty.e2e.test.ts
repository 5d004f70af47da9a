import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatedUser, fileReport, type Stack, startStack, TOKEN, waitFor } from "./telegram-harness.ts";

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
      stack.server.getClient(TOKEN, {
        userId,
        chatId: GROUP,
        type: "supergroup",
        chatTitle: "Tổ trực VNCERT",
        firstName: `Trực ${userId}`,
      });
    const admin = inGroup(ADMIN);
    await admin.sendCommand(admin.makeCommand("/bind vncert"));
    await waitFor(
      () => stack.messages(GROUP).some((m) => m.message.text.includes("Đã gắn nhóm")),
      "the bind confirmation",
    );
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

  it("a non-member pressing a duty button, and a non-admin binding, change nothing and are audited", async () => {
    const ticket = stack.app.store.incidentsByReporter("telegram", "8100")[0];
    const stranger = stack.server.getClient(TOKEN, {
      userId: 8999,
      chatId: -1008999,
      type: "supergroup",
      chatTitle: "Nhóm khác",
    });
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
    expect(stack.app.store.incidentByTicket(ticket?.ticketId ?? "")?.status).toBe("acknowledged");
    expect(stack.app.store.contactsOfChat("telegram", "-1008999")).toEqual([]);
    const denied = stack.app.db
      .prepare(
        "SELECT action FROM audit_log WHERE actor = 'telegram:8999' AND outcome = 'denied' ORDER BY id",
      )
      .all();
    expect(denied).toEqual([{ action: "ticket.take" }, { action: "duty.bind" }]);
  });
});
