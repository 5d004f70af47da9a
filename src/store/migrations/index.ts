import type Database from "better-sqlite3";
import { migration001Schema } from "./001-schema.ts";
import { migration002SeedDirectives } from "./002-seed-directives.ts";
import { migration003TicketLifecycle } from "./003-ticket-lifecycle.ts";
import { migration004DutyPrompts } from "./004-duty-prompts.ts";
import { migration005ContactAdmin } from "./005-contact-admin.ts";
import { migration006LeanWritePath } from "./006-lean-write-path.ts";
import { migration007OnePagePerTable } from "./007-one-page-per-table.ts";
import { migration008Reorg2025 } from "./008-reorg-2025.ts";
import { migration009ZaloSendCounter } from "./009-zalo-send-counter.ts";
import { migration010DeadlineSettings } from "./010-deadline-settings.ts";
import { migration011StormDigests } from "./011-storm-digests.ts";
import { migration012Evidence } from "./012-evidence.ts";
import { migration013FinalReport } from "./013-final-report.ts";
import { migration014Roster } from "./014-roster.ts";
import { migration015PreliminaryTickets } from "./015-preliminary-tickets.ts";
import { migration016FinalReportRecipients } from "./016-final-report-recipients.ts";
import { migration017KeyedSendHistory } from "./017-keyed-send-history.ts";

/** One numbered, forward-only schema change. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/** Every migration, in order; the last version is the schema this code expects. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Schema,
  migration002SeedDirectives,
  migration003TicketLifecycle,
  migration004DutyPrompts,
  migration005ContactAdmin,
  migration006LeanWritePath,
  migration007OnePagePerTable,
  migration008Reorg2025,
  migration009ZaloSendCounter,
  migration010DeadlineSettings,
  migration011StormDigests,
  migration012Evidence,
  migration013FinalReport,
  migration014Roster,
  migration015PreliminaryTickets,
  migration016FinalReportRecipients,
  migration017KeyedSendHistory,
];

export const LATEST_VERSION = MIGRATIONS.length;

/** Raised when the database was written by a newer version of the program than this one. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The database is at schema version ${found}, but this program only knows up to ${supported}. ` +
        "It was created or upgraded by a newer release; run that release, or restore a backup made by this one.",
    );
    this.name = "DatabaseTooNewError";
  }
}

/** Current schema version stored in the database file. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Applies all pending migrations in ONE transaction, so a failure leaves the database exactly as it was.
 * Returns the versions applied (empty when already current).
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return pending.map((m) => m.version);
}
