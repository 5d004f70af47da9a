import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { startMailbox, subjectOf } from "../support/mailbox.ts";
import {
  type BotMessage,
  bindGroup,
  botMessageRef,
  EmulatedUser,
  groupClient,
  type Stack,
  startStack,
  waitFor,
} from "./telegram-harness.ts";

// Issue 16: a reporter who opens with one paragraph reaches the duty group in three actions, and the ticket is
// completed in place afterwards. Figures are printed (and asserted) so the note can quote them.

const ADMIN = 8501;
const GROUP = -1008500;

/**
 * One paragraph with every urgent fact: system, type, time, what happened, status. The time is relative ("30
 * minutes ago"): a clock time such as "8h sáng nay" is still in the future before 08:00 in Vietnam (17:00–01:00
 * UTC), and a future detection time is refused, so the test failed whenever it ran in those hours.
 */
const PARAGRAPH =
  "Khoảng 30 phút trước cổng thông tin điện tử tỉnh congthongtin.laichau.gov.vn bị tấn công thay đổi giao diện, " +
  "trang chủ hiện nội dung lạ, hiện vẫn đang diễn ra.";

/** How the rest of the report is answered, by the question on screen (token after the flow's prefix). */
const ANSWERS: Record<string, Array<{ press: string } | { say: string }>> = {
  "p.fullName": [{ press: "prefill" }],
  "p.title": [{ press: "_skip" }],
  "p.organisation": [{ say: "Sở Khoa học và Công nghệ tỉnh Lai Châu" }],
  "p.address": [{ say: "Tầng 3, Khu hành chính tỉnh, TP Lai Châu" }],
  "p.phone": [{ say: "0912 345 678" }],
  "p.email": [{ say: "an.nv@laichau.gov.vn" }],
  // The organisation's phone and e-mail: the person's own are offered, and taken.
  "p.orgPhone": [{ press: "prefill" }],
  "p.orgEmail": [{ press: "prefill" }],
  "p.province": [{ say: "Lai Châu" }],
  "p.confirm": [{ press: "save" }],
  "r.reporterConfirm": [{ press: "use" }],
  "r.detection": [{ press: "log_review" }, { press: "_done" }],
  "r.systemLevel": [{ press: "2" }],
  "r.serviceDisrupted": [{ press: "no" }],
  "r.privilegedAccount": [{ press: "no" }],
  "r.dataExposed": [{ press: "none" }],
  "r.machines": [{ say: "1" }],
  "r.dangerousSituation": [{ press: "no" }],
  "r.canHandleAlone": [{ press: "yes" }],
  "r.operator": [{ press: "prefill" }],
  "r.ownerSector": [{ press: "civil" }],
  // "Nobody notified yet" excludes the others: it answers at once.
  "r.notified": [{ press: "none" }],
  "r.optionalOffer": [{ press: "skip" }],
  "r.summary": [{ press: "submit" }],
};

/** The question on screen: the token of the newest message with buttons. */
function onScreen(user: EmulatedUser): string {
  const data = [...user.messages()]
    .reverse()
    .find((m) => m.message.reply_markup?.inline_keyboard.flat().length)
    ?.message.reply_markup?.inline_keyboard.flat()[0]?.callback_data;
  return data?.split("|")[0] ?? "";
}

/** Answers whatever is asked until the report is submitted; returns how many screens and actions it took. */
async function completeReport(user: EmulatedUser): Promise<{ screens: number; actions: number }> {
  let screens = 0;
  let actions = 0;
  for (let guard = 0; guard < 40; guard++) {
    const token = onScreen(user);
    const steps = ANSWERS[token];
    if (!steps) throw new Error(`no scripted answer for ${token}:\n${user.lastText()}`);
    screens++;
    for (const step of steps) {
      actions++;
      if ("press" in step) await user.press(step.press);
      else await user.say(step.say);
    }
    if (token === "r.summary") return { screens, actions };
  }
  throw new Error("the report never reached its summary");
}

/** The duty officer of VNCERT/CC's group, as the tests' admin. */
const OFFICER = { userId: ADMIN, chatId: GROUP, firstName: "Trực" };

const postOf = (stack: Stack, ticketId: string): BotMessage | undefined =>
  stack.messages(GROUP).find((m) => m.message.text.includes(`Phiếu ${ticketId}`));

describe("quick alert end to end (grammY, polling, SMTP)", () => {
  let stack: Stack;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  /** The subjects of the e-mails delivered, in order. */
  const delivered = () => mailbox.mails.map((m) => subjectOf(m.raw));
  beforeAll(async () => {
    mailbox = await startMailbox();
    stack = await startStack("grammy", "polling", {
      ADMIN_TELEGRAM_IDS: String(ADMIN),
      SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
    });
    await bindGroup(stack, OFFICER);
  });
  afterAll(async () => {
    await stack.stop();
    await mailbox.close();
  });

  it("paragraph → confirmation → quick alert: a preliminary ticket in the duty group, then completed in place", async () => {
    const reporter = new EmulatedUser(stack, 8600);
    const started = Date.now();
    await reporter.command("/baocao"); // action 1
    await reporter.say(PARAGRAPH); // action 2
    expect(reporter.textsSince(0)).toContain("Trợ lý hiểu như sau");
    // Advice up front: an ongoing defacement.
    expect(reporter.textsSince(0)).toContain("tạm ngừng trang thông tin điện tử");
    const pressed = Date.now();
    await reporter.press("alert"); // action 3
    const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.textsSince(0))?.[0] ?? "";
    expect(ticketId).not.toBe("");
    const post = await waitFor(
      () => postOf(stack, ticketId),
      "the preliminary ticket in the duty group",
      2000,
    );
    const inGroupMs = Date.now() - pressed;
    const wallMs = Date.now() - started;
    console.log(
      `[issue 16] /report → duty group: 3 reporter actions, ${wallMs} ms wall (${inGroupMs} ms after the alert)`,
    );
    expect(inGroupMs).toBeLessThan(2000);
    expect(wallMs).toBeLessThan(5000);
    expect(post.message.text).toContain("SƠ BỘ");
    expect(post.message.text).toContain("Còn thiếu");
    expect(stack.app.store.incidentByTicket(ticketId)?.preliminary).toBe(true);
    // The alert's e-mail goes at once, marked preliminary: the fan-out that queues it hands it to the e-mail lane,
    // which would otherwise find it only on its next look for due rows (every 5 s, src/delivery/email-sender.ts).
    const alertMailAt = Date.now();
    await waitFor(() => delivered().some((m) => m.includes("[SƠ BỘ]")), "the alert's e-mail", 9000);
    expect(Date.now() - alertMailAt).toBeLessThan(2500);
    // The alert's answers are not Mẫu 03 yet: no initial report in the reporter's chat before the report is sent.
    const reportFiles = () => stack.documents.filter((d) => d.chatId === "8600");
    expect(reportFiles()).toEqual([]);

    // The profile comes right after the alert, the name offered from the chat.
    expect(reporter.lastText()).toContain("Họ và tên");
    const rest = await completeReport(reporter);
    expect(reporter.textsSince(0)).toContain("Đã gửi báo cáo");

    // The one duty message now shows the complete ticket: edited in place, no second post.
    await waitFor(
      () =>
        !(
          stack.messages(GROUP).find((m) => m.messageId === post.messageId)?.message.text ?? "SƠ BỘ"
        ).includes("SƠ BỘ"),
      "the duty message edited to the complete ticket",
      5000,
    );
    const edited = stack.messages(GROUP).find((m) => m.messageId === post.messageId)?.message.text ?? "";
    expect(edited).toContain("User8600");
    expect(stack.messages(GROUP).filter((m) => m.message.text.includes(`Phiếu ${ticketId}`))).toHaveLength(1);
    expect(stack.app.store.incidentByTicket(ticketId)?.preliminary).toBe(false);
    expect(stack.app.db.prepare("SELECT count(*) AS n FROM incidents").get()).toEqual({ n: 1 });

    // E-mail: the alert, then the complete Mẫu 03 notification once per unit (no e-mail per answer).
    const contacts = stack.app.store.incidentByTicket(ticketId)?.routing.destinations.length ?? 0;
    await waitFor(
      () => delivered().filter((m) => m.includes(ticketId) && !m.includes("[SƠ BỘ]")).length > 0,
      "the complete report's e-mail",
      5000,
    );
    // Now complete, the initial report comes as documents (DOCX and PDF), once.
    await waitFor(() => reportFiles().length >= 2, "the initial report in the reporter's chat", 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // a retry tick or two: nothing more may arrive
    expect(reportFiles()).toHaveLength(2);
    const ofTicket = delivered().filter((m) => m.includes(ticketId));
    const complete = ofTicket.filter((m) => !m.includes("[SƠ BỘ]"));
    const alerts = ofTicket.filter((m) => m.includes("[SƠ BỘ]"));
    expect(complete.length).toBe(alerts.length);
    expect(complete.length).toBeLessThanOrEqual(contacts);
    expect(complete.length).toBeGreaterThan(0);
    console.log(
      `[issue 16] first-time reporter after the alert: ${rest.screens} screens, ${rest.actions} actions`,
    );
  }, 60_000);

  it("a returning reporter completes a report opened with a paragraph in at most 15 screens", async () => {
    const reporter = new EmulatedUser(stack, 8600); // the same person: the profile is saved
    const before = reporter.messages().length;
    await reporter.command("/baocao"); // screen 1: the first question
    await reporter.say(PARAGRAPH.replace("30 phút", "40 phút")); // screen 2: what was understood
    await reporter.press("alert");
    const rest = await completeReport(reporter);
    const screens = 2 + rest.screens;
    console.log(
      `[issue 16] returning reporter, paragraph first: ${screens} screens, ${3 + rest.actions} actions`,
    );
    expect(screens).toBeLessThanOrEqual(15);
    expect(reporter.textsSince(before)).toContain("Đã gửi báo cáo");
  }, 60_000);
});

describe("quick alert with Telegram's real pacing (1 message a second per chat, 20 a minute per group)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(
      "grammy",
      "polling",
      { ADMIN_TELEGRAM_IDS: String(ADMIN) },
      { limiter: new RateLimiter() },
    );
    await bindGroup(stack, OFFICER);
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("from /report to the ticket in the duty group: 3 reporter actions, under 5 seconds", async () => {
    const reporter = new EmulatedUser(stack, 8700);
    const started = Date.now();
    let actions = 0;
    await reporter.command("/baocao");
    actions++;
    await reporter.say(PARAGRAPH);
    actions++;
    // The press goes as soon as the button is on screen; the duty post does not wait for the reporter's chat.
    const pressing = reporter.press("alert");
    actions++;
    await waitFor(
      () => stack.messages(GROUP).find((m) => /Phiếu SC-\d{4}-\d{6}/.test(m.message.text)),
      "the preliminary ticket in the duty group",
      5000,
    );
    const wallMs = Date.now() - started;
    console.log(
      `[issue 16] real pacing: /report → duty group in ${actions} reporter actions, ${wallMs} ms wall`,
    );
    expect(actions).toBeLessThanOrEqual(3);
    expect(wallMs).toBeLessThan(5000);
    await pressing;
  }, 30_000);
});

describe("a reporter who stops after the quick alert", () => {
  let stack: Stack;
  beforeAll(async () => {
    // Draft reminders after about a second, so the test sees one.
    stack = await startStack("grammy", "polling", {
      ADMIN_TELEGRAM_IDS: String(ADMIN),
      DRAFT_REMINDER_HOURS: "0.0003",
    });
    await bindGroup(stack, OFFICER);
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("gets the draft reminder; the duty message lists what is missing; an officer's question reaches them", async () => {
    const reporter = new EmulatedUser(stack, 8800);
    await reporter.command("/baocao");
    await reporter.say(PARAGRAPH);
    await reporter.press("alert");
    const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.textsSince(0))?.[0] ?? "";
    const post = await waitFor(() => postOf(stack, ticketId), "the preliminary ticket", 2000);
    // Nothing more from the reporter: the reminder comes, the question on screen is shown again.
    const seen = reporter.messages().length;
    await waitFor(() => reporter.textsSince(seen).includes("chưa hoàn thành"), "the draft reminder", 8000);
    const text = post.message.text;
    expect(text).toContain("SƠ BỘ");
    for (const field of ["Cách thức phát hiện (G)", "Cấp độ hệ thống (C4)", "Người báo cáo"])
      expect(text).toContain(field);
    expect(stack.app.store.incidentByTicket(ticketId)?.preliminary).toBe(true);

    // A duty officer asks; the question reaches the reporter, whose answer lands in the group's thread.
    const member = groupClient(stack, OFFICER);
    const ask = post.message.reply_markup?.inline_keyboard
      .flat()
      .find((b) => b.callback_data?.endsWith("|ask"));
    await member.sendCallback(
      member.makeCallbackQuery(ask?.callback_data ?? "", {
        message: { message_id: post.messageId },
      } as never),
    );
    const prompt = await waitFor(
      () => stack.messages(GROUP).find((m) => m.message.text.includes("câu hỏi gửi người báo cáo")),
      "the ask prompt",
    );
    await member.sendMessage(
      member.makeMessage("Máy chủ đã được ngắt khỏi mạng chưa?", {
        reply_to_message: botMessageRef(prompt.messageId),
      } as never),
    );
    const question = await waitFor(
      () => reporter.messages().find((m) => m.message.text.includes("ngắt khỏi mạng chưa")),
      "the question relayed to the reporter",
    );
    await reporter.reply("Đã ngắt lúc 8h30", question.messageId);
    await waitFor(
      () => stack.messages(GROUP).some((m) => m.message.text.includes("Đã ngắt lúc 8h30")),
      "the answer in the group",
    );
    expect(stack.app.db.prepare("SELECT count(*) AS n FROM incidents").get()).toEqual({ n: 1 });
  }, 30_000);
});
