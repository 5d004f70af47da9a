import type { z } from "zod";
import type { AdminActor, ContactAdmin } from "../admin/contact-admin.ts";
import { zodReason } from "../admin/contact-fields.ts";
import {
  type DeadlineDoc,
  deadlineDocSchema,
  formatDuration,
  parseDuration,
  SETTING_KEYS,
} from "../domain/deadline-settings.ts";
import { type WorkCalendarAdjustments, workCalendarAdjustmentsSchema } from "../domain/holidays.ts";
import type { Reason } from "../domain/severity-input.ts";
import { DEFAULT_SEED, StoredDeadlineSettings } from "./deadline-settings.ts";

// The contacts YAML file's `deadlines` and `calendar` sections: written on export, checked line by line and
// applied on import as new versions (audited as the importer's). Both are optional in a file: a file without
// them changes neither, so an older export still imports.

/** The top-level keys this module owns in the contacts file. */
export const SETTINGS_SECTIONS = ["deadlines", "calendar"] as const;

export type SettingsChange =
  | {
      name: "deadlines";
      expectedVersion: number;
      fields: string[];
      before: DeadlineDoc;
      after: DeadlineDoc;
    }
  | {
      name: "work_calendar";
      expectedVersion: number;
      fields: string[];
      before: WorkCalendarAdjustments;
      after: WorkCalendarAdjustments;
    };

type Issue = (path: ReadonlyArray<string | number>, reason: Reason) => void;

const ACK_KEYS: ReadonlySet<string> = new Set(["critical", "high", "medium", "low"]);

/** The deadline settings as an admin of the contact table changes them (authority checked again, audited). */
export function settingsOf(service: ContactAdmin): StoredDeadlineSettings {
  return new StoredDeadlineSettings(service.o.store, DEFAULT_SEED, service);
}

/** The sections as the export writes them (the values in force). */
export function exportSettingsSections(settings: StoredDeadlineSettings): {
  deadlines: DeadlineDoc;
  calendar: WorkCalendarAdjustments;
} {
  return { deadlines: settings.deadlineDoc().doc, calendar: settings.calendar() };
}

/** Checks both sections of a parsed file; every problem goes to `issue` with its path (for its line). */
export function checkSettingsSections(
  settings: StoredDeadlineSettings,
  top: Record<string, unknown>,
  issue: Issue,
): SettingsChange[] {
  const changes: SettingsChange[] = [];
  if (top.deadlines !== undefined && top.deadlines !== null) {
    const parsed = deadlineDocSchema.partial().safeParse(top.deadlines);
    if (!parsed.success) {
      for (const x of parsed.error.issues)
        issue(["deadlines", ...pathOf(x.path)], deadlineReason(x, top.deadlines));
    } else {
      const { version, doc } = settings.deadlineDoc();
      const canonical = Object.fromEntries(
        Object.entries(parsed.data).map(([k, v]) => {
          const spec = parseDuration(String(v), ACK_KEYS.has(k));
          return [k, spec ? formatDuration(spec) : v];
        }),
      );
      const after = { ...doc, ...canonical } as DeadlineDoc;
      const fields = SETTING_KEYS.filter((k) => doc[k] !== after[k]);
      if (fields.length > 0)
        changes.push({ name: "deadlines", expectedVersion: version, fields, before: doc, after });
    }
  }
  if (top.calendar !== undefined && top.calendar !== null) {
    const parsed = workCalendarAdjustmentsSchema.safeParse(top.calendar);
    if (!parsed.success) {
      for (const x of parsed.error.issues)
        issue(["calendar", ...pathOf(x.path)], calendarReason(x, top.calendar));
    } else {
      const { version, doc } = settings.calendarDoc();
      const fields = (["decisions", "daysOff", "workingDays"] as const).filter(
        (k) => JSON.stringify(sortedBy(doc[k])) !== JSON.stringify(sortedBy(parsed.data[k])),
      );
      if (fields.length > 0)
        changes.push({
          name: "work_calendar",
          expectedVersion: version,
          fields,
          before: doc,
          after: parsed.data,
        });
    }
  }
  return changes;
}

/** Applies the checked changes; false when one was refused (a concurrent edit): the caller undoes the import. */
export function applySettingsChanges(
  settings: StoredDeadlineSettings,
  actor: AdminActor,
  changes: readonly SettingsChange[],
  at: string,
): boolean {
  for (const c of changes) {
    const outcome =
      c.name === "deadlines"
        ? settings.updateDeadlines(actor, c.after, at, "import", c.expectedVersion)
        : settings.updateCalendar(actor, c.after, at, "import", c.expectedVersion);
    if (outcome.status !== "saved") return false;
  }
  return true;
}

/** The plan's lines for these sections (`contacts import --dry-run`). */
export function describeSettingsChanges(
  changes: readonly SettingsChange[],
  t: (key: string, params?: Record<string, string | number>) => string,
): string[] {
  return changes.flatMap((c) => {
    const head = `~ ${t(`deadlines:file.changed.${c.name}`)}`;
    if (c.name === "deadlines")
      return [
        head,
        ...c.fields.map(
          (f) => `    ${f}: «${c.before[f as keyof DeadlineDoc]}» → «${c.after[f as keyof DeadlineDoc]}»`,
        ),
      ];
    return [head, ...c.fields.map((f) => `    ${f}`)];
  });
}

function sortedBy(list: ReadonlyArray<object>): string[] {
  return list.map((x) => JSON.stringify(x)).sort();
}

function pathOf(path: ReadonlyArray<PropertyKey>): Array<string | number> {
  return path.map((p) => (typeof p === "number" ? p : String(p)));
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): string {
  let v: unknown = root;
  for (const p of path) v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return typeof v === "string" || typeof v === "number" ? String(v).slice(0, 40) : "";
}

function deadlineReason(x: z.core.$ZodIssue, root: unknown): Reason {
  const name = String(x.path[0] ?? "");
  if (x.code === "custom" || (x.code === "invalid_type" && ACK_KEYS.has(name)))
    return {
      key: ACK_KEYS.has(name) ? "deadlines:error.badAck" : "deadlines:error.badDuration",
      params: { name, value: valueAt(root, x.path) },
    };
  return zodReason(x);
}

function calendarReason(x: z.core.$ZodIssue, root: unknown): Reason {
  if (x.code === "custom" && x.path.at(-1) === "date")
    return { key: "deadlines:calendar.badDate", params: { value: valueAt(root, x.path) } };
  if (x.code === "invalid_format" && x.path.at(-1) === "date")
    return { key: "deadlines:calendar.badDate", params: { value: valueAt(root, x.path) } };
  return zodReason(x);
}
