import type { AnyMachineSnapshot } from "xstate";
import {
  ADMIN_CHOICES,
  type AdminContactsContext,
  type AdminContactView,
  type AdminRuleView,
  selectedContact,
} from "../../flows/admin-contacts.ts";
import { CONTACT_ROLES, type ContactData } from "../domain/contacts.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import type { Condition } from "../domain/routing.ts";
import { type RoutingGap, rulesWithoutRecipient } from "../domain/routing-gaps.ts";
import type { Reason } from "../domain/severity-input.ts";
import { escapeHtml } from "../i18n.ts";
import type { ChatMessage, Choice } from "../messages.ts";
import { CHOICE_FIELDS, EDITABLE_FIELDS, type EditableField } from "./contact-fields.ts";

/** What rendering needs: a translator bound to the reader's language. */
export interface AdminRenderContext {
  t: (key: string, params?: Record<string, string | number>) => string;
}

const FREE_TEXT_STATES = new Set(["addId", "addNameVi", "addNameEn", "addShortName", "addSource"]);

/** The state's key (the machine is flat). */
export function adminState(snapshot: AnyMachineSnapshot): string {
  return String(snapshot.value);
}

/** True where the admin types a value (so "2" is an answer, not the second button). */
export function adminFreeText(snapshot: AnyMachineSnapshot): boolean {
  const state = adminState(snapshot);
  const field = (snapshot.context as AdminContactsContext).field;
  return FREE_TEXT_STATES.has(state) || (state === "enter" && field !== "role" && field !== "active");
}

const back = (rc: AdminRenderContext): Choice => ({
  value: ADMIN_CHOICES.back,
  label: rc.t("admin:choice.back"),
});

function roleChoices(rc: AdminRenderContext): Choice[] {
  return CONTACT_ROLES.map((r) => ({ value: r, label: rc.t(`admin:role.${r}`) }));
}

/** The buttons of the current state, in order (their numbers are their positions + 1). */
export function adminChoices(snapshot: AnyMachineSnapshot, rc: AdminRenderContext): Choice[] {
  const context = snapshot.context as AdminContactsContext;
  switch (adminState(snapshot)) {
    case "pick":
      return [
        ...context.contacts.map((c) => ({ value: c.id, label: contactButton(c, rc) })),
        { value: ADMIN_CHOICES.add, label: rc.t("admin:choice.add") },
        { value: ADMIN_CHOICES.rules, label: rc.t("admin:choice.rules") },
        { value: ADMIN_CHOICES.close, label: rc.t("admin:choice.close") },
      ];
    case "view":
      return [
        ...EDITABLE_FIELDS.map((f) => ({
          value: f,
          label: rc.t("admin:choice.edit", { field: rc.t(`admin:field.${f}`) }),
        })),
        { value: ADMIN_CHOICES.verify, label: rc.t("admin:choice.verify") },
        { value: ADMIN_CHOICES.delete, label: rc.t("admin:choice.delete") },
        back(rc),
      ];
    case "enter":
      if (context.field === "role") return [...roleChoices(rc), back(rc)];
      if (context.field === "active") {
        return [
          ...CHOICE_FIELDS.active.map((v) => ({ value: v, label: rc.t(`admin:active.${v}`) })),
          back(rc),
        ];
      }
      return [back(rc)];
    case "addRole":
      return [...roleChoices(rc), back(rc)];
    case "confirm":
    case "addConfirm":
      return [{ value: ADMIN_CHOICES.save, label: rc.t("admin:choice.save") }, back(rc)];
    case "confirmDelete":
      return [{ value: ADMIN_CHOICES.delete, label: rc.t("admin:choice.deleteConfirm") }, back(rc)];
    case "rules":
    case "addId":
    case "addNameVi":
    case "addNameEn":
    case "addShortName":
    case "addSource":
      return [back(rc)];
    default:
      return [];
  }
}

function contactButton(c: AdminContactView, rc: AdminRenderContext): string {
  const marks = [
    c.data.active ? "" : rc.t("admin:mark.inactive"),
    c.stale ? "⚠️" : "",
    c.pending.length ? "⏳" : "",
  ];
  return [c.data.shortName, ...marks.filter(Boolean)].join(" ");
}

/** A field's value as the admin reads it (escaped: it is text someone typed). */
export function fieldValue(field: keyof ContactData, value: unknown, rc: AdminRenderContext): string {
  if (field === "role") return escapeHtml(rc.t(`admin:role.${String(value)}`));
  if (field === "active") return rc.t(`admin:active.${value ? "yes" : "no"}`);
  if (field === "lastVerified") return escapeHtml(String(value).split("-").reverse().join("/"));
  const text = Array.isArray(value) ? value.join(", ") : String(value ?? "");
  return text.trim() === "" ? rc.t("admin:empty") : escapeHtml(text);
}

/** Every field of a contact, its duty chats, rules, verification and pending changes. */
export function renderContactCard(c: AdminContactView, rc: AdminRenderContext): string {
  const lines = [rc.t("admin:view.title", { name: c.data.shortName, id: c.id, version: c.version })];
  for (const f of [
    "nameVi",
    "nameEn",
    "shortName",
    "role",
    "phones",
    "hotlines",
    "emails",
    "address",
    "notes",
    "active",
  ] as const) {
    lines.push(`• <b>${rc.t(`admin:field.${f}`)}:</b> ${fieldValue(f, c.data[f], rc)}`);
  }
  lines.push(
    `• <b>${rc.t("admin:field.lastVerified")}:</b> ${fieldValue("lastVerified", c.data.lastVerified, rc)}${
      c.stale ? ` ⚠️ ${rc.t("admin:view.stale")}` : ""
    }`,
  );
  lines.push(`• <b>${rc.t("admin:field.source")}:</b> ${fieldValue("source", c.data.source, rc)}`);
  lines.push(
    `• <b>${rc.t("admin:view.bindings")}:</b> ${c.bindings.length ? escapeHtml(c.bindings.join(", ")) : rc.t("admin:view.noBindings")}`,
  );
  lines.push(
    `• <b>${rc.t("admin:view.rules")}:</b> ${c.rules.length ? escapeHtml(c.rules.join(", ")) : rc.t("admin:view.noRules")}`,
  );
  if (c.pending.length)
    lines.push(`⏳ ${rc.t("admin:view.pending", { ids: c.pending.map((id) => `#${id}`).join(", ") })}`);
  return lines.join("\n");
}

/** A routing condition in plain words. */
export function describeCondition(condition: Condition, rc: AdminRenderContext): string {
  if ("always" in condition) return rc.t("admin:cond.always");
  if ("all" in condition)
    return condition.all.map((c) => describeCondition(c, rc)).join(rc.t("admin:cond.and"));
  if ("any" in condition)
    return `(${condition.any.map((c) => describeCondition(c, rc)).join(rc.t("admin:cond.or"))})`;
  if ("not" in condition) return rc.t("admin:cond.not", { what: describeCondition(condition.not, rc) });
  const fact = rc.t(`admin:fact.${condition.fact}`);
  const value = (v: string | number | boolean) => {
    if (typeof v === "boolean") return rc.t(`admin:active.${v ? "yes" : "no"}`);
    if (condition.fact === "incidentType" && isIncidentType(v)) return rc.t(incidentTypeLabelKey(v));
    if (condition.fact === "severity" && typeof v === "number") return rc.t(`severity:level.${v}`);
    return String(v);
  };
  if ("eq" in condition) return rc.t("admin:cond.eq", { fact, value: value(condition.eq) });
  if ("in" in condition) return rc.t("admin:cond.in", { fact, values: condition.in.map(value).join(", ") });
  if ("gte" in condition) return rc.t("admin:cond.gte", { fact, value: value(condition.gte) });
  return rc.t("admin:cond.includesAny", { fact, values: condition.includesAny.join(", ") });
}

/** Each rule: whether it is used, when it fires and whom it sends what, in plain words. */
export function renderRules(
  rules: readonly AdminRuleView[],
  contacts: readonly AdminContactView[],
  rc: AdminRenderContext,
): string {
  return rules
    .map((r) => {
      // A unit out of use receives nothing even though the rule names it: say so where the rule is read.
      const name = (id: string) => {
        const contact = contacts.find((c) => c.id === id);
        if (!contact) return id;
        return contact.data.active
          ? contact.data.shortName
          : `${contact.data.shortName} ${rc.t("admin:mark.inactive")}`;
      };
      const sends = r.actions.length
        ? r.actions
            .map((a) =>
              rc.t("admin:rule.send", { kind: rc.t(`routing:kind.${a.kind}`), contact: name(a.contact) }),
            )
            .join("; ")
        : rc.t("admin:rule.adviceOnly");
      return (
        rc.t("admin:rule.line", {
          id: r.id,
          state: rc.t(r.active ? "admin:rule.active" : "admin:rule.inactive"),
          when: describeCondition(r.when, rc),
          sends,
        }) + (r.exclusive ? ` ${rc.t("admin:rule.exclusive")}` : "")
      );
    })
    .join("\n");
}

/**
 * The routing rules whose tickets cannot reach a unit they name (missing or out of use), one line per rule;
 * empty when every rule in use has its recipients. Exported so the start-up notice says the same thing.
 */
export function renderRoutingGaps(
  gaps: readonly RoutingGap[],
  contacts: ReadonlyArray<{ id: string; data: { shortName: string } }>,
  rc: AdminRenderContext,
): string {
  if (gaps.length === 0) return "";
  const name = (id: string) => contacts.find((c) => c.id === id)?.data.shortName ?? id;
  const lines = gaps.map((g) =>
    rc.t("admin:gaps.line", { rule: g.ruleId, contacts: g.contactIds.map(name).join(", ") }),
  );
  return [`⚠️ ${rc.t("admin:gaps.title")}`, ...lines, rc.t("admin:gaps.hint")].join("\n");
}

function draftSummary(context: AdminContactsContext, rc: AdminRenderContext): string {
  const d = context.draft;
  const rows: Array<[string, string]> = [
    [rc.t("admin:field.id"), escapeHtml(d.id ?? "")],
    [rc.t("admin:field.nameVi"), escapeHtml(d.nameVi ?? "")],
    [rc.t("admin:field.nameEn"), escapeHtml(d.nameEn ?? "")],
    [rc.t("admin:field.shortName"), escapeHtml(d.shortName ?? "")],
    [rc.t("admin:field.role"), fieldValue("role", d.role ?? "other", rc)],
    [rc.t("admin:field.source"), escapeHtml(d.source ?? "")],
  ];
  return rows.map(([k, v]) => `• <b>${k}:</b> ${v}`).join("\n");
}

function reasonText(reason: Reason, rc: AdminRenderContext): string {
  return rc.t(reason.key, reason.params);
}

/** The current state as one message with its buttons; `token` is set by the caller. */
export function renderAdmin(
  snapshot: AnyMachineSnapshot,
  rc: AdminRenderContext,
): Omit<ChatMessage, "token"> {
  const context = snapshot.context as AdminContactsContext;
  const state = adminState(snapshot);
  const parts: string[] = [];
  if (context.notice) parts.push(`ℹ️ ${reasonText(context.notice, rc)}`);
  if (context.error) parts.push(`⚠️ ${reasonText(context.error, rc)}`);
  const contact = selectedContact(context);
  switch (state) {
    case "pick": {
      const stale = context.contacts.filter((c) => c.stale).length;
      parts.push(rc.t("admin:pick.prompt", { count: context.contacts.length }));
      if (stale > 0) parts.push(`⚠️ ${rc.t("admin:pick.stale", { count: stale })}`);
      const gaps = renderRoutingGaps(
        rulesWithoutRecipient(
          context.rules,
          context.contacts.map((c) => ({ id: c.id, active: c.data.active })),
        ),
        context.contacts,
        rc,
      );
      if (gaps) parts.push(gaps);
      break;
    }
    case "view":
      if (contact) parts.push(renderContactCard(contact, rc), rc.t("admin:view.prompt"));
      break;
    case "enter": {
      const field = context.field as EditableField;
      if (contact) {
        parts.push(
          rc.t("admin:enter.prompt", {
            field: rc.t(`admin:field.${field}`),
            contact: contact.data.shortName,
          }),
          `${rc.t("admin:enter.current")} ${fieldValue(field, contact.data[field], rc)}`,
          `<i>${rc.t(`admin:hint.${field}`)}</i>`,
        );
      }
      break;
    }
    case "confirm":
      if (contact && context.proposed) {
        const { field, value } = context.proposed;
        parts.push(
          rc.t("admin:confirm.prompt", {
            field: rc.t(`admin:field.${field}`),
            contact: contact.data.shortName,
          }),
          `${rc.t("admin:confirm.before")} ${fieldValue(field, contact.data[field], rc)}\n${rc.t("admin:confirm.after")} ${fieldValue(field, value, rc)}`,
        );
      }
      break;
    case "confirmDelete":
      if (contact)
        parts.push(rc.t("admin:confirmDelete.prompt", { name: contact.data.shortName, id: contact.id }));
      break;
    case "rules":
      parts.push(rc.t("admin:rules.prompt"), renderRules(context.rules, context.contacts, rc));
      break;
    case "addConfirm":
      parts.push(rc.t("admin:add.addConfirm"), draftSummary(context, rc));
      break;
    default:
      parts.push(
        rc.t(
          state === "closed"
            ? "admin:closed"
            : state === "working"
              ? "admin:working.prompt"
              : `admin:add.${state}`,
        ),
      );
  }
  const choices = adminChoices(snapshot, rc);
  return choices.length > 0
    ? { kind: "chat", text: parts.join("\n\n"), choices }
    : { kind: "chat", text: parts.join("\n\n") };
}
