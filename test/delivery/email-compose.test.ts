import { execFileSync } from "node:child_process";
import PizZip from "pizzip";
import { describe, expect, it } from "vitest";
import { ticketEmailAttachments } from "../../src/delivery/documents/attachments.ts";
import {
  createEmailTransport,
  EMAIL_CHANNEL,
  type EmailPayload,
  enqueueTicketEmail,
  renderTicketEmail,
} from "../../src/delivery/email.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { RoutedTicket } from "../../src/messages.ts";
import type { RenderContext } from "../../src/present/incident.ts";
import { fileWalk } from "../fixtures/report-walk-full.ts";
import { startMailbox } from "../support/mailbox.ts";

const rc: RenderContext = { t: createTranslator("vi"), locale: "vi", timeZone: "Asia/Ho_Chi_Minh" };

/** The "[TBSC]" e-mail of a fully answered report, to VNCERT/CC. */
function mail() {
  return filed().mail;
}

/** The fully answered report, filed, with its routing to VNCERT/CC and that contact. */
function routedToVncert() {
  const { h, incident } = fileWalk();
  const routed = h.store
    .duePending("duty", "9999")
    .map((row) => row.payload as RoutedTicket)
    .find((r) => r.contactId === "vncert");
  const contact = h.store.contact("vncert");
  if (!routed || !contact) throw new Error("not routed to VNCERT/CC");
  return { h, incident, routed, contact };
}

function filed() {
  const { incident, routed, contact } = routedToVncert();
  return { incident, mail: renderTicketEmail(incident, routed, contact, rc) };
}

describe("ticket e-mail: the Mẫu 03 part comes from the one form model", () => {
  it("shows the technical section, the attachments and the request for support as answered", () => {
    const { text, html } = mail();
    for (const line of [
      "Tổ chức cung cấp dịch vụ an toàn thông tin (nếu có); Tên nhà cung cấp dịch vụ kết nối bên ngoài (nếu có): VNPT Lai Châu; Trung tâm Giám sát an toàn không gian mạng tỉnh",
      "Hệ điều hành và phiên bản: Windows Server 2019",
      "Các dịch vụ có trên hệ thống: Web; Cơ sở dữ liệu",
      "Các biện pháp an toàn thông tin đã triển khai: Tường lửa; Sao lưu dữ liệu",
      "Các địa chỉ IP của hệ thống: 203.113.130.10",
      "Các tên miền của hệ thống: laichau.gov.vn, dichvucong.laichau.gov.vn",
      "Mục đích chính sử dụng hệ thống: Cung cấp thông tin và dịch vụ công trực tuyến",
      "Thông tin gửi kèm: Nhật ký hệ thống (log); access.log",
      "Mô tả về đề xuất, kiến nghị: Đề nghị hỗ trợ phân tích mẫu mã độc và rà soát máy chủ",
      "1 tệp do người báo cáo gửi qua trợ lý (mục I7) không đính kèm trong thư này.",
    ]) {
      expect(text, line).toContain(line);
    }
    // The signature block belongs to the signed document; an e-mail is only a notification.
    expect(text).not.toContain("CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT");
    expect(html).toContain("Nhật ký hệ thống (log); access.log");
  });
});

/** The base64 body of the MIME part that carries this file name. */
function attachment(raw: string, filename: string): Buffer {
  const parts = raw.split(/\r\n--[^\r\n]+\r\n/);
  const part = parts.find((p) => p.includes(`filename=${filename}`) || p.includes(`filename="${filename}"`));
  if (!part) throw new Error(`no attachment ${filename}`);
  const body = part.slice(part.indexOf("\r\n\r\n") + 4).split(/\r\n--/)[0] ?? "";
  return Buffer.from(body.replace(/\s+/g, ""), "base64");
}

describe("ticket e-mail: the initial report attached as documents", () => {
  it("the DOCX and the PDF of the report arrive through SMTP, opened back with the ticket and the answers", async () => {
    const { incident, mail: rendered } = filed();
    const files = ticketEmailAttachments(incident, rc);
    expect(files.map((f) => f.filename)).toEqual([
      `${incident.ticketId}-mau03.docx`,
      `${incident.ticketId}-mau03.pdf`,
    ]);
    const box = await startMailbox();
    try {
      await createEmailTransport(`smtp://127.0.0.1:${box.port}`).sendMail({
        from: "baocao@laichau.gov.vn",
        to: "ir@vncert.vn",
        ...rendered,
        attachments: files.map((f) => ({ ...f, encoding: "base64" })),
      });
    } finally {
      await box.close();
    }
    expect(box.mails).toHaveLength(1);
    const raw = box.mails[0]?.raw ?? "";
    const docx = attachment(raw, `${incident.ticketId}-mau03.docx`);
    const xml = new PizZip(docx).file("word/document.xml")?.asText() ?? "";
    expect(xml).toContain(incident.ticketId);
    expect(xml).toContain("Nguyễn Văn An");
    const pdf = attachment(raw, `${incident.ticketId}-mau03.pdf`);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], { input: pdf }).toString("utf8");
    expect(text).toContain(incident.ticketId);
    expect(text).toContain("Windows Server 2019");
  });

  it("the same report gives the same files (a retry sends what the first attempt sent)", () => {
    const { incident } = filed();
    expect(ticketEmailAttachments(incident, rc)).toEqual(ticketEmailAttachments(incident, rc));
  });
});

describe("ticket e-mail: queued with its documents", () => {
  const queue = (withDocuments: boolean) => {
    const { h, incident, routed, contact } = routedToVncert();
    enqueueTicketEmail(h.store, incident, routed, contact, rc, h.now().toISOString(), {
      attachments: withDocuments ? ticketEmailAttachments(incident, rc) : undefined,
    });
    return { incident, payload: h.store.duePending(EMAIL_CHANNEL, "9999")[0]?.payload as EmailPayload };
  };

  it("carries the DOCX and PDF in the outbox row when asked, and nothing extra otherwise", () => {
    const { incident, payload } = queue(true);
    expect(payload.attachments?.map((a) => a.filename)).toEqual([
      `${incident.ticketId}-mau03.docx`,
      `${incident.ticketId}-mau03.pdf`,
    ]);
    expect(
      Buffer.from(payload.attachments?.[1]?.content ?? "", "base64")
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    expect(queue(false).payload.attachments).toBeUndefined();
  });
});
