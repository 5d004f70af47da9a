import type { AdminActor } from "../admin/contact-admin.ts";
import { actorId } from "../admin/contact-admin.ts";
import {
  type DeadlineDoc,
  type DeadlineSeed,
  type DeadlineSettings,
  type DeadlineSettingsSource,
  deadlineDocSchema,
  formatDuration,
  parseDuration,
  type SettingKey,
  seedDoc,
  toDeadlineSettings,
} from "../domain/deadline-settings.ts";
import {
  NO_ADJUSTMENTS,
  type WorkCalendarAdjustments,
  workCalendarAdjustmentsSchema,
} from "../domain/holidays.ts";
import { type SettingVia, SqliteSettings } from "../store/repos/settings.ts";
import type { Store } from "../store/store.ts";

/** The values config.ts parses from ACK_DEADLINES (its defaults): what an unseeded database starts from. */
export const DEFAULT_SEED: DeadlineSeed = {
  ackDeadlines: { 4: { minutes: 15 }, 3: { minutes: 60 }, 2: { minutes: 240 }, 1: { workingDays: 1 } },
};

/** The environment's deadline values (config.ts) as the seed of the stored settings. */
export function seedFromConfig(config: {
  ackDeadlines: DeadlineSeed["ackDeadlines"];
  unresolvedReminderMs: number;
  legalWarningMs: number;
  pageTimeoutMs: number;
}): DeadlineSeed {
  return {
    ackDeadlines: config.ackDeadlines,
    unresolvedReminderMs: config.unresolvedReminderMs,
    legalWarningMs: config.legalWarningMs,
    pageTimeoutMs: config.pageTimeoutMs,
  };
}

/** Who may change settings: the contact administration's check (configured admins and the admin role). */
export interface SettingsAuthority {
  authorize(actor: AdminActor, action: string, subject: string, at: string, details?: object): boolean;
}

export type SettingsOutcome<T> =
  | { status: "saved"; version: number; before: T; after: T; fields: string[] }
  | { status: "unchanged"; version: number }
  | { status: "conflict" }
  | { status: "denied" }
  | { status: "invalid"; issues: Array<{ path: string; message: string }> };

const ACK_KEYS: ReadonlySet<string> = new Set(["critical", "high", "medium", "low"]);

/** A setting's audit name: the deadlines' changes and the calendar's. */
const ACTION = { deadlines: "settings.deadlines", work_calendar: "settings.work_calendar" } as const;

/**
 * Deadline settings and the working-day calendar, stored as versioned documents: read by the duty desk for every
 * ticket (so an admin's change applies to the next ticket), written by admins in chat, by the YAML import and by
 * the first start (the environment's seed). Every write is authorized here, on the server, and audited with
 * the values before and after. Callers run writes inside a transaction.
 */
export class StoredDeadlineSettings implements DeadlineSettingsSource {
  private readonly repo: SqliteSettings;
  private readonly seedValue: DeadlineDoc;
  private parsed: { version: number; settings: DeadlineSettings } | undefined;

  constructor(
    private readonly store: Store,
    seed: DeadlineSeed = DEFAULT_SEED,
    private readonly authority?: SettingsAuthority,
  ) {
    this.repo = new SqliteSettings(store.db);
    this.seedValue = seedDoc(seed);
  }

  /**
   * Writes the environment's values as version 1 when nothing is stored yet; later starts change nothing, so
   * an admin's edit is never undone by a restart. True when it wrote.
   */
  seed(at: string): boolean {
    if (this.repo.current("deadlines")) return false;
    const version = this.repo.write("deadlines", 0, this.seedValue, "system:env", at, "seed");
    if (version === undefined) return false;
    this.store.audit(at, "system:env", ACTION.deadlines, "deadlines", "ok", {
      version,
      via: "seed",
      after: this.seedValue,
    });
    return true;
  }

  /** The document in force and its version (0: not stored yet, the seed). */
  deadlineDoc(): { version: number; doc: DeadlineDoc; changedBy: string | null; changedAt: string | null } {
    const current = this.repo.current("deadlines");
    const parsed = current ? deadlineDocSchema.safeParse(current.data) : undefined;
    if (!current || !parsed?.success)
      return { version: current?.version ?? 0, doc: this.seedValue, changedBy: null, changedAt: null };
    return {
      version: current.version,
      doc: parsed.data,
      changedBy: current.changedBy,
      changedAt: current.changedAt,
    };
  }

  deadlines(): DeadlineSettings {
    const { version, doc } = this.deadlineDoc();
    if (this.parsed?.version !== version || version === 0) {
      this.parsed = { version, settings: toDeadlineSettings(doc, version) };
    }
    return this.parsed.settings;
  }

  calendarDoc(): { version: number; doc: WorkCalendarAdjustments } {
    const current = this.repo.current("work_calendar");
    const parsed = current ? workCalendarAdjustmentsSchema.safeParse(current.data) : undefined;
    if (!current || !parsed?.success) return { version: current?.version ?? 0, doc: NO_ADJUSTMENTS };
    return { version: current.version, doc: parsed.data };
  }

  calendar(): WorkCalendarAdjustments {
    return this.calendarDoc().doc;
  }

  /** Changes some deadline settings (the others keep their value) as a new version. */
  updateDeadlines(
    actor: AdminActor,
    changes: Partial<Record<SettingKey, string>>,
    at: string,
    via: SettingVia,
    expectedVersion?: number,
  ): SettingsOutcome<DeadlineDoc> {
    if (!this.allowed(actor, ACTION.deadlines, at)) return { status: "denied" };
    const { version, doc } = this.deadlineDoc();
    const parsed = deadlineDocSchema.safeParse({ ...doc, ...changes });
    if (!parsed.success)
      return {
        status: "invalid",
        issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      };
    // Stored in the canonical form (2 giờ, 2g and 120m are all 2h), so equal values compare equal.
    const canonical = Object.fromEntries(
      Object.entries(parsed.data).map(([k, v]) => {
        const spec = parseDuration(v, ACK_KEYS.has(k));
        return [k, spec ? formatDuration(spec) : v];
      }),
    ) as DeadlineDoc;
    return this.write("deadlines", actor, version, doc, canonical, at, via, expectedVersion);
  }

  /** Replaces the calendar adjustments as a new version. */
  updateCalendar(
    actor: AdminActor,
    next: WorkCalendarAdjustments,
    at: string,
    via: SettingVia,
    expectedVersion?: number,
  ): SettingsOutcome<WorkCalendarAdjustments> {
    if (!this.allowed(actor, ACTION.work_calendar, at)) return { status: "denied" };
    const { version, doc } = this.calendarDoc();
    const parsed = workCalendarAdjustmentsSchema.safeParse(next);
    if (!parsed.success)
      return {
        status: "invalid",
        issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      };
    const sorted: WorkCalendarAdjustments = {
      decisions: [...parsed.data.decisions].sort((a, b) => a.year - b.year),
      daysOff: [...parsed.data.daysOff].sort((a, b) => a.date.localeCompare(b.date)),
      workingDays: [...parsed.data.workingDays].sort((a, b) => a.date.localeCompare(b.date)),
    };
    return this.write("work_calendar", actor, version, doc, sorted, at, via, expectedVersion);
  }

  /** The latest versions of a document, newest first (for `/thoihan lichsu` and the audit). */
  history(name: "deadlines" | "work_calendar", limit = 10) {
    return this.repo.history(name, limit);
  }

  private allowed(actor: AdminActor, action: string, at: string): boolean {
    if (actor.kind === "shell") return true;
    const subject = action.slice("settings.".length);
    if (this.authority) return this.authority.authorize(actor, action, subject, at);
    // Without the contact administration's check nobody in a chat may change settings; the attempt is audited.
    this.store.audit(at, actorId(actor), action, subject, "denied", {});
    return false;
  }

  private write<T extends object>(
    name: "deadlines" | "work_calendar",
    actor: AdminActor,
    version: number,
    before: T,
    after: T,
    at: string,
    via: SettingVia,
    expectedVersion: number | undefined,
  ): SettingsOutcome<T> {
    if (expectedVersion !== undefined && expectedVersion !== version) return { status: "conflict" };
    const fields = changedKeys(before, after);
    if (fields.length === 0) return { status: "unchanged", version };
    const by = actorId(actor);
    const written = this.repo.write(name, version, after, by, at, via);
    if (written === undefined) return { status: "conflict" };
    this.store.audit(at, by, ACTION[name], name, "ok", { version: written, via, fields, before, after });
    return { status: "saved", version: written, before, after, fields };
  }
}

function changedKeys(before: object, after: object): string[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]),
  );
}
