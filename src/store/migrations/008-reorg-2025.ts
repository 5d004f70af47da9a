import { isDeepStrictEqual } from "node:util";
import type { Migration } from "./index.ts";

// Frozen data: a migration must mean the same thing whenever it runs, so everything it writes is a literal
// here, never imported from code that later releases may change.

const BY = "system:migration-008";
const REORG_DATE = "2025-03-01";
const SOURCE =
  "Sáp nhập và chuyển giao nhiệm vụ an toàn thông tin mạng từ 01/03/2025 (tài liệu tham khảo §5.7–§5.9, theo báo chí)";

/**
 * The units that took over from the Sở TT&TT on 01/03/2025 (reference §5.7–§5.9). Their numbers, e-mail and
 * address are not known from any public source, so none is written (never invent one); they are out of use
 * until an admin has verified and filled them in. The contact schema has no "unverified" state: the notes say
 * so, and the "last verified" date is the date of the reorganisation, old enough that the contact shows as due
 * for verification the moment it is put in use.
 */
const NEW_CONTACTS = [
  {
    id: "police",
    data: {
      nameVi: "Công an tỉnh – Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (PA05)",
      nameEn: "Provincial Police – Cybersecurity and High-Tech Crime Prevention Division (PA05)",
      shortName: "Công an tỉnh (PA05)",
      role: "police",
      phones: [],
      hotlines: [],
      emails: [],
      address: "",
      notes:
        "CHƯA XÁC MINH, CHƯA SỬ DỤNG: chưa có số điện thoại, thư điện tử, địa chỉ chính thức. Từ 01/03/2025 Công an tỉnh (PA05) đảm nhiệm nhiệm vụ an toàn thông tin mạng của tỉnh; quy tắc R3 và R5 chuyển phiếu tới đơn vị này khi đơn vị được đưa vào sử dụng. Đề nghị quản trị viên xác minh với Công an tỉnh, bổ sung thông tin, gắn nhóm trực rồi đặt «Đang sử dụng» thành «Có». Ngày xác minh ghi ở đây là ngày chuyển giao nhiệm vụ, không phải ngày xác minh liên hệ.",
      source: SOURCE,
      lastVerified: REORG_DATE,
      active: false,
    },
  },
  {
    id: "provincial_dost",
    data: {
      nameVi: "Sở Khoa học và Công nghệ (hạ tầng công nghệ thông tin)",
      nameEn: "Department of Science and Technology (IT infrastructure)",
      shortName: "Sở KH&CN",
      role: "provincial",
      phones: [],
      hotlines: [],
      emails: [],
      address: "",
      notes:
        "CHƯA XÁC MINH, CHƯA SỬ DỤNG: chưa có số điện thoại, thư điện tử, địa chỉ chính thức. Từ 01/03/2025 Sở TT&TT hợp nhất vào Sở KH&CN, đơn vị phụ trách hạ tầng công nghệ thông tin của tỉnh. Đề nghị quản trị viên xác minh, bổ sung thông tin rồi đặt «Đang sử dụng» thành «Có». Ngày xác minh ghi ở đây là ngày hợp nhất, không phải ngày xác minh liên hệ.",
      source: SOURCE,
      lastVerified: REORG_DATE,
      active: false,
    },
  },
] as const;

const LEGACY_MARK = "ĐẦU MỐI CŨ";
const LEGACY_NOTE =
  "ĐẦU MỐI CŨ: từ 01/03/2025 Sở TT&TT hợp nhất vào Sở KH&CN (đơn vị provincial_dost) và nhiệm vụ an toàn thông tin mạng chuyển sang Công an tỉnh (PA05, đơn vị police). Chỉ giữ lại cho tới khi được xác minh.";

const SEEDED_NOTE =
  "Có thể đã cũ: từ 01/03/2025 Sở TT&TT hợp nhất vào Sở KH&CN và nhiệm vụ ATTTM chuyển sang Công an tỉnh (PA05). Đề nghị quản trị viên xác minh và cập nhật.";

// R3 and R5 exactly as releases before this one seeded them, and as they are from now on. A rule an admin has
// changed since is left as the admin made it.
const OLD_RULES: Record<string, unknown> = {
  R3: {
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
  R5: {
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
};

const NEW_RULES: Record<string, unknown> = {
  R3: {
    id: "R3",
    stage: "submitted",
    when: { fact: "severity", gte: 4 },
    actions: [
      { contact: "vncert", kind: "emergency" },
      { contact: "provincial", kind: "emergency" },
      { contact: "police", kind: "emergency" },
    ],
    advice: [
      "routing:advice.phoneHotlinesNow",
      "routing:advice.informSteeringCommittee",
      "routing:advice.progressReports",
    ],
    exclusive: false,
  },
  R5: {
    id: "R5",
    stage: "submitted",
    when: {
      any: [
        { fact: "incidentType", in: ["ransomware", "data_leak"] },
        { fact: "dataExposed", in: ["personal", "state_secret"] },
        { fact: "dangerousSituation", eq: true },
      ],
    },
    actions: [{ contact: "police", kind: "notify" }],
    advice: ["routing:advice.reportToPolice"],
    exclusive: false,
  },
};

/**
 * The 2025 reorganisation (issue 17): the provincial police and the Sở KH&CN as contacts out of use, the
 * Sở TT&TT entry flagged as legacy, and R3 and R5 routing to the police (a contact out of use receives
 * nothing, so until an admin puts the police in use R5 gives advice only, as before).
 */
export const migration008Reorg2025: Migration = {
  version: 8,
  name: "reorg-2025",
  up(db) {
    const at = new Date().toISOString();
    const exists = db.prepare("SELECT 1 FROM contacts WHERE id = ?");
    const insertContact = db.prepare(
      `INSERT INTO contacts (id, version, data, active, last_verified, updated_at, updated_by)
       VALUES (?, 1, ?, 0, ?, ?, ?)`,
    );
    const insertVersion = db.prepare(
      `INSERT INTO contact_versions (contact_id, version, data, valid_from, valid_to, changed_by, changed_at, reason)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?)`,
    );
    for (const { id, data } of NEW_CONTACTS) {
      // An admin may already have added a contact of that id by hand; theirs stands.
      if (exists.get(id)) continue;
      const json = JSON.stringify(data);
      insertContact.run(id, json, data.lastVerified, at, BY);
      insertVersion.run(id, 1, json, at, BY, at, data.source);
    }

    // Flag the Sở TT&TT entry, if it still is one (an admin may have turned `provincial` into another unit).
    const provincial = db.prepare("SELECT version, data FROM contacts WHERE id = 'provincial'").get() as
      | { version: number; data: string }
      | undefined;
    if (provincial) {
      const data = JSON.parse(provincial.data) as { shortName?: string; nameVi?: string; notes?: string };
      const isSoTttt = /TT&TT|Thông tin và Truyền thông/.test(`${data.shortName ?? ""} ${data.nameVi ?? ""}`);
      if (isSoTttt && !(data.notes ?? "").includes(LEGACY_MARK)) {
        // The seed's own "may be stale" note says less than the legacy note; an admin's note is kept after it.
        const kept = data.notes === SEEDED_NOTE ? "" : (data.notes ?? "");
        const notes = `${LEGACY_NOTE} ${kept}`.trim().slice(0, 1000);
        const next = JSON.stringify({ ...data, notes });
        const version = provincial.version + 1;
        db.prepare(
          "UPDATE contacts SET version = ?, data = ?, updated_at = ?, updated_by = ? WHERE id = 'provincial'",
        ).run(version, next, at, BY);
        db.prepare(
          "UPDATE contact_versions SET valid_to = ? WHERE contact_id = 'provincial' AND valid_to IS NULL",
        ).run(at);
        insertVersion.run("provincial", version, next, at, BY, at, "Đánh dấu đầu mối cũ sau sáp nhập 2025");
      }
    }

    const rule = db.prepare("SELECT version, definition, active, position FROM routing_rules WHERE id = ?");
    const updateRule = db.prepare(
      "UPDATE routing_rules SET version = ?, definition = ?, updated_at = ?, updated_by = ? WHERE id = ?",
    );
    const insertRuleVersion = db.prepare(
      `INSERT INTO routing_rule_versions (rule_id, version, definition, changed_by, changed_at, active, position)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [id, definition] of Object.entries(NEW_RULES)) {
      const row = rule.get(id) as
        | { version: number; definition: string; active: number; position: number }
        | undefined;
      if (!row || !isDeepStrictEqual(JSON.parse(row.definition), OLD_RULES[id])) continue;
      const json = JSON.stringify(definition);
      const version = row.version + 1;
      updateRule.run(version, json, at, BY, id);
      insertRuleVersion.run(id, version, json, BY, at, row.active, row.position);
    }
  },
};
