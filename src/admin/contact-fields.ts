import type { z } from "zod";
import { CONTACT_ROLES, type ContactData, type ContactRole, contactDataSchema } from "../domain/contacts.ts";
import type { Reason } from "../domain/severity-input.ts";
import {
  parseEmail,
  parseEmailList,
  parsePhoneList,
  parseVietnamesePhone,
  parseYesNo,
  type ValidationResult,
  validateText,
} from "../domain/validators/index.ts";

/** The fields of a contact an admin edits one at a time in chat. */
export const EDITABLE_FIELDS = [
  "nameVi",
  "nameEn",
  "shortName",
  "phones",
  "hotlines",
  "emails",
  "address",
  "notes",
  "source",
  "role",
  "active",
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** Fields an admin may empty by sending "-" (a unit may have no hotline, no address on file). */
export const CLEARABLE_FIELDS: ReadonlySet<EditableField> = new Set([
  "phones",
  "hotlines",
  "emails",
  "address",
  "notes",
]);

/** Fields answered with a button rather than typed. */
export const CHOICE_FIELDS: Readonly<Record<"role" | "active", readonly string[]>> = {
  role: CONTACT_ROLES,
  active: ["yes", "no"],
};

/** Contact ids: what the table's CHECK allows, narrowed to what fits in a button's callback data. */
export const CONTACT_ID = /^[a-z0-9][a-z0-9_-]{1,39}$/;

const TEXT_LIMITS: Record<
  "nameVi" | "nameEn" | "shortName" | "address" | "notes" | "source",
  [number, number]
> = {
  nameVi: [2, 200],
  nameEn: [2, 200],
  shortName: [2, 40],
  address: [0, 300],
  notes: [0, 1000],
  source: [2, 300],
};

export function isEditableField(value: unknown): value is EditableField {
  return typeof value === "string" && (EDITABLE_FIELDS as readonly string[]).includes(value);
}

/**
 * Parses an admin's typed (or chosen) value for one field with the validators intake uses for reporters, so a
 * phone number an admin enters is held to the same rules as one a reporter enters.
 */
export function parseFieldValue(
  field: EditableField,
  input: string,
): ValidationResult<ContactData[EditableField]> {
  const text = input.trim();
  if (CLEARABLE_FIELDS.has(field) && (text === "-" || text === "—")) {
    return { ok: true, value: field === "address" || field === "notes" ? "" : [] };
  }
  switch (field) {
    case "phones":
    case "hotlines": {
      const parsed = parsePhoneList(input);
      if (!parsed.ok) return parsed;
      if (parsed.value.length > 10)
        return { ok: false, error: { key: "admin:error.tooMany", params: { max: 10 } } };
      return { ok: true, value: parsed.value.map((p) => p.display) };
    }
    case "emails": {
      const parsed = parseEmailList(input);
      if (!parsed.ok) return parsed;
      if (parsed.value.length > 10)
        return { ok: false, error: { key: "admin:error.tooMany", params: { max: 10 } } };
      return parsed;
    }
    case "role": {
      const role = CONTACT_ROLES.find((r) => r === text);
      return role
        ? { ok: true, value: role as ContactRole }
        : { ok: false, error: { key: "admin:error.pickButton" } };
    }
    case "active": {
      const yn = parseYesNo(input);
      if (!yn.ok || yn.value === "unknown") return { ok: false, error: { key: "admin:error.pickButton" } };
      return { ok: true, value: yn.value === "yes" };
    }
    default: {
      const [min, max] = TEXT_LIMITS[field];
      if (min === 0 && text === "") return { ok: true, value: "" };
      return validateText(input, { min: Math.max(min, 1), max });
    }
  }
}

/** One problem in a contact's data: where (a path inside the contact) and why. */
export interface FieldIssue {
  path: Array<string | number>;
  reason: Reason;
}

/** Turns a zod issue into a localized reason (zod's own messages are English only). */
export function zodReason(issue: z.core.$ZodIssue): Reason {
  switch (issue.code) {
    case "invalid_type":
      return { key: "admin:import.type", params: { expected: String(issue.expected) } };
    case "too_small":
      return { key: "admin:import.tooSmall", params: { min: Number(issue.minimum) } };
    case "too_big":
      return { key: "admin:import.tooBig", params: { max: Number(issue.maximum) } };
    case "invalid_value":
      return { key: "admin:import.oneOf", params: { values: issue.values.map(String).join(", ") } };
    case "unrecognized_keys":
      return { key: "admin:import.unknownKeys", params: { keys: issue.keys.join(", ") } };
    default:
      return { key: "admin:import.invalid", params: { message: issue.message } };
  }
}

/** A real calendar date as YYYY-MM-DD (the schema only checks the shape). */
function isCalendarDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * Checks a whole contact: the stored schema, then every phone and e-mail with the intake validators. Returns all
 * problems, not the first, so an import can report every one of them in one go.
 */
export function validateContactData(
  raw: unknown,
): { ok: true; data: ContactData } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const parsed = contactDataSchema.strict().safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({
        path: issue.path.map((p) => (typeof p === "number" ? p : String(p))),
        reason: zodReason(issue),
      });
    }
  }
  const obj = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  for (const field of ["phones", "hotlines"] as const) {
    const list = obj[field];
    if (!Array.isArray(list)) continue;
    list.forEach((value, i) => {
      if (typeof value !== "string") return;
      const check = parseVietnamesePhone(value);
      if (!check.ok && !issues.some((x) => x.path[0] === field && x.path[1] === i)) {
        issues.push({ path: [field, i], reason: check.error });
      }
    });
  }
  if (Array.isArray(obj.emails)) {
    obj.emails.forEach((value, i) => {
      if (typeof value !== "string") return;
      const check = parseEmail(value);
      if (!check.ok) {
        // zod's own complaint about the same address says less than the intake validator's.
        const at = issues.findIndex((x) => x.path[0] === "emails" && x.path[1] === i);
        if (at >= 0) issues.splice(at, 1);
        issues.push({ path: ["emails", i], reason: check.error });
      }
    });
  }
  if (typeof obj.lastVerified === "string" && /^\d{4}-\d{2}-\d{2}$/.test(obj.lastVerified)) {
    if (!isCalendarDate(obj.lastVerified)) {
      issues.push({
        path: ["lastVerified"],
        reason: { key: "admin:import.date", params: { value: obj.lastVerified } },
      });
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, data: parsed.data };
}

/** The fields whose values differ between two versions of a contact. */
export function changedFields(before: ContactData, after: ContactData): Array<keyof ContactData> {
  return (Object.keys(after) as Array<keyof ContactData>).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}
