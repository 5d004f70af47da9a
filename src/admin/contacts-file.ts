import { Document, isNode, LineCounter, parseDocument, visit } from "yaml";
import type { ContactData } from "../domain/contacts.ts";
import { parseChannelId } from "../domain/ids.ts";
import { routingRuleSchema } from "../domain/routing.ts";
import type { Reason } from "../domain/severity-input.ts";
import {
  applyRosters,
  checkRosterSection,
  exportRosterSection,
  planRosters,
  type RosterChange,
} from "../roster/roster-file.ts";
import {
  applySettingsChanges,
  checkSettingsSections,
  exportSettingsSections,
  SETTINGS_SECTIONS,
  type SettingsChange,
  settingsOf,
} from "../settings/deadlines-file.ts";
import { type AdminActor, actorId, type ContactAdmin } from "./contact-admin.ts";
import { CONTACT_ID, changedFields, validateContactData, zodReason } from "./contact-fields.ts";
import { canonical, fieldName, listAt, pathOf } from "./file-paths.ts";

/** Names the file format, so a file written for another purpose is refused before anything is read. */
export const CONTACTS_FILE_FORMAT = "incident-bot/contacts@1";

/** The order contact fields are written in: names first, as an admin reads them. */
const CONTACT_FIELD_ORDER: ReadonlyArray<keyof ContactData> = [
  "nameVi",
  "nameEn",
  "shortName",
  "role",
  "phones",
  "hotlines",
  "emails",
  "address",
  "notes",
  "source",
  "lastVerified",
  "active",
];

const TOP_KEYS = new Set<string>([
  "format",
  "contacts",
  "bindings",
  "rules",
  ...SETTINGS_SECTIONS,
  "rosters",
]);

/** More alias expansions than this in one file is refused as an expansion bomb (yaml's own default is 100). */
const MAX_ALIAS_COUNT = 100;

/** Import files above this size are refused before parsing: a real contact table is a few kilobytes. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** One problem in an import file: its line (1-based, when known), the field, and why. */
export interface FileIssue {
  line: number | null;
  field: string;
  reason: Reason;
}

interface FileContact {
  id: string;
  data: ContactData;
}
interface FileBinding {
  contactId: string;
  channel: string;
  chatId: string;
}
interface FileRule {
  id: string;
  position: number;
  active: boolean;
  definition: Record<string, unknown>;
}

/** What an import would change; empty lists everywhere mean the file matches the database. */
export interface ImportPlan {
  contactsAdded: FileContact[];
  contactsChanged: Array<{
    id: string;
    expectedVersion: number;
    data: ContactData;
    fields: Array<{ field: string; before: unknown; after: unknown }>;
  }>;
  bindingsAdded: FileBinding[];
  bindingsRemoved: FileBinding[];
  rulesAdded: FileRule[];
  rulesChanged: Array<{ id: string; expectedVersion: number; rule: FileRule; fields: string[] }>;
  /** On-call rosters (src/roster/roster-file.ts); a file without a `rosters` section changes none. */
  rostersChanged: RosterChange[];
  /** New versions of the deadline settings and the work calendar (settings/deadlines-file.ts). */
  settings: SettingsChange[];
}

export type ImportCheck = { ok: true; plan: ImportPlan } | { ok: false; issues: FileIssue[] };

/** Writes the contact table, duty-chat bindings and routing rules (inactive ones too) as YAML. */
export function exportContactsYaml(service: ContactAdmin, now: Date): string {
  const contacts = service.contacts().map((c) => ({
    id: c.id,
    ...Object.fromEntries(CONTACT_FIELD_ORDER.map((f) => [f, c.data[f]])),
  }));
  const bindings = service.admin
    .bindings()
    .map((b) => ({ contact: b.contactId, chat: `${b.channel}:${b.chatId}` }));
  const rules = service.admin.rules().map((r) => {
    const { id, ...rest } = r.definition as Record<string, unknown>;
    return { id: id ?? r.id, active: r.active, ...rest };
  });
  const doc = new Document({
    format: CONTACTS_FILE_FORMAT,
    contacts,
    bindings,
    rules,
    ...exportSettingsSections(settingsOf(service)),
    rosters: exportRosterSection(service.o.store),
  });
  doc.commentBefore =
    ` Bảng đầu mối, nhóm trực và quy tắc định tuyến · Contacts, duty chats and routing rules\n` +
    ` Xuất lúc / exported at ${now.toISOString()}. Nhập lại bằng / import with: incident-bot contacts import FILE`;
  return doc.toString({ lineWidth: 0 });
}

/**
 * Reads an import file and checks all of it (syntax, every contact, binding and rule, references between them,
 * nothing in the database left out) before anything is written; returns every problem with its line, or the
 * plan of changes.
 */
export function checkContactsYaml(
  service: ContactAdmin,
  text: string,
  options: { adviceExists?: (key: string) => boolean } = {},
): ImportCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        line: e.linePos?.[0]?.line ?? null,
        field: "",
        reason: { key: "admin:file.syntax", params: { message: e.message.split("\n")[0] ?? e.code } },
      })),
    };
  }
  const issues: FileIssue[] = [];
  const lineOf = (path: ReadonlyArray<string | number>): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return null;
  };
  const issue = (path: ReadonlyArray<string | number>, reason: Reason) =>
    issues.push({ line: lineOf(path), field: fieldName(path), reason });

  let root: unknown;
  try {
    // A few aliases are legitimate; thousands are an expansion bomb (a 1 kB file becoming gigabytes).
    root = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let line: number | null = null;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    // The yaml package throws a ReferenceError both for an alias to no anchor and for too many expansions.
    const key = /unresolved alias/i.test(error.message) ? "admin:file.unknownAlias" : "admin:file.aliases";
    return { ok: false, issues: [{ line, field: "", reason: { key } }] };
  }
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    return { ok: false, issues: [{ line: 1, field: "", reason: { key: "admin:file.notMapping" } }] };
  }
  const top = root as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (!TOP_KEYS.has(key)) issue([key], { key: "admin:import.unknownKeys", params: { keys: key } });
  }
  if (top.format !== CONTACTS_FILE_FORMAT) {
    issue(["format"], { key: "admin:file.format", params: { expected: CONTACTS_FILE_FORMAT } });
  }

  const contacts: FileContact[] = [];
  const rawContacts = listAt(top, "contacts", issue, true);
  rawContacts.forEach((raw, i) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      issue(["contacts", i], { key: "admin:import.type", params: { expected: "object" } });
      return;
    }
    const { id, ...data } = raw as Record<string, unknown>;
    if (typeof id !== "string" || !CONTACT_ID.test(id)) {
      issue(["contacts", i, "id"], { key: "admin:error.badId" });
    } else if (contacts.some((c) => c.id === id)) {
      issue(["contacts", i, "id"], { key: "admin:file.duplicate", params: { id } });
    }
    const checked = validateContactData(data);
    if (!checked.ok) {
      for (const x of checked.issues) issue(["contacts", i, ...x.path], x.reason);
    } else if (typeof id === "string") {
      contacts.push({ id, data: checked.data });
    }
  });
  const fileContactIds = new Set(
    rawContacts.map((c) => (c as { id?: unknown } | null)?.id).filter((id) => typeof id === "string"),
  );

  const bindings: FileBinding[] = [];
  // Required like the others: a file that leaves the section out must not unbind every duty chat.
  listAt(top, "bindings", issue, true).forEach((raw, j) => {
    const b = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const extra = Object.keys(b).filter((k) => k !== "contact" && k !== "chat");
    if (extra.length > 0)
      issue(["bindings", j], { key: "admin:import.unknownKeys", params: { keys: extra.join(", ") } });
    if (typeof b.contact !== "string" || !fileContactIds.has(b.contact)) {
      issue(["bindings", j, "contact"], {
        key: "admin:file.unknownContact",
        params: { id: String(b.contact ?? "") },
      });
    }
    const target = typeof b.chat === "string" ? parseChannelId(b.chat) : undefined;
    if (!target) {
      issue(["bindings", j, "chat"], { key: "admin:file.chat", params: { value: String(b.chat ?? "") } });
      return;
    }
    const binding = { contactId: String(b.contact), channel: target.channel, chatId: target.id };
    if (bindings.some((x) => sameBinding(x, binding))) {
      issue(["bindings", j], { key: "admin:file.duplicate", params: { id: String(b.chat) } });
    }
    bindings.push(binding);
  });

  const rules: FileRule[] = [];
  listAt(top, "rules", issue, true).forEach((raw, k) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      issue(["rules", k], { key: "admin:import.type", params: { expected: "object" } });
      return;
    }
    const { active = true, ...definition } = raw as Record<string, unknown>;
    if (typeof active !== "boolean")
      issue(["rules", k, "active"], { key: "admin:import.type", params: { expected: "boolean" } });
    const parsed = routingRuleSchema.safeParse(definition);
    if (!parsed.success) {
      for (const x of parsed.error.issues) issue(["rules", k, ...pathOf(x.path)], zodReason(x));
      return;
    }
    const rule = parsed.data;
    if (rules.some((r) => r.id === rule.id))
      issue(["rules", k, "id"], { key: "admin:file.duplicate", params: { id: rule.id } });
    rule.actions.forEach((a, n) => {
      if (!fileContactIds.has(a.contact)) {
        issue(["rules", k, "actions", n, "contact"], {
          key: "admin:file.unknownContact",
          params: { id: a.contact },
        });
      }
    });
    rule.advice.forEach((key, n) => {
      if (options.adviceExists && !options.adviceExists(key)) {
        issue(["rules", k, "advice", n], { key: "admin:file.unknownAdvice", params: { key } });
      }
    });
    rules.push({
      id: rule.id,
      position: k,
      active: active === true,
      definition: rule as Record<string, unknown>,
    });
  });

  const rosters = checkRosterSection(top.rosters, fileContactIds, issue);

  // The file is the whole table: leaving a contact or rule out must not silently delete it (tickets and rules
  // refer to it); retiring one is done with `active: false`.
  for (const c of service.contacts()) {
    if (rawContacts.length > 0 && !fileContactIds.has(c.id)) {
      issue(["contacts"], { key: "admin:file.missingContact", params: { id: c.id } });
    }
  }
  const fileRuleIds = new Set(rules.map((r) => r.id));
  if (!issues.some((x) => x.field.startsWith("rules"))) {
    for (const r of service.admin.rules()) {
      if (!fileRuleIds.has(r.id)) issue(["rules"], { key: "admin:file.missingRule", params: { id: r.id } });
    }
  }

  const settings = checkSettingsSections(settingsOf(service), top, issue);

  if (issues.length > 0) return { ok: false, issues: issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
  const plan: ImportPlan = { ...planImport(service, contacts, bindings, rules), settings };
  plan.rostersChanged = rosters ? planRosters(service.o.store, rosters, true) : [];
  return { ok: true, plan };
}

/** Compares the checked file with the database. */
function planImport(
  service: ContactAdmin,
  contacts: FileContact[],
  bindings: FileBinding[],
  rules: FileRule[],
): ImportPlan {
  const plan: ImportPlan = {
    settings: [],
    contactsAdded: [],
    contactsChanged: [],
    bindingsAdded: [],
    bindingsRemoved: [],
    rulesAdded: [],
    rulesChanged: [],
    rostersChanged: [],
  };
  for (const c of contacts) {
    const current = service.contact(c.id);
    if (!current) {
      plan.contactsAdded.push(c);
      continue;
    }
    const fields = changedFields(current.data, c.data);
    if (fields.length > 0) {
      plan.contactsChanged.push({
        id: c.id,
        expectedVersion: current.version,
        data: c.data,
        fields: fields.map((f) => ({ field: f, before: current.data[f], after: c.data[f] })),
      });
    }
  }
  const existing = service.admin.bindings();
  plan.bindingsAdded = bindings.filter((b) => !existing.some((x) => sameBinding(x, b)));
  plan.bindingsRemoved = existing.filter((x) => !bindings.some((b) => sameBinding(x, b)));
  const stored = service.admin.rules();
  for (const rule of rules) {
    const current = stored.find((r) => r.id === rule.id);
    if (!current) {
      plan.rulesAdded.push(rule);
      continue;
    }
    const fields: string[] = [];
    const before = routingRuleSchema.safeParse(current.definition);
    if (!before.success || canonical(before.data) !== canonical(rule.definition)) fields.push("definition");
    if (current.active !== rule.active) fields.push("active");
    if (current.position !== rule.position) fields.push("position");
    if (fields.length > 0)
      plan.rulesChanged.push({ id: rule.id, expectedVersion: current.version, rule, fields });
  }
  return plan;
}

/** Thrown inside the import transaction to undo everything when one write fails. */
export class ImportAborted extends Error {
  constructor(readonly reason: Reason) {
    super(reason.key);
    this.name = "ImportAborted";
  }
}

/**
 * Applies a checked plan: every contact and rule change is a new version, audited as the actor's; the caller
 * runs this inside one transaction so that a failure part-way (e.g. a concurrent edit) changes nothing.
 */
export function applyImport(service: ContactAdmin, actor: AdminActor, plan: ImportPlan, at: string): void {
  const by = actorId(actor);
  const store = service.o.store;
  for (const c of plan.contactsAdded) {
    const outcome = service.createContact(actor, c.id, c.data, at);
    if (outcome.status !== "saved")
      throw new ImportAborted({ key: "admin:file.failed", params: { id: c.id } });
  }
  for (const c of plan.contactsChanged) {
    const outcome = service.updateContact(actor, c.id, c.data, at, {
      expectedVersion: c.expectedVersion,
      reason: "import",
    });
    if (outcome.status !== "saved")
      throw new ImportAborted({ key: "admin:file.failed", params: { id: c.id } });
  }
  for (const b of plan.bindingsRemoved) {
    store.unbindChat(b.contactId, b.channel, b.chatId);
    store.audit(at, by, "duty.unbind", `${b.channel}:${b.chatId}`, "ok", {
      contactId: b.contactId,
      via: "import",
    });
  }
  for (const b of plan.bindingsAdded) {
    store.bindChat(b.contactId, b.channel, b.chatId, by, at);
    store.audit(at, by, "duty.bind", `${b.channel}:${b.chatId}`, "ok", {
      contactId: b.contactId,
      via: "import",
    });
  }
  for (const r of plan.rulesAdded) {
    service.admin.insertRule(r.id, r.position, r.definition, r.active, by, at);
    store.audit(at, by, "rule.create", r.id, "ok", { after: r.definition, active: r.active });
  }
  const stored = service.admin.rules();
  for (const r of plan.rulesChanged) {
    const before = stored.find((x) => x.id === r.id);
    const version = service.admin.updateRule(
      r.id,
      r.expectedVersion,
      r.rule.position,
      r.rule.definition,
      r.rule.active,
      by,
      at,
    );
    if (version === undefined) throw new ImportAborted({ key: "admin:file.failed", params: { id: r.id } });
    store.audit(at, by, "rule.update", r.id, "ok", {
      version,
      fields: r.fields,
      before: { definition: before?.definition, active: before?.active, position: before?.position },
      after: { definition: r.rule.definition, active: r.rule.active, position: r.rule.position },
    });
  }
  applyRosters(store, by, plan.rostersChanged, at);
  if (!applySettingsChanges(settingsOf(service), actor, plan.settings, at))
    throw new ImportAborted({ key: "admin:file.failed", params: { id: "deadlines" } });
  store.audit(at, by, "contacts.import", "", "ok", {
    contactsAdded: plan.contactsAdded.map((c) => c.id),
    contactsChanged: plan.contactsChanged.map((c) => c.id),
    bindingsAdded: plan.bindingsAdded.length,
    bindingsRemoved: plan.bindingsRemoved.length,
    rulesAdded: plan.rulesAdded.map((r) => r.id),
    rulesChanged: plan.rulesChanged.map((r) => r.id),
    settings: plan.settings.map((c) => c.name),
    rostersChanged: plan.rostersChanged.map((r) => r.contactId),
  });
}

function sameBinding(a: FileBinding, b: FileBinding): boolean {
  return a.contactId === b.contactId && a.channel === b.channel && a.chatId === b.chatId;
}
