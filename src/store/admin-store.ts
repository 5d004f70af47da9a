import type Database from "better-sqlite3";
import { type ContactData, contactDataSchema } from "../domain/contacts.ts";

type Raw = Record<string, unknown>;
const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;

/** A contact row as administered: its current data plus who changed it last and when. */
export interface ContactRecord {
  id: string;
  version: number;
  data: ContactData;
  updatedAt: string;
  updatedBy: string;
}

/** One stored version of a contact: what it was between `validFrom` and `validTo`, and who made it so. */
export interface ContactVersionRecord {
  contactId: string;
  version: number;
  data: ContactData;
  validFrom: string;
  validTo: string | null;
  changedBy: string;
  changedAt: string;
  reason: string | null;
}

/** A routing rule row, inactive ones included, with its raw stored definition. */
export interface RuleRecord {
  id: string;
  position: number;
  version: number;
  definition: unknown;
  active: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  outcome: string;
  details: Raw;
}

/** A contact change waiting for a second admin (four-eyes rule). */
export interface PendingChange {
  id: number;
  contactId: string;
  baseVersion: number;
  data: ContactData;
  proposedBy: string;
  proposedAt: string;
  status: "pending" | "approved" | "rejected" | "superseded";
  decidedBy: string | null;
  decidedAt: string | null;
}

/**
 * The contact administration's statements (versions, rules with history, audit reads, pending changes), over the
 * same database as {@link Store}; kept apart so the administration can grow without touching the hot path.
 */
export class AdminStore {
  private readonly s;

  constructor(readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      contact: p("SELECT * FROM contacts WHERE id = ?"),
      contacts: p("SELECT * FROM contacts ORDER BY id"),
      insertContact: p(
        `INSERT INTO contacts (id, version, data, active, last_verified, updated_at, updated_by)
         VALUES (?, 1, ?, ?, ?, ?, ?)`,
      ),
      updateContact: p(
        `UPDATE contacts SET version = version + 1, data = ?, active = ?, last_verified = ?, updated_at = ?,
           updated_by = ?
         WHERE id = ? AND version = ?`,
      ),
      deleteContact: p("DELETE FROM contacts WHERE id = ?"),
      closeVersions: p("UPDATE contact_versions SET valid_to = ? WHERE contact_id = ? AND valid_to IS NULL"),
      insertVersion: p(
        `INSERT INTO contact_versions (contact_id, version, data, valid_from, valid_to, changed_by, changed_at, reason)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?)`,
      ),
      version: p("SELECT * FROM contact_versions WHERE contact_id = ? AND version = ?"),
      history: p("SELECT * FROM contact_versions WHERE contact_id = ? ORDER BY version"),
      deleteVersions: p("DELETE FROM contact_versions WHERE contact_id = ?"),
      deleteBindings: p("DELETE FROM duty_bindings WHERE contact_id = ?"),
      // Duty roles name their contact by id only: left behind, they would apply to a later contact of that id.
      deleteDutyRoles: p("DELETE FROM user_roles WHERE role = 'duty' AND contact_id = ?"),
      bindings: p(
        "SELECT contact_id, channel, chat_id FROM duty_bindings ORDER BY contact_id, channel, chat_id",
      ),
      ticketsRoutedTo: p(
        `SELECT count(*) AS n FROM incidents
         WHERE EXISTS (SELECT 1 FROM json_each(json_extract(routing, '$.destinations')) d
                       WHERE json_extract(d.value, '$.contactId') = ?)`,
      ),
      rules: p("SELECT * FROM routing_rules ORDER BY position, id"),
      insertRule: p(
        `INSERT INTO routing_rules (id, position, version, definition, active, updated_at, updated_by)
         VALUES (?, ?, 1, ?, ?, ?, ?)`,
      ),
      updateRule: p(
        `UPDATE routing_rules SET position = ?, version = version + 1, definition = ?, active = ?, updated_at = ?,
           updated_by = ?
         WHERE id = ? AND version = ?`,
      ),
      insertRuleVersion: p(
        `INSERT INTO routing_rule_versions (rule_id, version, definition, changed_by, changed_at, active, position)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      ruleVersions: p("SELECT * FROM routing_rule_versions WHERE rule_id = ? ORDER BY version"),
      latestAudit: p("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?"),
      allAudit: p("SELECT * FROM audit_log ORDER BY id"),
      insertPending: p(
        `INSERT INTO pending_contact_changes (contact_id, base_version, data, proposed_by, proposed_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id`,
      ),
      pending: p("SELECT * FROM pending_contact_changes WHERE id = ?"),
      openPending: p("SELECT * FROM pending_contact_changes WHERE status = 'pending' ORDER BY id LIMIT 50"),
      decidePending: p(
        `UPDATE pending_contact_changes SET status = ?, decided_by = ?, decided_at = ?
         WHERE id = ? AND status = 'pending'`,
      ),
    };
  }

  contact(id: string): ContactRecord | undefined {
    const row = this.s.contact.get(id) as Raw | undefined;
    return row ? toContact(row) : undefined;
  }

  contacts(): ContactRecord[] {
    return (this.s.contacts.all() as Raw[]).map(toContact);
  }

  /** Inserts a new contact at version 1, with its first version row. */
  insertContact(id: string, data: ContactData, by: string, at: string, reason: string | null): void {
    this.s.insertContact.run(id, json(data), data.active ? 1 : 0, data.lastVerified, at, by);
    this.s.insertVersion.run(id, 1, json(data), at, by, at, reason);
  }

  /**
   * Writes the next version of a contact if it is still at `expectedVersion` (optimistic: a concurrent edit
   * makes this return undefined instead of overwriting it); closes the previous version's validity.
   */
  updateContact(
    id: string,
    expectedVersion: number,
    data: ContactData,
    by: string,
    at: string,
    reason: string | null,
  ): number | undefined {
    const changed = this.s.updateContact.run(
      json(data),
      data.active ? 1 : 0,
      data.lastVerified,
      at,
      by,
      id,
      expectedVersion,
    ).changes;
    if (changed !== 1) return undefined;
    const version = expectedVersion + 1;
    this.s.closeVersions.run(at, id);
    this.s.insertVersion.run(id, version, json(data), at, by, at, reason);
    return version;
  }

  /** Removes a contact with its versions and bindings (only for contacts nothing refers to). */
  deleteContact(id: string): void {
    this.s.deleteBindings.run(id);
    this.s.deleteDutyRoles.run(id);
    this.s.deleteVersions.run(id);
    this.s.deleteContact.run(id);
  }

  /** The contact as it was at one version (what a ticket routed with that version went to). */
  contactVersion(id: string, version: number): ContactVersionRecord | undefined {
    const row = this.s.version.get(id, version) as Raw | undefined;
    return row ? toVersion(row) : undefined;
  }

  history(id: string): ContactVersionRecord[] {
    return (this.s.history.all(id) as Raw[]).map(toVersion);
  }

  /** How many tickets were ever routed to a contact (their history must keep resolving). */
  ticketsRoutedTo(id: string): number {
    return (this.s.ticketsRoutedTo.get(id) as { n: number }).n;
  }

  bindings(): Array<{ contactId: string; channel: string; chatId: string }> {
    return (this.s.bindings.all() as Raw[]).map((r) => ({
      contactId: String(r.contact_id),
      channel: String(r.channel),
      chatId: String(r.chat_id),
    }));
  }

  rules(): RuleRecord[] {
    return (this.s.rules.all() as Raw[]).map((r) => ({
      id: String(r.id),
      position: Number(r.position),
      version: Number(r.version),
      definition: parse(r.definition),
      active: r.active === 1,
      updatedAt: String(r.updated_at),
      updatedBy: String(r.updated_by),
    }));
  }

  /** Inserts a rule at version 1, with its first version row. */
  insertRule(
    id: string,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): void {
    this.s.insertRule.run(id, position, json(definition), active ? 1 : 0, at, by);
    this.s.insertRuleVersion.run(id, 1, json(definition), by, at, active ? 1 : 0, position);
  }

  /** Writes the next version of a rule if it is still at `expectedVersion`; returns the new version. */
  updateRule(
    id: string,
    expectedVersion: number,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): number | undefined {
    const changed = this.s.updateRule.run(
      position,
      json(definition),
      active ? 1 : 0,
      at,
      by,
      id,
      expectedVersion,
    ).changes;
    if (changed !== 1) return undefined;
    this.s.insertRuleVersion.run(id, expectedVersion + 1, json(definition), by, at, active ? 1 : 0, position);
    return expectedVersion + 1;
  }

  ruleVersions(
    id: string,
  ): Array<{ version: number; definition: unknown; active: boolean; changedBy: string }> {
    return (this.s.ruleVersions.all(id) as Raw[]).map((r) => ({
      version: Number(r.version),
      definition: parse(r.definition),
      active: r.active === 1,
      changedBy: String(r.changed_by),
    }));
  }

  latestAudit(limit: number): AuditRecord[] {
    return (this.s.latestAudit.all(limit) as Raw[]).map(toAudit);
  }

  /** Every audit entry, oldest first, read lazily (the log can be long). */
  *allAudit(): Generator<AuditRecord> {
    for (const row of this.s.allAudit.iterate() as Iterable<Raw>) yield toAudit(row);
  }

  addPending(contactId: string, baseVersion: number, data: ContactData, by: string, at: string): number {
    return (this.s.insertPending.get(contactId, baseVersion, json(data), by, at) as { id: number }).id;
  }

  pending(id: number): PendingChange | undefined {
    const row = this.s.pending.get(id) as Raw | undefined;
    return row ? toPending(row) : undefined;
  }

  openPending(): PendingChange[] {
    return (this.s.openPending.all() as Raw[]).map(toPending);
  }

  /** Closes a pending change; false if someone else decided it first. */
  decidePending(id: number, status: "approved" | "rejected" | "superseded", by: string, at: string): boolean {
    return this.s.decidePending.run(status, by, at, id).changes === 1;
  }
}

function toContact(r: Raw): ContactRecord {
  return {
    id: String(r.id),
    version: Number(r.version),
    data: contactDataSchema.parse(parse(r.data)),
    updatedAt: String(r.updated_at),
    updatedBy: String(r.updated_by),
  };
}

function toVersion(r: Raw): ContactVersionRecord {
  return {
    contactId: String(r.contact_id),
    version: Number(r.version),
    data: contactDataSchema.parse(parse(r.data)),
    validFrom: String(r.valid_from),
    validTo: r.valid_to === null ? null : String(r.valid_to),
    changedBy: String(r.changed_by),
    changedAt: String(r.changed_at),
    reason: r.reason === null ? null : String(r.reason),
  };
}

function toAudit(r: Raw): AuditRecord {
  return {
    id: Number(r.id),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    subject: String(r.subject),
    outcome: String(r.outcome),
    details: parse(r.details),
  };
}

function toPending(r: Raw): PendingChange {
  return {
    id: Number(r.id),
    contactId: String(r.contact_id),
    baseVersion: Number(r.base_version),
    data: contactDataSchema.parse(parse(r.data)),
    proposedBy: String(r.proposed_by),
    proposedAt: String(r.proposed_at),
    status: r.status as PendingChange["status"],
    decidedBy: r.decided_by === null ? null : String(r.decided_by),
    decidedAt: r.decided_at === null ? null : String(r.decided_at),
  };
}
