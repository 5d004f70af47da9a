import { describe, expect, it } from "vitest";
import { ADD_STEPS } from "../../flows/admin-contacts.ts";
import { EDITABLE_FIELDS } from "../../src/admin/contact-fields.ts";
import { CONTACT_ROLES } from "../../src/domain/contacts.ts";
import { FACT_NAMES, ROUTING_KINDS } from "../../src/domain/routing.ts";
import { createTranslator, LOCALES } from "../../src/i18n.ts";

describe("admin texts built from data", () => {
  it("every field, role, fact, add step and routing kind has its label in both languages", () => {
    const t = createTranslator("vi");
    const keys = [
      ...EDITABLE_FIELDS.flatMap((f) => [`admin:field.${f}`, `admin:hint.${f}`]),
      "admin:field.id",
      "admin:field.lastVerified",
      ...CONTACT_ROLES.map((r) => `admin:role.${r}`),
      ...FACT_NAMES.map((f) => `admin:fact.${f}`),
      ...ADD_STEPS.map((s) => `admin:add.${s}`),
      "admin:add.addConfirm",
      ...ROUTING_KINDS.map((k) => `routing:kind.${k}`),
      ...["approved", "rejected"].flatMap((s) => [`admin:approval.${s}`, `admin:approval.told.${s}`]),
      ...["granted", "revoked", "unchanged"].map((s) => `admin:roles.${s}`),
      "admin:audit.outcome.denied",
      "admin:audit.outcome.error",
    ];
    const missing = keys.flatMap((k) => LOCALES.filter((l) => !t.exists(k, l)).map((l) => `${l} ${k}`));
    expect(missing).toEqual([]);
  });
});
