import { createHash } from "node:crypto";
import PizZip from "pizzip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailbox } from "../support/mailbox.ts";
import {
  bindGroup,
  EmulatedUser,
  fileReport,
  groupClient,
  type SentDocument,
  type Stack,
  startStack,
  waitFor,
} from "./telegram-harness.ts";

/** Rendering DOCX and PDF takes a second or two on a loaded machine: the waits for documents allow for it. */
const RENDERING_MS = 30_000;
const ADMIN = 8301;
const MEMBER = 8302;
const GROUP = -1008300;
const REPORTER = 8310;

/** The bytes of a MIME attachment by its file name (base64 part), from a raw message. */
function attachment(raw: string, filename: string): Buffer | undefined {
  const at =
    raw.indexOf(`filename=${filename}`) >= 0
      ? raw.indexOf(`filename=${filename}`)
      : raw.indexOf(`"${filename}"`);
  if (at < 0) return undefined;
  const body = raw.slice(raw.indexOf("\r\n\r\n", at) + 4);
  return Buffer.from(body.slice(0, body.indexOf("\r\n--")).replace(/\s+/g, ""), "base64");
}

const docxText = (docx: Buffer) =>
  (new PizZip(docx).file("word/document.xml")?.asText() ?? "").replace(/<[^>]+>/g, "").replace(/&amp;/g, "&");

describe("the paper trail end to end (grammY, polling, local SMTP)", () => {
  let stack: Stack;
  let documents: SentDocument[];
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  beforeAll(async () => {
    mailbox = await startMailbox();
    stack = await startStack("grammy", "polling", {
      ADMIN_TELEGRAM_IDS: String(ADMIN),
      SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
      SMTP_FROM: "tro-ly@laichau.gov.vn",
    });
    documents = stack.documents;
  });
  afterAll(async () => {
    await stack.stop();
    await mailbox.close();
  });

  it("submission → the reporter receives the initial report; resolved → /ketthuc → the final report e-mailed to rule R7's recipients → the reminder stops", async () => {
    const inGroup = (userId: number) => groupClient(stack, { userId, chatId: GROUP });
    await bindGroup(stack, { userId: ADMIN, chatId: GROUP });

    // 1. Submission: the reporter receives Mẫu 03 as DOCX and PDF in the chat.
    const reporter = new EmulatedUser(stack, REPORTER);
    await fileReport(reporter);
    const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.lastText())?.[0] ?? "";
    expect(ticketId).not.toBe("");
    const initial = await waitFor(
      () =>
        documents.filter((d) => d.chatId === String(REPORTER)).length >= 2 &&
        documents.filter((d) => d.chatId === String(REPORTER)),
      "the initial report in the reporter's chat",
      RENDERING_MS,
    );
    expect(initial.map((d) => d.filename)).toEqual([`${ticketId}-mau03.docx`, `${ticketId}-mau03.pdf`]);
    expect(initial[0]?.caption).toContain("Mẫu số 03");
    const mau03 = docxText(initial[0]?.bytes ?? Buffer.alloc(0));
    expect(mau03).toContain(ticketId);
    expect(mau03).toContain("Nhiều máy trạm báo nhiễm virus");
    expect(initial[1]?.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // And the "[TBSC]" e-mail to VNCERT/CC carries them too.
    const tbsc = await waitFor(
      () => mailbox.mails.find((m) => m.raw.includes(`${ticketId}-mau03.docx`)),
      "the [TBSC] e-mail",
      RENDERING_MS,
    );
    expect(docxText(attachment(tbsc.raw, `${ticketId}-mau03.docx`) ?? Buffer.alloc(0))).toContain(ticketId);

    // 2. A stranger cannot have the documents: refused as "not found", audited.
    const stranger = new EmulatedUser(stack, 8399);
    await stranger.command(`/maubaocao ${ticketId}`);
    expect(stranger.lastText()).toContain("Không tìm thấy");
    expect(documents.some((d) => d.chatId === "8399")).toBe(false);

    // 3. Before the response ends there is no final report to make.
    await reporter.command(`/ketthuc ${ticketId}`);
    expect(reporter.lastText()).toContain("sau khi việc ứng phó sự cố đã kết thúc");

    // 4. The duty group acknowledges and resolves the ticket.
    const member = inGroup(MEMBER);
    const post = () => stack.messages(GROUP).find((m) => m.message.text.includes(ticketId));
    const press = async (action: string) => {
      const data = await waitFor(
        () =>
          post()
            ?.message.reply_markup?.inline_keyboard.flat()
            .find((b) => b.callback_data?.endsWith(`|${action}`))?.callback_data,
        `the ${action} button`,
      );
      await member.sendCallback(
        member.makeCallbackQuery(data, { message: { message_id: post()?.messageId } } as never),
      );
    };
    await press("ack");
    await waitFor(
      () => stack.app.store.incidentByTicket(ticketId)?.status === "acknowledged",
      "acknowledged",
    );
    await press("resolve");
    const prompt = await waitFor(
      () => stack.messages(GROUP).find((m) => m.message.text.includes("tóm tắt kết quả xử lý")),
      "the resolve prompt",
    );
    await member.sendMessage(
      member.makeMessage("Đã gỡ mã độc, khôi phục từ bản sao lưu", {
        reply_to_message: {
          message_id: prompt.messageId,
          from: { id: 1, is_bot: true, first_name: "Bot" },
          date: 0,
          text: "",
        },
      } as never),
    );
    await waitFor(() => stack.app.store.incidentByTicket(ticketId)?.status === "resolved", "resolved");
    await reporter.command(`/trangthai ${ticketId}`);
    expect(reporter.textsSince(0)).toContain("Báo cáo kết thúc ứng phó sự cố: <b>chưa có</b>");

    // 5. Rule R7's reminder, on a hand-driven clock: its job is moved to now and the running scheduler fires it.
    const due = () =>
      stack.app.db
        .prepare("UPDATE scheduled_jobs SET due_at = ?, status = 'pending' WHERE job_key = ?")
        .run(new Date(Date.now() - 1000).toISOString(), `final:${ticketId}`);
    expect(stack.app.store.job(`final:${ticketId}`)?.status).toBe("pending");
    const before = reporter.messages().length;
    due();
    const reminder = await waitFor(
      () =>
        reporter
          .messages()
          .slice(before)
          .find((m) => m.message.text.includes("báo cáo kết thúc ứng phó sự cố")),
      "the R7 reminder",
    );
    expect(reminder.message.reply_markup?.inline_keyboard.flat()[0]?.callback_data).toBe(`final|${ticketId}`);
    // It comes again a day later until the report exists.
    expect(stack.app.store.job(`final:${ticketId}`)?.status).toBe("pending");

    // 6. The reminder's button starts the final report; the reference is filled in, three parts asked.
    await reporter.press(ticketId);
    expect(reporter.textsSince(before)).toContain(
      `báo cáo kết thúc ứng phó sự cố</b> cho phiếu <b>${ticketId}</b>`,
    );
    await reporter.say("x"); // too short: asked again, with the reason
    expect(reporter.lastText()).toContain("Kết quả xử lý sự cố (1/3)");
    await reporter.say("Mã độc lây qua tệp đính kèm thư điện tử, mã hóa 3 máy trạm");
    await reporter.say("Cách ly máy nhiễm, khôi phục từ bản sao lưu, đổi mật khẩu");
    await reporter.say("Lọc tệp đính kèm tại cổng thư, sao lưu hằng ngày ra ngoài mạng");
    await reporter.say("chu-quan@laichau.gov.vn");
    // The documents attached, as files: kept as evidence, then attached to the e-mail.
    const log = Buffer.from(
      "2026-11-20 02:14 quarantine ok: 3 hosts, restore from backup verified\n".repeat(30),
    );
    await reporter.document(stack.files.add(log), "nhat-ky-khoi-phuc.log", "text/plain");
    await reporter.press("_done");
    expect(reporter.lastText()).toContain(`Ký hiệu báo cáo ban đầu:</b> ${ticketId}`);
    const mailsBefore = mailbox.mails.length;
    await reporter.press("send");
    expect(reporter.textsSince(before)).toContain("trợ lý sẽ không nhắc việc về báo cáo này nữa");

    // 7. The "[TBSC]" e-mails to R7's recipients from the rule data (VNCERT/CC only) and the system owner.
    const finals = await waitFor(
      () => {
        const found = mailbox.mails.slice(mailsBefore).filter((m) => m.raw.includes("bao-cao-ket-thuc.docx"));
        return found.length >= 2 && found;
      },
      "the final report's e-mails",
      RENDERING_MS,
    );
    const to = finals.flatMap((m) => m.to).sort();
    expect(to).toContain("ir@vncert.vn");
    expect(to).toContain("chu-quan@laichau.gov.vn");
    // Nobody else: the provincial unit had the initial report, not this one (TT20 Art. 9).
    await new Promise((r) => setTimeout(r, 300));
    expect(
      mailbox.mails.slice(mailsBefore).filter((m) => m.raw.includes("bao-cao-ket-thuc.docx")),
    ).toHaveLength(2);
    const docx = attachment(finals[0]?.raw ?? "", `${ticketId}-bao-cao-ket-thuc.docx`);
    const text = docxText(docx ?? Buffer.alloc(0));
    expect(text).toContain("BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ");
    expect(text).toContain(ticketId);
    expect(text).toContain("Cách ly máy nhiễm, khôi phục từ bản sao lưu, đổi mật khẩu");
    expect(finals[0]?.raw).toContain(`${ticketId}-bao-cao-ket-thuc.pdf`);
    // The file sent during /ketthuc, downloaded and hashed first, travels with every one of them, byte for byte.
    const hash = createHash("sha256").update(log).digest("hex");
    for (const mail of finals) {
      expect(attachment(mail.raw, "01-nhat-ky-khoi-phuc.log")?.equals(log)).toBe(true);
      expect(mail.raw).toContain(hash);
    }
    await waitFor(
      () => reporter.messages().some((m) => m.message.text.includes(`<code>${hash}</code>`)),
      "the file's receipt with its hash",
    );
    // The reporter has the documents too, and the duty group is told.
    await waitFor(
      () =>
        documents.some((d) => d.chatId === String(REPORTER) && d.filename.endsWith("bao-cao-ket-thuc.docx")),
      "the final report in the reporter's chat",
      RENDERING_MS,
    );
    await waitFor(
      () => stack.messages(GROUP).some((m) => m.message.text.includes("đã lập báo cáo kết thúc")),
      "the duty group told",
    );

    // 8. The reminder no longer fires: its job was cancelled, and forced due again it sends nothing.
    expect(stack.app.store.job(`final:${ticketId}`)?.status).toBe("cancelled");
    const quiet = reporter.messages().length;
    due();
    await waitFor(() => stack.app.store.job(`final:${ticketId}`)?.status === "done", "the forced job ran");
    await new Promise((r) => setTimeout(r, 300));
    expect(reporter.messages().length).toBe(quiet);
    await reporter.command(`/trangthai ${ticketId}`);
    expect(reporter.textsSince(quiet)).toContain("Phiếu đã kết thúc theo Thông tư 20/2017");
  }, 120_000);
});
