import { DIRECTIVE_CONTACTS } from "../../domain/contacts.ts";
import { DEFAULT_ROUTING_RULES } from "../../domain/routing.ts";
import type { Migration } from "./index.ts";

const SEEDED_BY = "system:seed";

/**
 * Seeds the directives' contact table (with its history) and the default routing rules. It runs once, as a
 * migration, so later starts never overwrite what admins have changed since.
 */
export const migration002SeedDirectives: Migration = {
  version: 2,
  name: "seed-directives",
  up(db) {
    const seededAt = new Date().toISOString();
    const insertVersion = db.prepare(
      `INSERT INTO contact_versions (contact_id, version, data, valid_from, valid_to, changed_by, changed_at, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertContact = db.prepare(
      `INSERT INTO contacts (id, version, data, active, last_verified, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [id, versions] of Object.entries(DIRECTIVE_CONTACTS)) {
      const current = versions.at(-1);
      if (!current) continue;
      insertContact.run(
        id,
        versions.length,
        JSON.stringify(current.data),
        current.data.active ? 1 : 0,
        current.data.lastVerified,
        seededAt,
        SEEDED_BY,
      );
      versions.forEach((v, i) => {
        const next = versions[i + 1];
        insertVersion.run(
          id,
          i + 1,
          JSON.stringify(v.data),
          v.validFrom,
          next ? next.validFrom : null,
          SEEDED_BY,
          seededAt,
          v.data.source,
        );
      });
    }
    const insertRule = db.prepare(
      `INSERT INTO routing_rules (id, position, version, definition, active, updated_at, updated_by)
       VALUES (?, ?, 1, ?, 1, ?, ?)`,
    );
    const insertRuleVersion = db.prepare(
      `INSERT INTO routing_rule_versions (rule_id, version, definition, changed_by, changed_at)
       VALUES (?, 1, ?, ?, ?)`,
    );
    DEFAULT_ROUTING_RULES.forEach((rule, position) => {
      const definition = JSON.stringify(rule);
      insertRule.run(rule.id, position, definition, seededAt, SEEDED_BY);
      insertRuleVersion.run(rule.id, definition, SEEDED_BY, seededAt);
    });
  },
};
