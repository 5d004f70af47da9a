import { describe, expect, it } from "vitest";
import { classifyIncidentText, rankIncidentTypes } from "../../src/domain/classifier/index.ts";
import type { IncidentType } from "../../src/domain/incident-types.ts";

// Descriptions as a civil servant types them on a phone: with and without diacritics, abbreviations
// ("ko", "dc", "mk", "tk"), missing punctuation and the odd typo.
const VIETNAMESE: [string, IncidentType][] = [
  [
    "Sáng nay mở máy thì toàn bộ file trên máy chủ bị mã hóa, đuôi file lạ .lockbit, có file đòi tiền chuộc",
    "ransomware",
  ],
  ["may tinh ke toan bi ma hoa het du lieu, co file readme doi tra bitcoin", "ransomware"],
  ["File word excel ko mở dc, bị đổi đuôi hết, có thông báo tống tiền", "ransomware"],
  ["Trang chủ cổng thông tin tỉnh hiện hình ảnh lạ, dòng chữ hacked by xxx", "defacement"],
  ["website cua so bi thay doi giao dien, treo co la", "defacement"],
  ["Web sở bị deface lúc 7h sáng, trang chủ hiện hình lá cờ lạ", "defacement"],
  ["Trang web bị chèn link cờ bạc vào trang chủ", "defacement"],
  ["Cổng dịch vụ công ko truy cập dc, lưu lượng tăng đột biến từ nhiều IP nước ngoài", "ddos"],
  ["he thong bi tan cong tu choi dich vu, may chu qua tai lien tuc", "ddos"],
  ["Bị ddos từ tối qua, web rất chậm", "ddos"],
  ["Nhiều cán bộ nhận được email giả mạo Bộ Tài chính có đường link lạ yêu cầu đăng nhập", "phishing"],
  ["co thu mao danh lanh dao so gui file dinh kem la de nghi mo ra", "phishing"],
  ["Phát hiện trang web giả mạo cổng dịch vụ công của tỉnh để lừa đảo người dân", "phishing"],
  ["Email công vụ của tôi bị đổi mật khẩu, không đăng nhập được nữa", "account_compromise"],
  ["tk email cong vu bi hack, tu gui mail cho nhieu nguoi", "account_compromise"],
  ["Hệ thống báo có đăng nhập lạ vào tài khoản quản trị từ nước ngoài", "account_compromise"],
  ["Bị lộ mk tài khoản quản trị website, nghi do lưu trên máy cá nhân", "account_compromise"],
  ["Phát hiện dữ liệu hồ sơ một cửa của huyện bị rao bán trên diễn đàn hacker", "data_leak"],
  ["lo du lieu ca nhan cua cong dan, danh sach cccd bi dang len mang", "data_leak"],
  ["Nghi ngờ rò rỉ thông tin cá nhân từ phần mềm quản lý cán bộ", "data_leak"],
  ["Máy tính văn phòng bị nhiễm virus, chạy rất chậm, tự mở quảng cáo", "malware"],
  ["NCSC gửi cảnh báo IP của sở nằm trong danh sách IP botnet", "malware"],
  ["may chu co tien trinh la ket noi den may chu dieu khien, nghi nhiem ma doc", "malware"],
  ["Phát hiện webshell trên máy chủ web, hacker đã xâm nhập", "intrusion"],
  ["Có tài khoản admin lạ được tạo trên máy chủ, nghi bị chiếm quyền điều khiển", "intrusion"],
  ["he thong bi xam nhap trai phep, phat hien backdoor", "intrusion"],
  ["Firewall ghi nhận dò quét cổng liên tục từ 1 dải IP", "vuln_exploit_attempt"],
  ["log thay co ip thu dang nhap nhieu lan vao trang quan tri, brute force mk", "vuln_exploit_attempt"],
  ["WAF chặn nhiều request sql injection nhưng chưa thành công", "vuln_exploit_attempt"],
  ["Nhận cảnh báo lỗ hổng CVE-2024-3400 trên thiết bị tường lửa, chưa vá", "vulnerability"],
  ["Phần mềm quản lý văn bản có lỗ hổng bảo mật, nhà cung cấp chưa có bản vá", "vulnerability"],
  ["Ổ cứng máy chủ bị hỏng, hệ thống một cửa ko hoạt động", "system_failure"],
  ["Đứt cáp quang nên mất kết nối toàn bộ hệ thống của huyện", "system_failure"],
  ["web bi sap sau khi cap nhat, bao loi phan mem", "system_failure"],
  ["Cán bộ xóa nhầm cơ sở dữ liệu hồ sơ khi dọn dẹp máy chủ", "operator_error"],
  ["do cau hinh sai tuong lua nen web ko truy cap dc tu ben ngoai", "operator_error"],
  ["Mất điện toàn tòa nhà, UPS hết pin, máy chủ tắt", "disaster"],
  ["Phòng máy chủ bị ngập nước do mưa bão", "disaster"],
  ["Sét đánh làm hỏng switch và router của trung tâm", "disaster"],
  ["Phòng máy bị cháy do chập điện", "disaster"],
  ["Tôi nhận cuộc gọi lừa đảo mạo danh công an yêu cầu chuyển tiền", "scam_call"],
  ["nhan dc tin nhan lua dao trung thuong, bao bam vao link", "scam_call"],
  ["Có số lạ gọi điện mạo danh cán bộ thuế đòi mã OTP", "scam_call"],
  ["sms mạo danh ngân hàng yêu cầu cập nhật thông tin", "scam_call"],
];

const ENGLISH: [string, IncidentType][] = [
  ["All files on the file server were encrypted and a ransom note asks for bitcoin", "ransomware"],
  ["Our homepage was defaced, it shows hacked by some group", "defacement"],
  ["The portal is down because of a DDoS attack", "ddos"],
  ["Staff received a phishing email with a suspicious link", "phishing"],
  ["My mail account hacked, password changed by someone else", "account_compromise"],
  ["Citizen records leaked on a hacker forum", "data_leak"],
  ["Several PCs infected with malware, a trojan was found", "malware"],
  ["We found a webshell and a backdoor on the web server", "intrusion"],
  ["Firewall logs show port scan and brute force attempts", "vuln_exploit_attempt"],
  ["The vendor reported an unpatched vulnerability, CVE-2025-1234", "vulnerability"],
  ["The server room was flooded after the typhoon", "disaster"],
  ["An admin deleted by mistake the production database", "operator_error"],
];

describe("classifyIncidentText", () => {
  it.each(VIETNAMESE)("Vietnamese: %s", (text, expected) => {
    expect(classifyIncidentText(text)?.type).toBe(expected);
  });

  it.each(ENGLISH)("English: %s", (text, expected) => {
    expect(classifyIncidentText(text)?.type).toBe(expected);
  });

  it("returns null when the text names no incident", () => {
    for (const text of [
      "",
      "   ",
      "xin chào",
      "Cổng thông tin điện tử tỉnh",
      "hệ thống một cửa",
      "🙏🙏",
      "báo cáo",
    ]) {
      expect(classifyIncidentText(text)).toBeNull();
    }
  });

  it("matches whole words only after folding", () => {
    // "sét" folds to "set" and "lũ" to "lu": neither may fire inside "reset" or "luu".
    expect(classifyIncidentText("reset mật khẩu định kỳ")?.type).not.toBe("disaster");
    expect(classifyIncidentText("Đã reset mật khẩu định kỳ cho cán bộ")).toBeNull();
    expect(classifyIncidentText("lưu trữ hồ sơ, sao lưu dữ liệu hằng tuần")?.type).not.toBe("disaster");
    expect(rankIncidentTypes("backup luu tru").some((g) => g.type === "disaster")).toBe(false);
  });

  it("does not read unaccented ambiguous words as disasters", () => {
    // Without diacritics "chay" is also "chạy" (to run) and "bao" is "báo" (to report).
    expect(classifyIncidentText("may chu khong chay duoc")?.type).not.toBe("disaster");
    expect(classifyIncidentText("bao cao so bo")).toBeNull();
    expect(classifyIncidentText("máy chủ không chạy, báo lỗi")?.type).not.toBe("disaster");
  });

  it("reads accented one-word disasters", () => {
    expect(classifyIncidentText("Máy chủ hỏng do bão")?.type).toBe("disaster");
    expect(classifyIncidentText("Phòng máy cháy")?.type).toBe("disaster");
  });

  it("prefers the longer phrase over the words inside it", () => {
    const scam = rankIncidentTypes("cuộc gọi lừa đảo");
    expect(scam[0]?.type).toBe("scam_call");
    expect(scam.some((g) => g.type === "phishing")).toBe(false);
  });

  it("reports the matched phrases and a score", () => {
    const guess = classifyIncidentText("Toàn bộ dữ liệu bị mã hóa, hacker đòi tiền chuộc");
    expect(guess?.type).toBe("ransomware");
    expect(guess?.matched).toEqual(expect.arrayContaining(["bị mã hóa", "tiền chuộc"]));
    expect(guess?.score).toBeGreaterThanOrEqual(6);
  });

  it("breaks ties by specificity", () => {
    // One strong phrase each for ransomware and intrusion: ransomware is the more specific type.
    const ranked = rankIncidentTypes("xâm nhập, tống tiền");
    expect(ranked.map((g) => g.type).slice(0, 2)).toEqual(["ransomware", "intrusion"]);
    expect(ranked[0]?.score).toBe(ranked[1]?.score);
  });

  it("does not count phrases that the reporter rules out", () => {
    expect(classifyIncidentText("ko phải ransomware đâu")).toBeNull();
    expect(classifyIncidentText("Không phát hiện mã độc, chỉ là mất điện cả khu")?.type).toBe("disaster");
    expect(classifyIncidentText("may chu khong bi ma hoa nhung web bi deface")?.type).toBe("defacement");
    expect(classifyIncidentText("không có dấu hiệu bị nhiễm mã độc")).toBeNull();
  });

  it("needs more than one weak hint", () => {
    expect(classifyIncidentText("lỗi")).toBeNull();
    expect(classifyIncidentText("mật khẩu")).toBeNull();
  });

  it("survives a huge input", () => {
    const text = `${"lorem ipsum ".repeat(10_000)} ddos`;
    expect(() => rankIncidentTypes(text)).not.toThrow();
  });
});

describe("rankIncidentTypes", () => {
  it("returns every candidate, best first", () => {
    const ranked = rankIncidentTypes("Web bị deface và có webshell, nghi bị xâm nhập");
    expect(ranked[0]?.type).toBe("intrusion");
    expect(ranked.map((g) => g.type)).toContain("defacement");
    const scores = ranked.map((g) => g.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("is empty for text without keywords", () => {
    expect(rankIncidentTypes("xin chào buổi sáng")).toEqual([]);
  });
});
