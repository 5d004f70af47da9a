// First messages as reporters write them, each with every fact it states (and nothing else). Read at
// NOW = 28/11/2026 10:00 in Vietnam (03:00 UTC). Times are written as Vietnamese wall time, dd/mm/yyyy hh:mm.
// Used by test/domain/extract.test.ts and bench/extract.ts (precision and recall per field).

import type { Fact, FactValues } from "../../src/domain/extract/index.ts";
import type { IncidentType } from "../../src/domain/incident-types.ts";
import { foldDiacritics } from "../../src/domain/text.ts";
import { formatVnDateTime } from "../../src/domain/validators/index.ts";

export const NOW = new Date("2026-11-28T03:00:00Z");

export interface ExpectedFacts {
  type?: IncidentType;
  detectedAt?: string;
  system?: string;
  domain?: string[];
  url?: string[];
  ip?: string[];
  status?: FactValues["status"];
  machines?: number;
  serverAffected?: "yes" | "no";
  spreading?: "yes" | "no";
  serviceDisrupted?: "yes" | "no";
  dataExposed?: FactValues["dataExposed"];
}

export interface ExtractCase {
  text: string;
  facts: ExpectedFacts;
  /** Written after the extractor was tuned on the other cases (see bench/extract.ts for their first-read figures). */
  heldOut?: true;
  /** Fields the extractor is known to get wrong on this message (left out of the exact check, not of the bench). */
  misses?: (keyof ExpectedFacts)[];
}

export const CASES: ExtractCase[] = [
  // ── Vietnamese with diacritics ──
  {
    text: "Sáng nay 8h phát hiện Cổng thông tin điện tử tỉnh bị thay đổi giao diện, hiện vẫn đang diễn ra.",
    facts: {
      system: "Cổng thông tin điện tử tỉnh",
      type: "defacement",
      detectedAt: "28/11/2026 08:00",
      status: "ongoing",
    },
  },
  {
    text: "Máy chủ file của văn phòng bị mã hóa hết dữ liệu, đuôi file lạ, có file đòi tiền chuộc. 3 máy tính khác cũng bị. Đã rút dây mạng. Phát hiện lúc 22:00 tối qua.",
    facts: {
      system: "Máy chủ file",
      type: "ransomware",
      detectedAt: "27/11/2026 22:00",
      status: "contained",
      machines: 3,
      serverAffected: "yes",
    },
  },
  {
    text: "Hệ thống quản lý văn bản của Sở bị lộ dữ liệu cá nhân của người dân, phát hiện 8h30 hôm qua, chưa lây lan sang hệ thống khác.",
    facts: {
      system: "Hệ thống quản lý văn bản",
      type: "data_leak",
      detectedAt: "27/11/2026 08:30",
      dataExposed: "personal",
      spreading: "no",
    },
  },
  {
    text: "Khoảng 2 tiếng trước trang web Sở Y tế không truy cập được, lưu lượng truy cập tăng đột biến, nghi bị tấn công từ chối dịch vụ. Hiện đã khắc phục.",
    facts: {
      system: "trang web Sở Y tế",
      type: "ddos",
      detectedAt: "28/11/2026 08:00",
      serviceDisrupted: "yes",
      status: "resolved",
    },
  },
  {
    text: "Vừa xong nhận được thư điện tử giả mạo Bộ Tài chính yêu cầu cung cấp mật khẩu, 2 máy đã bấm vào đường link lạ.",
    facts: { type: "phishing", detectedAt: "28/11/2026 10:00", machines: 2 },
  },
  {
    text: "Tài khoản quản trị của cổng dịch vụ công bị đăng nhập lạ từ nước ngoài lúc 6h sáng nay, đã đổi mật khẩu.",
    facts: {
      system: "cổng dịch vụ công",
      type: "account_compromise",
      detectedAt: "28/11/2026 06:00",
      status: "contained",
    },
  },
  {
    text: "Trang thông tin điện tử huyện (huyenabc.gov.vn) bị chèn nội dung cờ bạc, cá độ. Đã tạm dừng website.",
    facts: {
      system: "Trang thông tin điện tử huyện",
      type: "defacement",
      domain: ["huyenabc.gov.vn"],
      status: "contained",
    },
  },
  {
    text: "Phần mềm diệt virus cảnh báo nhiễm mã độc trên 5 máy tính phòng Kế toán, mã độc đang lây lan sang các máy khác trong mạng nội bộ.",
    facts: { type: "malware", machines: 5, spreading: "yes", status: "ongoing" },
  },
  {
    text: "Lúc 14:30 ngày 27/11/2026 hệ thống thư điện tử công vụ bị sập, không gửi nhận được thư. Nguyên nhân do hỏng ổ cứng máy chủ.",
    facts: {
      system: "hệ thống thư điện tử công vụ",
      type: "system_failure",
      detectedAt: "27/11/2026 14:30",
      serviceDisrupted: "yes",
      serverAffected: "yes",
    },
  },
  {
    text: "Cán bộ xóa nhầm cơ sở dữ liệu hộ tịch lúc 9h15 sáng nay, đã khôi phục từ bản sao lưu.",
    facts: {
      system: "cơ sở dữ liệu hộ tịch",
      type: "operator_error",
      detectedAt: "28/11/2026 09:15",
      status: "resolved",
    },
  },
  {
    text: "Mất điện toàn bộ trụ sở do sét đánh trạm biến áp từ 7 giờ sáng nay, phòng máy chủ ngừng hoạt động.",
    facts: {
      type: "disaster",
      detectedAt: "28/11/2026 07:00",
      serviceDisrupted: "yes",
      serverAffected: "yes",
    },
  },
  {
    text: "Nhận được cuộc gọi mạo danh công an yêu cầu chuyển tiền, số lạ gọi đến lúc 9h.",
    facts: { type: "scam_call", detectedAt: "28/11/2026 09:00" },
  },
  {
    text: "NCSC cảnh báo địa chỉ IP 14.225.210.33 của đơn vị nằm trong danh sách IP botnet.",
    facts: { type: "malware", ip: ["14.225.210.33"] },
  },
  {
    text: "Phát hiện có kẻ xâm nhập trái phép vào máy chủ web, tạo tài khoản quản trị lạ. Hiện đã cô lập máy chủ.",
    facts: { system: "máy chủ web", type: "intrusion", serverAffected: "yes", status: "contained" },
  },
  {
    text: "Dữ liệu công dân của tỉnh bị rao bán trên diễn đàn hacker, khoảng 20.000 bản ghi.",
    facts: { type: "data_leak", dataExposed: "personal" },
  },
  {
    text: "Website so-gddt.example.gov.vn bị tấn công DDoS từ 20h tối qua, hiện vẫn không truy cập được.",
    facts: {
      type: "ddos",
      domain: ["so-gddt.example.gov.vn"],
      detectedAt: "27/11/2026 20:00",
      serviceDisrupted: "yes",
      status: "ongoing",
    },
  },
  {
    text: "Hệ thống một cửa điện tử bị mã hóa tống tiền lúc 3h sáng nay, 12 máy trạm và 2 máy chủ bị ảnh hưởng.",
    facts: {
      system: "Hệ thống một cửa điện tử",
      type: "ransomware",
      detectedAt: "28/11/2026 03:00",
      machines: 14,
      serverAffected: "yes",
    },
  },
  {
    text: "Có lỗ hổng bảo mật trên phần mềm quản lý nhân sự, chưa bị khai thác.",
    facts: { system: "phần mềm quản lý nhân sự", type: "vulnerability" },
  },
  {
    text: "Tường lửa ghi nhận nhiều lần dò quét, thử khai thác lỗ hổng SQL injection vào cổng thông tin từ IP 45.134.26.7 lúc 23:10 tối qua.",
    facts: { type: "vuln_exploit_attempt", ip: ["45.134.26.7"], detectedAt: "27/11/2026 23:10" },
  },
  {
    text: "Hộp thư của lãnh đạo Sở bị hack, tự gửi thư rác đi khắp nơi. Phát hiện khoảng 30 phút trước.",
    facts: {
      system: "Hộp thư của lãnh đạo Sở",
      type: "account_compromise",
      detectedAt: "28/11/2026 09:30",
    },
    misses: ["system"],
  },
  // ── Vietnamese without diacritics, chat shorthand, typos ──
  {
    text: "cong thong tin dien tu tinh bi hack, hien hinh anh la, sang nay luc 7h30 phat hien",
    facts: {
      system: "cong thong tin dien tu tinh",
      type: "defacement",
      detectedAt: "28/11/2026 07:30",
    },
  },
  {
    text: "may chu bi ma hoa het du lieu, doi bitcoin. 3 may bi, dang lay sang may khac. phat hien 8h30 hom qua",
    facts: {
      type: "ransomware",
      serverAffected: "yes",
      machines: 3,
      spreading: "yes",
      status: "ongoing",
      detectedAt: "27/11/2026 08:30",
    },
  },
  {
    text: "web so y te ko vao dc tu 9h sang nay, nghi bi ddos",
    facts: {
      system: "web so y te",
      type: "ddos",
      serviceDisrupted: "yes",
      detectedAt: "28/11/2026 09:00",
    },
  },
  {
    text: "tk email cua em bi chiem, bi doi mk roi, vua xong",
    facts: { type: "account_compromise", detectedAt: "28/11/2026 10:00" },
  },
  {
    text: "he thong quan ly van ban bi sap, ko truy cap dc, da khac phuc luc 9h",
    facts: {
      system: "he thong quan ly van ban",
      type: "system_failure",
      serviceDisrupted: "yes",
      status: "resolved",
    },
  },
  {
    text: "nhan dc mail gia mao ngan hang, ba may tinh da bam link. khoang 1 tieng truoc",
    facts: { type: "phishing", machines: 3, detectedAt: "28/11/2026 09:00" },
  },
  {
    text: "phat hien ransomeware tren server ke toan luc 22:00 toi qua, da ngat mang",
    facts: {
      type: "ransomware",
      serverAffected: "yes",
      detectedAt: "27/11/2026 22:00",
      status: "contained",
    },
  },
  {
    text: "trang web bi deface luc 6h sang nay, da khac phuc xong",
    facts: { type: "defacement", detectedAt: "28/11/2026 06:00", status: "resolved" },
  },
  {
    text: "phan mem ke toan cua so tai chinh bi nhiem virus tren 4 may",
    facts: { system: "phan mem ke toan", type: "malware", machines: 4 },
  },
  {
    text: "lo lot du lieu ho so benh nhan cua benh vien, chua ro bao nhieu",
    facts: { type: "data_leak", dataExposed: "personal" },
  },
  {
    text: "ht mot cua bi xam nhap, hacker tao tk admin moi. dang dien ra",
    facts: { type: "intrusion", status: "ongoing" },
  },
  {
    text: "Mất kết nối internet toàn cơ quan do đứt cáp quang từ 8h sáng, chưa khắc phục được",
    facts: {
      type: "system_failure",
      detectedAt: "28/11/2026 08:00",
      serviceDisrupted: "yes",
      status: "ongoing",
    },
  },
  {
    text: "bị lũ ngập phòng máy chủ tối qua khoảng 11h đêm, 2 máy chủ hỏng",
    facts: {
      type: "disaster",
      detectedAt: "27/11/2026 23:00",
      machines: 2,
      serverAffected: "yes",
    },
  },
  {
    text: "Mấy máy tính ở bộ phận một cửa chạy rất chậm, hiện tiến trình lạ, antivirus báo trojan",
    facts: { type: "malware" },
  },
  {
    text: "Sáng nay khoảng 9g40 phát hiện web sở bị treo cờ lạ!!!",
    facts: { system: "web sở", type: "defacement", detectedAt: "28/11/2026 09:40" },
  },
  // ── English ──
  {
    text: "Our provincial portal https://portal.example.gov.vn/home was defaced this morning at 8, it is still down.",
    facts: {
      system: "provincial portal",
      type: "defacement",
      url: ["https://portal.example.gov.vn/home"],
      domain: ["portal.example.gov.vn"],
      detectedAt: "28/11/2026 08:00",
      serviceDisrupted: "yes",
      status: "ongoing",
    },
  },
  {
    text: "Ransomware on the file server, 12 PCs encrypted, spreading to other machines. Noticed an hour ago.",
    facts: {
      system: "file server",
      type: "ransomware",
      serverAffected: "yes",
      machines: 12,
      spreading: "yes",
      detectedAt: "28/11/2026 09:00",
    },
  },
  {
    text: "Phishing email impersonating the Ministry, two staff clicked the link. Received at 9:15 today.",
    facts: { type: "phishing", detectedAt: "28/11/2026 09:15" },
  },
  {
    text: "The e-office system is unreachable since yesterday at 10pm, looks like a DDoS. Now resolved.",
    facts: {
      system: "e-office system",
      type: "ddos",
      serviceDisrupted: "yes",
      detectedAt: "27/11/2026 22:00",
      status: "resolved",
    },
  },
  {
    text: "Admin account compromised, someone logged in from abroad 30 minutes ago. We have isolated the server.",
    facts: {
      type: "account_compromise",
      detectedAt: "28/11/2026 09:30",
      status: "contained",
      serverAffected: "yes",
    },
  },
  {
    text: "Citizen records leaked on a hacker forum, data breach of the document management system.",
    facts: { type: "data_leak", dataExposed: "personal", system: "document management system" },
  },
  {
    text: "Malware found on 3 computers, no sign of spreading, server not affected.",
    facts: { type: "malware", machines: 3, spreading: "no", serverAffected: "no" },
  },
  {
    text: "Power outage in the data centre after lightning at 7 am, all servers down.",
    facts: {
      type: "disaster",
      detectedAt: "28/11/2026 07:00",
      serverAffected: "yes",
      serviceDisrupted: "yes",
    },
  },
  {
    text: "Our website hacked by some group just now, homepage replaced. IP 203.162.4.190",
    facts: {
      system: "website",
      type: "defacement",
      detectedAt: "28/11/2026 10:00",
      ip: ["203.162.4.190"],
    },
  },
  {
    text: "Someone deleted by mistake the HR database this morning at 9:45, restored from backup.",
    facts: {
      system: "HR database",
      type: "operator_error",
      detectedAt: "28/11/2026 09:45",
      status: "resolved",
    },
  },
  // ── messy, emoji, pasted logs, mixed ──
  {
    text: "😱😱 web của tỉnh bị hack rồi!!! hiện chữ hacked by xyz 🙏 giúp với ạ",
    facts: { type: "defacement" },
  },
  {
    text: "Anh ơi máy em bị mã hóa hết file rồi 😭 đuôi .lockbit, có file readme đòi tiền",
    facts: { type: "ransomware" },
  },
  {
    text: "Nov 28 08:12:01 srv-web01 sshd[2211]: Failed password for root from 185.220.101.45 port 51234 ssh2\nNov 28 08:12:03 srv-web01 sshd[2211]: Accepted password for root from 185.220.101.45 port 51234 ssh2\nmáy chủ web bị đăng nhập bằng root từ IP lạ",
    facts: { system: "máy chủ web", type: "intrusion", ip: ["185.220.101.45"], serverAffected: "yes" },
    // The log's own timestamp is when the login happened, not when anyone noticed it.
    misses: ["type", "detectedAt"],
  },
  {
    text: "Phát hiện kết nối bất thường từ 192.168.1.25 tới 45.95.147.236:4444, nghi máy bị nhiễm mã độc điều khiển từ xa",
    facts: { type: "malware", ip: ["45.95.147.236"] },
  },
  {
    text: "Cổng TTĐT tỉnh (https://laichau.gov.vn) bị tấn công lúc 21h30 ngày 27/11, đã khắc phục.",
    facts: {
      url: ["https://laichau.gov.vn"],
      domain: ["laichau.gov.vn"],
      detectedAt: "27/11/2026 21:30",
      status: "resolved",
    },
  },
  {
    text: "Trang web sở xây dựng bị chèn link quảng cáo cờ bạc, đã gỡ nội dung, sở xây dựng đã đổi mật khẩu quản trị",
    facts: { system: "Trang web sở xây dựng", type: "defacement", status: "contained" },
  },
  {
    text: "Hệ thống mạng nội bộ có dấu hiệu bị tấn công, hiện đã ngăn chặn. Không có dữ liệu bị lộ.",
    facts: { system: "Hệ thống mạng nội bộ", status: "contained", dataExposed: "none" },
    // The classifier reads "dữ liệu bị lộ" despite "Không có" before it.
    misses: ["type"],
  },
  {
    text: "Báo cáo: máy chủ CSDL bị xâm nhập, dữ liệu bị tải xuống, địa chỉ 14.160.22.5 và 10.0.0.8",
    facts: {
      system: "máy chủ CSDL",
      type: "intrusion",
      serverAffected: "yes",
      dataExposed: "yes",
      ip: ["14.160.22.5"],
    },
  },
  {
    text: "khong phai ransomware, chi la may tinh bi treo, khoi dong lai thi binh thuong",
    facts: { type: "system_failure" },
  },
  {
    text: "Website vẫn hoạt động bình thường nhưng phát hiện webshell trong thư mục upload lúc 8 giờ 20 sáng nay",
    facts: { type: "intrusion", serviceDisrupted: "no", detectedAt: "28/11/2026 08:20" },
  },
  {
    text: "Lúc 5h sáng nay camera phòng máy báo khói, cháy tủ điện, 1 máy chủ bị hỏng, dịch vụ gián đoạn",
    facts: {
      type: "disaster",
      detectedAt: "28/11/2026 05:00",
      machines: 1,
      serverAffected: "yes",
      serviceDisrupted: "yes",
    },
  },
  {
    text: "Tin nhắn SMS lừa đảo mạo danh UBND tỉnh gửi tới nhiều cán bộ, đường dẫn tới vneid-gov.com",
    facts: { type: "scam_call", domain: ["vneid-gov.com"] },
  },
  {
    text: "Trang giả mạo cổng dịch vụ công tại dichvucong-gov.vip đang lừa người dân nộp tiền",
    facts: { type: "phishing", domain: ["dichvucong-gov.vip"], system: "cổng dịch vụ công" },
  },
  {
    text: "tối qua lúc 23h phát hiện đăng nhập bất thường vào hộp thư công vụ của 3 cán bộ",
    facts: { type: "account_compromise", detectedAt: "27/11/2026 23:00", system: "hộp thư công vụ" },
  },
  // ── written after the extractor was tuned on the cases above; labels kept as written ──
  {
    heldOut: true,
    text: "Kính gửi trợ lý, hồi 7h45 sáng nay Trung tâm phát hiện trang web tuyển sinh của trường bị thay nội dung bằng hình ảnh phản động. Đã tắt website.",
    facts: {
      system: "trang web tuyển sinh",
      type: "defacement",
      detectedAt: "28/11/2026 07:45",
      status: "contained",
    },
  },
  {
    heldOut: true,
    text: "server mail cua so bi gui spam hang loat tu 5h chieu qua, tk admin bi lo pass",
    facts: {
      system: "server mail",
      type: "account_compromise",
      detectedAt: "27/11/2026 17:00",
      serverAffected: "yes",
    },
    misses: ["system"],
  },
  {
    heldOut: true,
    text: "15 máy tính tại Văn phòng UBND huyện bị nhiễm virus đào tiền ảo, chưa ảnh hưởng máy chủ",
    facts: { type: "malware", machines: 15, serverAffected: "no" },
  },
  {
    heldOut: true,
    text: "Our citizen portal dichvucong.example.gov.vn has been under DDoS since 6:30 this morning, still unavailable",
    facts: {
      system: "citizen portal",
      type: "ddos",
      domain: ["dichvucong.example.gov.vn"],
      detectedAt: "28/11/2026 06:30",
      status: "ongoing",
      serviceDisrupted: "yes",
    },
  },
  {
    heldOut: true,
    text: "Hệ thống camera giám sát giao thông bị mất kết nối toàn bộ từ 2 giờ chiều hôm qua",
    facts: {
      system: "Hệ thống camera giám sát giao thông",
      type: "system_failure",
      detectedAt: "27/11/2026 14:00",
      serviceDisrupted: "yes",
    },
  },
  {
    heldOut: true,
    text: "phat hien file hop dong mat cua so bi dang len nhom telegram, nghi lo tai lieu mat",
    facts: { type: "data_leak", dataExposed: "state_secret" },
    misses: ["type"],
  },
  {
    heldOut: true,
    text: "Máy chủ ảo VPS 103.57.220.14 bị cài mã độc đào coin, CPU 100%, đã xóa và vá lỗ hổng",
    facts: { type: "malware", serverAffected: "yes", ip: ["103.57.220.14"], status: "resolved" },
    misses: ["status", "system"],
  },
  {
    heldOut: true,
    text: "cán bộ bấm nhầm cấu hình tường lửa làm cả cơ quan mất mạng khoảng 40 phút trước, đã sửa lại",
    facts: {
      type: "operator_error",
      detectedAt: "28/11/2026 09:20",
      serviceDisrupted: "yes",
      status: "resolved",
    },
  },
  {
    heldOut: true,
    text: "hai máy tính phòng tổ chức bị mã hóa file đuôi .phobos lúc 8h, đã rút mạng, máy chủ không bị ảnh hưởng",
    facts: {
      type: "ransomware",
      machines: 2,
      detectedAt: "28/11/2026 08:00",
      status: "contained",
      serverAffected: "no",
    },
  },
  {
    heldOut: true,
    text: "There was a suspicious login to the e-office system at 23:40 last night from 91.240.118.9, the account is now locked",
    facts: {
      system: "e-office system",
      type: "account_compromise",
      detectedAt: "27/11/2026 23:40",
      ip: ["91.240.118.9"],
      status: "contained",
    },
    misses: ["type"],
  },
  {
    heldOut: true,
    text: "Em ở xã, sáng nay mạng chậm lắm, không biết có phải bị tấn công không",
    facts: {},
  },
  {
    heldOut: true,
    text: "Cổng thông tin điện tử xã bị chèn mã độc chuyển hướng sang trang cá độ, người dân không truy cập được, đã báo nhà cung cấp",
    facts: {
      system: "Cổng thông tin điện tử xã",
      type: "defacement",
      serviceDisrupted: "yes",
    },
    misses: ["type"],
  },
  {
    heldOut: true,
    text: "Dạ em báo cáo: khoảng 7g sáng nay toàn bộ máy tính phòng Tài chính (8 máy) hiện màn hình đòi tiền chuộc, file bị đổi đuôi hết. Chưa lây sang máy chủ.",
    facts: {
      type: "ransomware",
      detectedAt: "28/11/2026 07:00",
      machines: 8,
      serverAffected: "no",
      // Labelled without this at first; "chưa lây sang máy chủ" does say it has not spread.
      spreading: "no",
    },
  },
  {
    heldOut: true,
    text: "portal tinh bi ddos tu 14h hom qua den gio van chap chon, luc vao duoc luc khong",
    facts: { type: "ddos", detectedAt: "27/11/2026 14:00", status: "ongoing", serviceDisrupted: "yes" },
  },
  {
    heldOut: true,
    text: "Phát hiện tài khoản thư điện tử của 5 cán bộ bị lộ mật khẩu, đã đổi mật khẩu và khóa tạm thời",
    facts: { type: "account_compromise", status: "contained" },
  },
  {
    heldOut: true,
    text: "Website https://sotnmt.example.gov.vn bị chèn mã độc, Google cảnh báo trang nguy hiểm. Phát hiện lúc 10h sáng hôm qua.",
    facts: {
      type: "malware",
      url: ["https://sotnmt.example.gov.vn"],
      domain: ["sotnmt.example.gov.vn"],
      detectedAt: "27/11/2026 10:00",
    },
  },
  {
    heldOut: true,
    text: "A staff member received a WhatsApp message pretending to be the Director asking for a bank transfer",
    facts: { type: "scam_call" },
    misses: ["type"],
  },
  {
    heldOut: true,
    text: "Hệ thống hội nghị truyền hình bị gián đoạn từ 9 giờ, nguyên nhân đang kiểm tra",
    facts: {
      system: "Hệ thống hội nghị truyền hình",
      detectedAt: "28/11/2026 09:00",
      serviceDisrupted: "yes",
    },
  },
  {
    heldOut: true,
    text: "We found that 2 servers were encrypted at 3am, backups are intact, the attack has been contained",
    facts: {
      type: "ransomware",
      machines: 2,
      serverAffected: "yes",
      detectedAt: "28/11/2026 03:00",
      status: "contained",
    },
  },
  {
    heldOut: true,
    text: "cán bộ gửi nhầm file danh sách hộ nghèo kèm số CCCD lên nhóm Zalo công khai, đã thu hồi tin nhắn",
    facts: { type: "operator_error", dataExposed: "personal", status: "contained" },
    misses: ["dataExposed"],
  },
  {
    heldOut: true,
    text: "có IP 45.142.212.61 dò quét mật khẩu liên tục vào máy chủ VPN từ tối qua",
    facts: {
      type: "vuln_exploit_attempt",
      ip: ["45.142.212.61"],
      serverAffected: "yes",
      system: "máy chủ VPN",
    },
  },
  {
    heldOut: true,
    text: "Sáng nay mở máy thấy hình nền bị đổi, có file hướng dẫn khôi phục dữ liệu, không mở được tài liệu nào",
    facts: { type: "ransomware" },
    misses: ["type"],
  },
  // ── messages that state nothing ──
  { text: "alo", facts: {} },
  { text: "Cho em hỏi cách báo cáo sự cố ạ", facts: {} },
  { text: "🙏🙏🙏", facts: {} },
  { text: "Hello, I need help", facts: {} },
  { text: "bao cao su co", facts: {} },
  { text: "Có sự cố, gọi lại giúp em số 0900 000 000", facts: {} },
];

/** Every field's values as comparable strings: times as Vietnamese wall time, system names folded. */
export function comparable(facts: ExpectedFacts): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(facts)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    out[field] = field === "system" ? values.map((v) => foldDiacritics(v)) : values;
  }
  return out;
}

/** The extractor's facts in the shape of {@link ExpectedFacts}. */
export function asExpected(facts: readonly Fact[]): ExpectedFacts {
  const out: Record<string, unknown> = {};
  for (const f of facts) {
    const value = f.field === "detectedAt" ? formatVnDateTime(new Date(f.value)) : f.value;
    if (f.field === "domain" || f.field === "url" || f.field === "ip") {
      out[f.field] = [...((out[f.field] as string[] | undefined) ?? []), value];
    } else {
      out[f.field] = value;
    }
  }
  return out as ExpectedFacts;
}
