import { describeRosterChange } from "../roster/roster-file.ts";
import { describeSettingsChanges } from "../settings/deadlines-file.ts";
import type { ImportPlan } from "./contacts-file.ts";

// How an import plan reads to a person: kept apart from checking and applying it (contacts-file.ts).

/** True when the plan changes nothing. */
export function isEmptyPlan(plan: ImportPlan): boolean {
  return Object.values(plan).every((list) => list.length === 0);
}

/** The plan as lines a person reads before applying it (`--dry-run`). */
export function describePlan(
  plan: ImportPlan,
  t: (key: string, params?: Record<string, string | number>) => string,
): string[] {
  const lines: string[] = [];
  const show = (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v ?? ""));
  for (const c of plan.contactsAdded)
    lines.push(`+ ${t("admin:file.plan.contactAdded", { id: c.id, name: c.data.shortName })}`);
  for (const c of plan.contactsChanged) {
    lines.push(`~ ${t("admin:file.plan.contactChanged", { id: c.id })}`);
    for (const f of c.fields) lines.push(`    ${f.field}: «${show(f.before)}» → «${show(f.after)}»`);
  }
  for (const b of plan.bindingsAdded)
    lines.push(`+ ${t("admin:file.plan.bound", { id: b.contactId, chat: `${b.channel}:${b.chatId}` })}`);
  for (const b of plan.bindingsRemoved)
    lines.push(`- ${t("admin:file.plan.unbound", { id: b.contactId, chat: `${b.channel}:${b.chatId}` })}`);
  for (const r of plan.rulesAdded) lines.push(`+ ${t("admin:file.plan.ruleAdded", { id: r.id })}`);
  for (const r of plan.rulesChanged)
    lines.push(`~ ${t("admin:file.plan.ruleChanged", { id: r.id, fields: r.fields.join(", ") })}`);
  lines.push(...describeSettingsChanges(plan.settings, t));
  for (const r of plan.rostersChanged) lines.push(describeRosterChange(r, t));
  return lines;
}
