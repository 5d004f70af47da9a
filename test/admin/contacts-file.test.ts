import { describe, expect, it } from "vitest";
import { auditCsv, csvCell } from "../../src/admin/audit-export.ts";
import { ContactAdmin } from "../../src/admin/contact-admin.ts";
import {
  applyImport,
  checkContactsYaml,
  exportContactsYaml,
  ImportAborted,
} from "../../src/admin/contacts-file.ts";
import { describePlan, isEmptyPlan } from "../../src/admin/contacts-plan.ts";
import { createTranslator } from "../../src/i18n.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

const NOW = new Date("2026-11-21T03:00:00.000Z");
const AT = NOW.toISOString();
const SHELL = { kind: "shell" } as const;
const t = createTranslator("vi");

function service() {
  const store = new Store(openDatabase(":memory:"));
  return new ContactAdmin({ store, configAdmins: {}, changeApproval: false, staleMs: 180 * 86_400_000 });
}

/** The export without its header comment (which carries the export time). */
const body = (yaml: string) => yaml.replace(/^#.*\n/gm, "");

function importInto(target: ContactAdmin, yaml: string) {
  const checked = checkContactsYaml(target, yaml, { adviceExists: (k) => t.exists(k) });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  target.o.store.transaction(() => applyImport(target, SHELL, checked.plan, AT));
  return checked.plan;
}

describe("contacts YAML export and import", () => {
  it("export → import into the same database changes nothing", () => {
    const s = service();
    const checked = checkContactsYaml(s, exportContactsYaml(s, NOW));
    expect(checked.ok && isEmptyPlan(checked.plan)).toBe(true);
  });

  it("round trip is lossless: contacts, bindings, inactive rules and order arrive as they were", () => {
    const a = service();
    a.createContact(
      SHELL,
      "pa05",
      {
        nameVi: "Phòng An ninh mạng, Công an tỉnh Lai Châu",
        nameEn: "Cybersecurity Division, Lai Chau Police",
        shortName: "PA05 Lai Châu",
        role: "police",
        phones: ["0912345678"],
        hotlines: [],
        emails: ["pa05@laichau.gov.vn"],
        address: 'Số 1 "Trần Hưng Đạo": TP Lai Châu',
        notes: "Dòng 1\nDòng 2 — có dấu #, & và <b>",
        source: "Điện thoại xác minh",
        lastVerified: "2026-11-20",
        active: true,
      },
      AT,
    );
    a.updateContact(SHELL, "provincial", { active: false }, AT);
    a.o.store.bindChat("vncert", "telegram", "-1001234567890", "cli", AT);
    const rules = a.admin.rules();
    const r4 = rules.find((r) => r.id === "R4");
    if (!r4) throw new Error("R4 missing");
    a.admin.updateRule("R4", r4.version, r4.position, r4.definition, false, "cli", AT);
    const exported = exportContactsYaml(a, NOW);
    expect(exported).toContain('- "0912345678"');

    const b = service();
    const plan = importInto(b, exported);
    expect(plan.contactsAdded.map((c) => c.id)).toEqual(["pa05"]);
    expect(plan.contactsChanged.map((c) => c.id)).toEqual(["provincial"]);
    expect(plan.rulesChanged.map((r) => [r.id, r.fields])).toEqual([["R4", ["active"]]]);
    expect(body(exportContactsYaml(b, NOW))).toBe(body(exported));
    expect(b.contact("pa05")?.data).toEqual(a.contact("pa05")?.data);
    expect(b.o.store.routingRules().map((r) => r.id)).not.toContain("R4");
    expect(b.admin.ruleVersions("R4").map((v) => [v.version, v.active, v.changedBy])).toEqual([
      [1, true, "system:seed"],
      [2, false, "cli"],
    ]);
    // Importing the same file again is a no-op.
    const again = checkContactsYaml(b, exported);
    expect(again.ok && isEmptyPlan(again.plan)).toBe(true);
  });

  it("a file with several errors reports every one with its line and field, and changes nothing", () => {
    const s = service();
    const before = exportContactsYaml(s, NOW);
    const lines = before.split("\n");
    const edit = (pattern: RegExp, replace: string, nth = 0) => {
      const indexes = lines.flatMap((l, i) => (pattern.test(l) ? [i] : []));
      const at = indexes[nth];
      if (at === undefined) throw new Error(`no line ${pattern}`);
      lines[at] = replace;
      return at + 1;
    };
    const phoneLine = edit(/^ {6}- 024\.3640\.4421$/, "      - 12abc");
    const emailLine = edit(/^ {6}- ais@mic\.gov\.vn$/, "      - ais@@mic", 0);
    const roleLine = edit(/^ {4}role: provincial$/, "    role: province");
    const dateLine = edit(/^ {4}lastVerified: 2024-01-01$/, "    lastVerified: 2024-02-30", 0);
    const contactLine = edit(/^ {6}- contact: provincial$/, "      - contact: pa99", 0);
    const broken = lines.join("\n");

    const checked = checkContactsYaml(s, broken);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    const found = checked.issues.map((i) => [i.line, i.field, i.reason.key]);
    // Contacts are exported by id: ncsc, police, provincial, provincial_dost (the last two since migration 8), vncert.
    expect(found).toEqual([
      [emailLine, "contacts[0].emails[0]", "validation:email.invalid"],
      [dateLine, "contacts[0].lastVerified", "admin:import.date"],
      [roleLine, "contacts[2].role", "admin:import.oneOf"],
      [phoneLine, "contacts[4].phones[0]", "validation:phone.invalid"],
      [contactLine, "rules[2].actions[0].contact", "admin:file.unknownContact"],
    ]);
    const phone = checked.issues.find((i) => i.reason.key === "validation:phone.invalid");
    expect(phone).toMatchObject({ line: phoneLine, field: "contacts[4].phones[0]" });
    expect(t.t("vi", phone?.reason.key ?? "", phone?.reason.params)).toContain("không phải là số điện thoại");
    expect(body(exportContactsYaml(s, NOW))).toBe(body(before));
  });

  it("refuses syntax errors, a wrong format marker, and a file that leaves contacts or rules out", () => {
    const s = service();
    const syntax = checkContactsYaml(s, "format: x\ncontacts: [\n  - a\n");
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.issues[0]?.reason.key).toBe("admin:file.syntax");

    const exported = exportContactsYaml(s, NOW);
    const withoutNcsc = exported.replace(/ {2}- id: ncsc\n(?: {4}.*\n| {6}.*\n)*/, "");
    const missing = checkContactsYaml(s, withoutNcsc.replace("incident-bot/contacts@1", "other@1"));
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.issues.map((i) => [i.reason.key, i.reason.params?.id ?? ""])).toEqual(
        expect.arrayContaining([
          ["admin:file.format", ""],
          ["admin:file.missingContact", "ncsc"],
        ]),
      );
    }
  });

  it("an alias to no anchor is named as such, with its line, not as an alias bomb", () => {
    const check = checkContactsYaml(service(), "format: incident-bot/contacts@1\ncontacts: *nope\n");
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.issues[0]).toMatchObject({ line: 2, reason: { key: "admin:file.unknownAlias" } });
  });

  it("a file without its bindings section is refused, not read as 'unbind every duty chat'", () => {
    const s = service();
    s.o.store.bindChat("vncert", "telegram", "-100777", "test", AT);
    const text = exportContactsYaml(s, NOW).replace(/^bindings:[\s\S]*?(?=^rules:)/m, "");
    expect(text).not.toContain("bindings:");
    const checked = checkContactsYaml(s, text);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues.map((i) => i.reason.key)).toContain("admin:file.missingSection");
    expect(s.o.store.bindingsOf("vncert")).toEqual([{ channel: "telegram", chatId: "-100777" }]);
  });

  it("dry run describes the changes before and after; applying is all or nothing", () => {
    const s = service();
    const edited = exportContactsYaml(s, NOW)
      .replace("024.3640.4421", "024.3640.4999")
      .replace("bindings: []", 'bindings:\n  - contact: ncsc\n    chat: "telegram:-100777"');
    const checked = checkContactsYaml(s, edited);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    const say = (key: string, params?: Record<string, string | number>) => t.t("vi", key, params);
    expect(describePlan(checked.plan, say)).toEqual([
      "~ sửa đơn vị vncert:",
      "    phones: «024.3640.4421» → «024.3640.4999»",
      "+ gắn nhóm trực telegram:-100777 với ncsc",
    ]);
    // Someone edits VNCERT/CC between the check and the apply: the whole import is undone.
    s.updateContact(SHELL, "vncert", { notes: "changed meanwhile" }, AT);
    expect(() => s.o.store.transaction(() => applyImport(s, SHELL, checked.plan, AT))).toThrow(ImportAborted);
    expect(s.o.store.bindingsOf("ncsc")).toEqual([]);
    expect(s.contact("vncert")?.data.phones).toEqual(["024.3640.4421"]);
  });
});

describe("audit CSV export", () => {
  it("quotes separators and defuses spreadsheet formulas", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell("Sở KH&CN")).toBe("Sở KH&CN");
    const lines = [
      ...auditCsv([
        {
          id: 1,
          at: AT,
          actor: "telegram:1",
          action: "contact.update",
          subject: "vncert",
          outcome: "ok",
          details: { before: { phones: ["024"] } },
        },
      ]),
    ];
    expect(lines[0]).toBe("\uFEFFid,at,actor,action,subject,outcome,details\r\n");
    expect(lines[1]).toBe(
      `1,${AT},telegram:1,contact.update,vncert,ok,"{""before"":{""phones"":[""024""]}}"\r\n`,
    );
  });
});
