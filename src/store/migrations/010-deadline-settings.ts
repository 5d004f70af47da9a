import type { Migration } from "./index.ts";

/**
 * Deadlines and the working-day calendar become data admins edit: every change is a new version of one named
 * settings document ('deadlines': acknowledge times per severity, re-raise interval, legal warning lead, page
 * timeout; 'work_calendar': the government's extra days off, swapped days and working Saturdays). The highest
 * version is the one in force; older ones stay as the history (who, when, why), like contact versions. The
 * environment only seeds version 1 of 'deadlines' on the first start after this migration.
 */
export const migration010DeadlineSettings: Migration = {
  version: 10,
  name: "deadline-settings",
  up(db) {
    db.exec(`
      CREATE TABLE setting_versions (
        name       TEXT NOT NULL CHECK (name IN ('deadlines', 'work_calendar')),
        version    INTEGER NOT NULL CHECK (version >= 1),
        data       TEXT NOT NULL CHECK (json_valid(data)),
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        -- 'seed' (from the environment), 'chat', 'import' (the YAML file) or 'cli'.
        via        TEXT NOT NULL CHECK (via IN ('seed', 'chat', 'import', 'cli')),
        PRIMARY KEY (name, version)
      ) STRICT;
    `);
  },
};
