import { describe, expect, it } from "vitest";
import { renderTicketEmail } from "../../src/delivery/email.ts";
import type { RenderContext } from "../../src/engine/render.ts";
import type { RoutedTicket } from "../../src/engine/types.ts";
import { createTranslator } from "../../src/i18n.ts";
import { fileWalk } from "../fixtures/report-walk-full.ts";

const rc: RenderContext = { t: createTranslator("vi"), locale: "vi", timeZone: "Asia/Ho_Chi_Minh" };

/** The "[TBSC]" e-mail of a fully answered report, to VNCERT/CC. */
function mail() {
  const { h, incident } = fileWalk();
  const routed = h.store
    .duePending("duty", "9999")
    .map((row) => row.payload as RoutedTicket)
    .find((r) => r.contactId === "vncert");
  const contact = h.store.contact("vncert");
  if (!routed || !contact) throw new Error("not routed to VNCERT/CC");
  return renderTicketEmail(incident, routed, contact, rc);
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
