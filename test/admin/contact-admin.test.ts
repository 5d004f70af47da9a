import { describe, expect, it } from "vitest";
import { type AdminActor, ContactAdmin } from "../../src/admin/contact-admin.ts";
import { parseFieldValue, validateContactData } from "../../src/admin/contact-fields.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

const AT = "2026-11-21T03:00:00.000Z";
const ADMIN: AdminActor = { kind: "chat", channel: "telegram", userId: "1" };
const SECOND_ADMIN: AdminActor = { kind: "chat", channel: "telegram", userId: "2" };
const STRANGER: AdminActor = { kind: "chat", channel: "telegram", userId: "666" };

function setup(options: { changeApproval?: boolean } = {}) {
  const store = new Store(openDatabase(":memory:"));
  const service = new ContactAdmin({
    store,
    configAdmins: { telegram: ["1", "2"] },
    changeApproval: options.changeApproval ?? false,
    staleMs: 180 * 86_400_000,
  });
  const audit = () =>
    store.db
      .prepare("SELECT actor, action, subject, outcome, details FROM audit_log ORDER BY id")
      .all() as Array<{
      actor: string;
      action: string;
      subject: string;
      outcome: string;
      details: string;
    }>;
  return { store, service, audit };
}

describe("contact administration service", () => {
  it("an edit is a new version: the old one is closed, the new one current, the audit has who/before/after", () => {
    const { store, service, audit } = setup();
    const outcome = service.updateContact(ADMIN, "vncert", { phones: ["024 3640 4999"] }, AT, {
      expectedVersion: 2,
    });
    expect(outcome.status).toBe("saved");
    expect(store.contact("vncert")?.phones).toEqual(["024 3640 4999"]);
    expect(store.contact("vncert")?.version).toBe(3);
    const history = service.admin.history("vncert");
    expect(history.map((v) => [v.version, v.validTo, v.changedBy])).toEqual([
      [1, "2024-01-01", "system:seed"],
      [2, AT, "system:seed"],
      [3, null, "telegram:1"],
    ]);
    expect(service.admin.contactVersion("vncert", 2)?.data.phones).toEqual(["024.3640.4421"]);
    const entry = audit().at(-1);
    expect(entry).toMatchObject({
      actor: "telegram:1",
      action: "contact.update",
      subject: "vncert",
      outcome: "ok",
    });
    expect(JSON.parse(entry?.details ?? "{}")).toEqual({
      version: 3,
      fields: ["phones"],
      before: { phones: ["024.3640.4421"] },
      after: { phones: ["024 3640 4999"] },
    });
  });

  it("a non-admin changes nothing and the attempt is audited as denied", () => {
    const { store, service, audit } = setup();
    expect(service.updateContact(STRANGER, "vncert", { phones: ["0912 345 678"] }, AT).status).toBe("denied");
    expect(service.deleteContact(STRANGER, "ncsc", AT).status).toBe("denied");
    expect(service.createContact(STRANGER, "pa05", {}, AT).status).toBe("denied");
    expect(service.grant(STRANGER, "telegram", "666", "admin", "", AT).status).toBe("denied");
    expect(store.contact("vncert")?.version).toBe(2);
    expect(store.contact("pa05")).toBeUndefined();
    expect(store.rolesOf("telegram", "666")).toEqual([]);
    expect(audit().map((a) => [a.actor, a.action, a.outcome])).toEqual([
      ["telegram:666", "contact.update", "denied"],
      ["telegram:666", "contact.delete", "denied"],
      ["telegram:666", "contact.create", "denied"],
      ["telegram:666", "role.grant", "denied"],
    ]);
  });

  it("a person granted the admin role is an admin; revoking it takes the authority away", () => {
    const { service } = setup();
    const granted: AdminActor = { kind: "chat", channel: "telegram", userId: "77" };
    expect(service.isAdmin(granted)).toBe(false);
    expect(service.grant(ADMIN, "telegram", "77", "admin", "", AT).status).toBe("granted");
    expect(service.isAdmin(granted)).toBe(true);
    expect(service.revoke(granted, "telegram", "77", "admin", "", AT).status).toBe("self");
    expect(service.revoke(ADMIN, "telegram", "77", "admin", "", AT).status).toBe("revoked");
    expect(service.isAdmin(granted)).toBe(false);
    expect(service.grant(ADMIN, "telegram", "78", "duty", "nope", AT)).toMatchObject({
      status: "badContact",
    });
    expect(service.grant(ADMIN, "telegram", "78", "root", "", AT).status).toBe("badRole");
  });

  it("invalid phone and e-mail are refused with the intake validators' localized reasons", () => {
    const { store, service } = setup();
    expect(parseFieldValue("phones", "12abc")).toMatchObject({
      ok: false,
      error: { key: "validation:phone.invalid" },
    });
    expect(parseFieldValue("emails", "ir@@vncert")).toMatchObject({
      ok: false,
      error: { key: "validation:email.invalid" },
    });
    expect(parseFieldValue("phones", "024 3640 4421, 0912345678")).toEqual({
      ok: true,
      value: ["024 3640 4421", "0912 345 678"],
    });
    expect(parseFieldValue("hotlines", "-")).toEqual({ ok: true, value: [] });
    expect(parseFieldValue("nameVi", "   ")).toMatchObject({
      ok: false,
      error: { key: "validation:required" },
    });
    expect(parseFieldValue("notes", "x".repeat(1001))).toMatchObject({
      ok: false,
      error: { key: "validation:text.tooLong" },
    });
    // The service checks again: a caller that skipped the field parser still cannot store a bad number.
    const outcome = service.updateContact(ADMIN, "ncsc", { phones: ["not a phone"], emails: ["x@"] }, AT);
    expect(outcome.status).toBe("invalid");
    if (outcome.status === "invalid") {
      expect(outcome.issues.map((i) => [i.path.join("."), i.reason.key])).toEqual([
        ["phones.0", "validation:phone.invalid"],
        ["emails.0", "validation:email.invalid"],
      ]);
    }
    expect(store.contact("ncsc")?.version).toBe(2);
  });

  it("a change made against an older version is refused instead of overwriting the newer one", () => {
    const { store, service } = setup();
    expect(service.updateContact(ADMIN, "ncsc", { notes: "A" }, AT, { expectedVersion: 2 }).status).toBe(
      "saved",
    );
    const late = service.updateContact(SECOND_ADMIN, "ncsc", { notes: "B" }, AT, { expectedVersion: 2 });
    expect(late.status).toBe("conflict");
    expect(store.contact("ncsc")?.notes).toBe("A");
  });

  it("a contact used by routing rules cannot be deleted, and the rules are named; it can be deactivated", () => {
    const { store, service } = setup();
    const refused = service.deleteContact(ADMIN, "provincial", AT);
    expect(refused).toEqual({ status: "inUse", rules: ["R1", "R2", "R3", "R4"], tickets: 0 });
    expect(store.contact("provincial")).toBeDefined();
    expect(service.updateContact(ADMIN, "provincial", { active: false }, AT).status).toBe("saved");
    expect(store.contact("provincial")?.active).toBe(false);
    expect(store.db.prepare("SELECT active FROM contacts WHERE id = 'provincial'").get()).toEqual({
      active: 0,
    });
  });

  it("adds a contact (Công an tỉnh – PA05) and deletes an unused one", () => {
    const { store, service } = setup();
    const pa05 = {
      nameVi: "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao, Công an tỉnh Lai Châu",
      nameEn: "Cybersecurity and High-Tech Crime Division, Lai Chau Provincial Police",
      shortName: "PA05 Lai Châu",
      role: "police",
      phones: ["0213 3876 111"],
      hotlines: [],
      emails: [],
      address: "",
      notes: "",
      source: "Xác minh qua điện thoại ngày 20/11/2026",
      lastVerified: "2026-11-20",
      active: true,
    };
    expect(service.createContact(ADMIN, "pa05", pa05, AT).status).toBe("saved");
    expect(service.createContact(ADMIN, "pa05", pa05, AT).status).toBe("exists");
    expect(service.createContact(ADMIN, "PA 05", pa05, AT).status).toBe("invalid");
    expect(store.contact("pa05")).toMatchObject({ version: 1, shortName: "PA05 Lai Châu", role: "police" });
    store.grantRole("telegram", "77", "duty", "pa05", "test", AT);
    expect(service.deleteContact(ADMIN, "pa05", AT).status).toBe("deleted");
    expect(store.contact("pa05")).toBeUndefined();
    // Its duty roles go with it: they must not carry over to a later unit given the same id.
    expect(store.rolesOf("telegram", "77")).toEqual([]);
  });

  it("marking verified today is a new version with that date", () => {
    const { store, service } = setup();
    expect(service.markVerified(ADMIN, "ncsc", "2026-11-21", AT).status).toBe("saved");
    expect(store.contact("ncsc")?.lastVerified).toBe("2026-11-21");
    expect(service.admin.history("ncsc").at(-1)?.reason).toBe("verified");
  });

  it("flags active contacts not verified within the configured time", () => {
    const { service } = setup();
    expect(service.staleContacts(new Date(AT)).map((c) => c.id)).toEqual(["ncsc", "provincial", "vncert"]);
    service.markVerified(ADMIN, "ncsc", "2026-11-01", AT);
    service.updateContact(ADMIN, "provincial", { active: false }, AT);
    expect(service.staleContacts(new Date(AT)).map((c) => c.id)).toEqual(["vncert"]);
  });

  it("whole-contact validation reports every problem at once", () => {
    const result = validateContactData({
      nameVi: "V",
      nameEn: "VNCERT",
      shortName: "VNCERT/CC",
      role: "boss",
      phones: ["024.3640.4421", "abc"],
      hotlines: [],
      emails: ["nope"],
      source: "x",
      lastVerified: "2026-02-30",
      extra: 1,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path.join(".")).sort()).toEqual(
        ["", "emails.0", "lastVerified", "nameVi", "phones.1", "role", "source"].sort(),
      );
    }
  });
});

describe("four-eyes rule for national-level contacts", () => {
  it("a change to VNCERT/CC waits for a second, different admin; then takes effect as the proposer's", () => {
    const { store, service, audit } = setup({ changeApproval: true });
    const proposed = service.updateContact(ADMIN, "vncert", { hotlines: ["0869 100 999"] }, AT);
    expect(proposed.status).toBe("pending");
    if (proposed.status !== "pending") return;
    expect(store.contact("vncert")?.hotlines).toEqual(["086.9100.317"]);
    expect(service.approve(ADMIN, proposed.changeId, AT).status).toBe("ownChange");
    expect(service.approve(STRANGER, proposed.changeId, AT).status).toBe("denied");
    expect(store.contact("vncert")?.hotlines).toEqual(["086.9100.317"]);
    const approved = service.approve(SECOND_ADMIN, proposed.changeId, AT);
    expect(approved.status).toBe("approved");
    expect(store.contact("vncert")).toMatchObject({ version: 3, hotlines: ["0869 100 999"] });
    const version = service.admin.history("vncert").at(-1);
    expect(version).toMatchObject({ changedBy: "telegram:1", reason: "approved by telegram:2 (change #1)" });
    expect(service.approve(SECOND_ADMIN, proposed.changeId, AT).status).toBe("notFound");
    expect(audit().map((a) => [a.actor, a.action, a.outcome])).toEqual([
      ["telegram:1", "contact.propose", "ok"],
      ["telegram:1", "contact.approve", "denied"],
      ["telegram:666", "contact.approve", "denied"],
      ["telegram:1", "contact.update", "ok"],
      ["telegram:2", "contact.approve", "ok"],
    ]);
  });

  it("provincial contacts are changed at once; a proposal overtaken by another change cannot be approved", () => {
    const { store, service } = setup({ changeApproval: true });
    expect(service.updateContact(ADMIN, "provincial", { notes: "Đã xác minh" }, AT).status).toBe("saved");
    const first = service.updateContact(ADMIN, "ncsc", { notes: "A" }, AT);
    const second = service.updateContact(SECOND_ADMIN, "ncsc", { notes: "B" }, AT);
    if (first.status !== "pending" || second.status !== "pending") throw new Error("expected two proposals");
    expect(service.approve(SECOND_ADMIN, first.changeId, AT).status).toBe("approved");
    expect(service.approve(ADMIN, second.changeId, AT).status).toBe("superseded");
    expect(store.contact("ncsc")?.notes).toBe("A");
    expect(service.reject(SECOND_ADMIN, second.changeId, AT).status).toBe("notFound");
  });

  it("an unused national unit cannot be deleted by one admin either", () => {
    const { store, service } = setup({ changeApproval: true });
    const { id: _id, version: _version, ...national } = store.contact("vncert") ?? { id: "", version: 0 };
    expect(service.createContact({ kind: "shell" }, "a05", national, AT).status).toBe("saved");
    expect(service.rulesUsing("a05")).toEqual([]);
    expect(service.deleteContact(ADMIN, "a05", AT).status).toBe("needsApproval");
    expect(store.contact("a05")).toBeDefined();
  });

  it("the shell operator is not subject to the rule (it already controls the server)", () => {
    const { store, service } = setup({ changeApproval: true });
    expect(service.updateContact({ kind: "shell" }, "vncert", { notes: "x" }, AT).status).toBe("saved");
    expect(store.contact("vncert")?.notes).toBe("x");
  });
});
