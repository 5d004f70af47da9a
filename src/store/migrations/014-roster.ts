import type { Migration } from "./index.ts";

/**
 * On-call rosters (issue 15): each unit's shifts, a `lead` role per unit (who edits its roster and is paged last
 * before escalation), declared alert periods with their tighter deadlines, and the state of each ticket's page
 * chain (who was paged, at which step), so a restart neither repeats nor skips a page.
 * The role list is a CHECK on user_roles, which SQLite cannot alter: the table is rebuilt with the same rows.
 */
export const migration014Roster: Migration = {
  version: 14,
  name: "roster",
  up(db) {
    db.exec(`
      CREATE TABLE user_roles_new (
        channel    TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('admin', 'duty', 'reporter', 'lead')),
        contact_id TEXT NOT NULL DEFAULT '' ,
        granted_by TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (channel, user_id, role, contact_id)
      ) STRICT;
      INSERT INTO user_roles_new (channel, user_id, role, contact_id, granted_by, granted_at)
        SELECT channel, user_id, role, contact_id, granted_by, granted_at FROM user_roles;
      DROP TABLE user_roles;
      ALTER TABLE user_roles_new RENAME TO user_roles;

      -- Times are wall-clock minutes in the display zone; days are ISO weekdays, dates local YYYY-MM-DD (JSON).
      CREATE TABLE roster_shifts (
        id         INTEGER PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        person     TEXT NOT NULL CHECK (person GLOB '[a-z]*:?*'),
        start_min  INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
        end_min    INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
        days       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(days)),
        dates      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(dates)),
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        CHECK (days <> '[]' OR dates <> '[]')
      ) STRICT;
      CREATE INDEX roster_shifts_contact ON roster_shifts (contact_id, position);

      CREATE TABLE alert_periods (
        id               INTEGER PRIMARY KEY,
        name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        starts_at        TEXT NOT NULL,
        ends_at          TEXT NOT NULL,
        ack_deadlines    TEXT NOT NULL CHECK (json_valid(ack_deadlines)),
        reminder_minutes INTEGER NOT NULL CHECK (reminder_minutes > 0),
        created_by       TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        CHECK (ends_at > starts_at)
      ) STRICT;

      CREATE TABLE page_chains (
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        contact_id  TEXT NOT NULL,
        step        TEXT NOT NULL CHECK (step IN ('on_duty', 'next', 'lead', 'escalate', 'done')),
        paged       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(paged)),
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (incident_id, contact_id)
      ) STRICT;
    `);
  },
};
