import type { Migration } from "./index.ts";

const SEEDED_BY = "system:seed";

/**
 * The data as it was when this migration was written, frozen here: an old migration must do the same thing on
 * every database it ever runs on, so it never reads the live domain constants (a later edit of the directives
 * or the default rules is a new migration, not a silent change of this one).
 */
interface SeedVersion {
  validFrom: string;
  data: { active: boolean; lastVerified: string; source: string } & Record<string, unknown>;
}

const DIRECTIVE_CONTACTS: Record<string, SeedVersion[]> = {
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
        notes: "Công văn 2021 không ghi ngày; ngày hiệu lực lấy là 01/12/2021.",
        source: "Công văn Bộ TT&TT số /BTTTT-CATTT (2021), Tết Dương lịch và Tết Nguyên đán Nhâm Dần 2022",
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
        source: "Công văn UBND tỉnh Lai Châu số /UBND-VX (01/2024), Tết Nguyên đán Giáp Thìn 2024",
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
        notes: "Công văn 2021 không ghi ngày; ngày hiệu lực lấy là 01/12/2021.",
        source: "Công văn Bộ TT&TT số /BTTTT-CATTT (2021), Tết Dương lịch và Tết Nguyên đán Nhâm Dần 2022",
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
        source: "Công văn UBND tỉnh Lai Châu số /UBND-VX (01/2024), Tết Nguyên đán Giáp Thìn 2024",
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
        source: "Công văn UBND tỉnh Lai Châu số /UBND-VX (01/2024), Tết Nguyên đán Giáp Thìn 2024",
        lastVerified: "2024-01-01",
        active: true,
      },
    },
  ],
};

const DEFAULT_ROUTING_RULES: Array<{ id: string } & Record<string, unknown>> = [
  {
    id: "R8",
    stage: "submitted",
    when: { fact: "ownerSector", in: ["defence", "public_security"] },
    actions: [],
    advice: ["routing:advice.ministryChannel"],
    exclusive: true,
  },
  {
    id: "R6",
    stage: "submitted",
    when: { fact: "incidentType", eq: "scam_call" },
    actions: [],
    advice: ["routing:advice.scamCallReport", "routing:advice.scamCallNoTt20"],
    exclusive: true,
  },
  {
    id: "R1",
    stage: "submitted",
    when: {
      all: [
        { not: { fact: "incidentType", eq: "scam_call" } },
        { not: { fact: "ownerSector", in: ["defence", "public_security"] } },
      ],
    },
    actions: [
      { contact: "provincial", kind: "notify" },
      { contact: "vncert", kind: "notify" },
    ],
    advice: ["routing:advice.notifyOwner", "routing:advice.emailSubjectTbsc"],
    exclusive: false,
    deadlineHours: 120,
  },
  {
    id: "R2",
    stage: "submitted",
    when: {
      any: [
        { fact: "severity", gte: 3 },
        { fact: "canHandleAlone", eq: false },
      ],
    },
    actions: [
      { contact: "vncert", kind: "initial_report" },
      { contact: "provincial", kind: "initial_report" },
    ],
    advice: ["routing:advice.signInitialReport", "routing:advice.requestSupport"],
    exclusive: false,
  },
  {
    id: "R3",
    stage: "submitted",
    when: { fact: "severity", gte: 4 },
    actions: [
      { contact: "vncert", kind: "emergency" },
      { contact: "provincial", kind: "emergency" },
    ],
    advice: [
      "routing:advice.phoneHotlinesNow",
      "routing:advice.informSteeringCommittee",
      "routing:advice.progressReports",
    ],
    exclusive: false,
  },
  {
    id: "R4",
    stage: "submitted",
    when: {
      any: [
        { fact: "detection", includesAny: ["external_ncsc"] },
        {
          all: [
            { fact: "incidentType", eq: "malware" },
            { fact: "detection", includesAny: ["external_vncert", "external_ncsc", "external_isp"] },
          ],
        },
      ],
    },
    actions: [
      { contact: "ncsc", kind: "cc" },
      { contact: "provincial", kind: "notify" },
    ],
    advice: ["routing:advice.replyOnMonitoringPlatform"],
    exclusive: false,
  },
  {
    id: "R5",
    stage: "submitted",
    when: {
      any: [
        { fact: "incidentType", in: ["ransomware", "data_leak", "phishing", "account_compromise"] },
        { fact: "dataExposed", in: ["personal", "state_secret"] },
        { fact: "dangerousSituation", eq: true },
      ],
    },
    actions: [{ contact: "provincial", kind: "notify" }],
    advice: ["routing:advice.reportToPolice"],
    exclusive: false,
  },
  {
    id: "R7",
    stage: "closed",
    when: {
      all: [
        { not: { fact: "incidentType", eq: "scam_call" } },
        { not: { fact: "ownerSector", in: ["defence", "public_security"] } },
      ],
    },
    actions: [
      { contact: "vncert", kind: "final_report" },
      { contact: "provincial", kind: "final_report" },
    ],
    advice: ["routing:advice.finalReportWithin5Days"],
    exclusive: false,
    deadlineHours: 120,
  },
];

/**
 * Seeds the directives' contact table (with its history) and the default routing rules. It runs once, as a
 * migration, so later starts never overwrite what admins have changed since.
 */
export const migration002SeedDirectives: Migration = {
  version: 2,
  name: "seed-directives",
  up(db) {
    const seededAt = new Date().toISOString();
    const insertVersion = db.prepare(
      `INSERT INTO contact_versions (contact_id, version, data, valid_from, valid_to, changed_by, changed_at, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertContact = db.prepare(
      `INSERT INTO contacts (id, version, data, active, last_verified, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [id, versions] of Object.entries(DIRECTIVE_CONTACTS)) {
      const current = versions.at(-1);
      if (!current) continue;
      insertContact.run(
        id,
        versions.length,
        JSON.stringify(current.data),
        current.data.active ? 1 : 0,
        current.data.lastVerified,
        seededAt,
        SEEDED_BY,
      );
      versions.forEach((v, i) => {
        const next = versions[i + 1];
        insertVersion.run(
          id,
          i + 1,
          JSON.stringify(v.data),
          v.validFrom,
          next ? next.validFrom : null,
          SEEDED_BY,
          seededAt,
          v.data.source,
        );
      });
    }
    const insertRule = db.prepare(
      `INSERT INTO routing_rules (id, position, version, definition, active, updated_at, updated_by)
       VALUES (?, ?, 1, ?, 1, ?, ?)`,
    );
    const insertRuleVersion = db.prepare(
      `INSERT INTO routing_rule_versions (rule_id, version, definition, changed_by, changed_at)
       VALUES (?, 1, ?, ?, ?)`,
    );
    DEFAULT_ROUTING_RULES.forEach((rule, position) => {
      const definition = JSON.stringify(rule);
      insertRule.run(rule.id, position, definition, seededAt, SEEDED_BY);
      insertRuleVersion.run(rule.id, definition, SEEDED_BY, seededAt);
    });
  },
};
