import type { Migration } from "./index.ts";

/**
 * Contact administration: changes to national-level contacts waiting for a second admin (four-eyes rule), and
 * a routing rule's version records whether the rule was active and where it stood, so a version is the whole
 * rule as it was routed with, not only its definition.
 */
export const migration005ContactAdmin: Migration = {
  version: 5,
  name: "contact-admin",
  up(db) {
    db.exec(`
      CREATE TABLE pending_contact_changes (
        id           INTEGER PRIMARY KEY,
        contact_id   TEXT NOT NULL,
        -- The version the change was made against (0 for a new contact): approval fails if it moved since.
        base_version INTEGER NOT NULL CHECK (base_version >= 0),
        data         TEXT NOT NULL CHECK (json_valid(data)),
        proposed_by  TEXT NOT NULL,
        proposed_at  TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
        decided_by   TEXT,
        decided_at   TEXT
      ) STRICT;
      CREATE INDEX pending_contact_changes_open ON pending_contact_changes (status, contact_id);

      ALTER TABLE routing_rule_versions ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
      ALTER TABLE routing_rule_versions ADD COLUMN position INTEGER;
      UPDATE routing_rule_versions SET position =
        (SELECT position FROM routing_rules WHERE routing_rules.id = routing_rule_versions.rule_id);
      CREATE INDEX contact_versions_changed ON contact_versions (changed_at);
    `);
  },
};
