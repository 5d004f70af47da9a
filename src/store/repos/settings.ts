import { type Db, json, parse, type Raw } from "./sqlite.ts";

/** The named settings documents (one versioned document each). */
export type SettingName = "deadlines" | "work_calendar";
export type SettingVia = "seed" | "chat" | "import" | "cli";

export interface SettingVersion {
  name: SettingName;
  version: number;
  data: unknown;
  changedBy: string;
  changedAt: string;
  via: SettingVia;
}

/**
 * Versioned settings documents: a change inserts the next version and never rewrites an old one, so the
 * history shows who set which value when (as contact versions do). The current version is read on every use
 * (a cheap primary-key lookup), so a change made in chat or by another process applies to the next ticket.
 */
export class SqliteSettings {
  private readonly s;
  private readonly cache = new Map<SettingName, SettingVersion>();

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      latestVersion: p("SELECT max(version) AS v FROM setting_versions WHERE name = ?"),
      version: p("SELECT * FROM setting_versions WHERE name = ? AND version = ?"),
      history: p("SELECT * FROM setting_versions WHERE name = ? ORDER BY version DESC LIMIT ?"),
      insert: p(
        `INSERT INTO setting_versions (name, version, data, changed_by, changed_at, via)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
    };
  }

  /** The version in force, or undefined when the document was never written. */
  current(name: SettingName): SettingVersion | undefined {
    const v = (this.s.latestVersion.get(name) as { v: number | null }).v;
    if (v === null) return undefined;
    const cached = this.cache.get(name);
    if (cached?.version === v) return cached;
    const row = this.s.version.get(name, v) as Raw | undefined;
    if (!row) return undefined;
    const value = toVersion(row);
    this.cache.set(name, value);
    return value;
  }

  /** The latest versions, newest first. */
  history(name: SettingName, limit = 20): SettingVersion[] {
    return (this.s.history.all(name, limit) as Raw[]).map(toVersion);
  }

  /**
   * Writes version `expectedVersion + 1`; undefined when someone else wrote it first (optimistic, as contacts
   * are): the caller tells the admin to look again instead of overwriting a change they never saw.
   */
  write(
    name: SettingName,
    expectedVersion: number,
    data: unknown,
    by: string,
    at: string,
    via: SettingVia,
  ): number | undefined {
    const current = (this.s.latestVersion.get(name) as { v: number | null }).v ?? 0;
    if (current !== expectedVersion) return undefined;
    const version = expectedVersion + 1;
    const changed = this.s.insert.run(name, version, json(data), by, at, via).changes;
    return changed === 1 ? version : undefined;
  }
}

function toVersion(r: Raw): SettingVersion {
  return {
    name: r.name as SettingName,
    version: Number(r.version),
    data: parse(r.data),
    changedBy: String(r.changed_by),
    changedAt: String(r.changed_at),
    via: r.via as SettingVia,
  };
}
