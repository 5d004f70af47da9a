import { z } from "zod";

/** What a contact does in the response chain (reference §6). */
export const CONTACT_ROLES = ["coordination", "monitoring", "provincial", "police", "other"] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD");

/** The editable data of a contact; stored as one JSON document per version. */
export const contactDataSchema = z.object({
  nameVi: z.string().trim().min(2).max(200),
  nameEn: z.string().trim().min(2).max(200),
  shortName: z.string().trim().min(2).max(40),
  role: z.enum(CONTACT_ROLES),
  phones: z.array(z.string().trim().min(3).max(40)).max(10),
  hotlines: z.array(z.string().trim().min(3).max(40)).max(10),
  emails: z.array(z.email()).max(10),
  address: z.string().trim().max(300).default(""),
  notes: z.string().trim().max(1000).default(""),
  source: z.string().trim().min(2).max(300),
  lastVerified: isoDate,
  active: z.boolean().default(true),
});

export type ContactData = z.infer<typeof contactDataSchema>;

/** A contact as routed to: its id, its current version and data. */
export interface Contact extends ContactData {
  id: string;
  version: number;
}

/** A dated version of a contact as published in one source document. */
export interface ContactSeedVersion {
  validFrom: string;
  data: ContactData;
}

const LETTER_2021 =
  "Công văn Bộ TT&TT số /BTTTT-CATTT (2021), Tết Dương lịch và Tết Nguyên đán Nhâm Dần 2022";
const LETTER_2024 = "Công văn UBND tỉnh Lai Châu số /UBND-VX (01/2024), Tết Nguyên đán Giáp Thìn 2024";
const UNDATED_NOTE_2021 = "Công văn 2021 không ghi ngày; ngày hiệu lực lấy là 01/12/2021.";

/**
 * The contact table of the two directives in shared/seeds, oldest version first. Where the 2024 letter and the
 * 2021 letter differ (VNCERT/CC phone and e-mail), the 2024 values are current and the 2021 ones are history.
 */
export const DIRECTIVE_CONTACTS: Record<"vncert" | "ncsc" | "provincial", ContactSeedVersion[]> = {
  vncert: [
    {
      validFrom: "2021-12-01",
      data: {
        nameVi: "Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam",
        nameEn: "Vietnam Computer Emergency Response Team / Coordination Center",
        shortName: "VNCERT/CC",
        role: "coordination",
        phones: ["024.3640.4424"],
        hotlines: ["086.9100.317"],
        emails: ["thongbaosuco@vncert.vn"],
        address: "",
        notes: UNDATED_NOTE_2021,
        source: LETTER_2021,
        lastVerified: "2021-12-01",
        active: true,
      },
    },
    {
      validFrom: "2024-01-01",
      data: {
        nameVi: "Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam",
        nameEn: "Vietnam Computer Emergency Response Team / Coordination Center",
        shortName: "VNCERT/CC",
        role: "coordination",
        phones: ["024.3640.4421"],
        hotlines: ["086.9100.317"],
        emails: ["ir@vncert.vn"],
        address: "",
        notes:
          "Từ 03/2025 VNCERT/CC hoạt động dưới sự chỉ đạo của Cục A05, Bộ Công an; cần xác minh lại số điện thoại và thư điện tử.",
        source: LETTER_2024,
        lastVerified: "2024-01-01",
        active: true,
      },
    },
  ],
  ncsc: [
    {
      validFrom: "2021-12-01",
      data: {
        nameVi: "Trung tâm Giám sát an toàn không gian mạng quốc gia",
        nameEn: "National Cyber Security Monitoring Center",
        shortName: "NCSC",
        role: "monitoring",
        phones: ["024.3209.1616"],
        hotlines: [],
        emails: ["ais@mic.gov.vn"],
        address: "",
        notes: UNDATED_NOTE_2021,
        source: LETTER_2021,
        lastVerified: "2021-12-01",
        active: true,
      },
    },
    {
      validFrom: "2024-01-01",
      data: {
        nameVi: "Trung tâm Giám sát an toàn không gian mạng quốc gia",
        nameEn: "National Cyber Security Monitoring Center",
        shortName: "NCSC",
        role: "monitoring",
        phones: ["024.3209.1616"],
        hotlines: ["038.994.2878"],
        emails: ["ais@mic.gov.vn"],
        address: "",
        notes:
          "Địa chỉ @mic.gov.vn có thể đã thay đổi sau khi chức năng ATTTM chuyển sang Bộ Công an (03/2025).",
        source: LETTER_2024,
        lastVerified: "2024-01-01",
        active: true,
      },
    },
  ],
  provincial: [
    {
      validFrom: "2024-01-01",
      data: {
        nameVi: "Sở Thông tin và Truyền thông tỉnh Lai Châu",
        nameEn: "Lai Chau Department of Information and Communications",
        shortName: "Sở TT&TT Lai Châu",
        role: "provincial",
        phones: ["0213.3798.798"],
        hotlines: [],
        emails: ["sotttt@laichau.gov.vn"],
        address: "",
        notes:
          "Có thể đã cũ: từ 01/03/2025 Sở TT&TT hợp nhất vào Sở KH&CN và nhiệm vụ ATTTM chuyển sang Công an tỉnh (PA05). Đề nghị quản trị viên xác minh và cập nhật.",
        source: LETTER_2024,
        lastVerified: "2024-01-01",
        active: true,
      },
    },
  ],
};
