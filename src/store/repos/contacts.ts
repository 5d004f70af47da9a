import { type Contact, type ContactData, contactDataSchema } from "../../domain/contacts.ts";
import type { ContactRecord, ContactVersionRecord, PendingChange, Role, RoleGrant } from "../types.ts";
import type { ContactsRepo } from "./interfaces.ts";
import { type Db, json, parse, type Raw, textOrNull } from "./sqlite.ts";

/**
 * The contact directory: contacts with their versions and the changes waiting for a second admin, the duty
 * chats bound to them and the roles people hold for them. The contacts table is mapped in one place
 * ({@link toContactRecord}); the routing's `Contact` is that record's data with its id and version.
 */
export class SqliteContacts implements ContactsRepo {
  private readonly s;
  private contactsCache: { stamp: string; value: Contact[] } | undefined;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      contact: p("SELECT * FROM contacts WHERE id = ?"),
      contacts: p("SELECT * FROM contacts ORDER BY id"),
      contactsStamp: p(
        "SELECT group_concat(id || ':' || version || ':' || active, ',') AS stamp FROM contacts",
      ),
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
      deleteDutyRoles: p("DELETE FROM user_roles WHERE role IN ('duty', 'lead') AND contact_id = ?"),
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
      grantRole: p(
        `INSERT INTO user_roles (channel, user_id, role, contact_id, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      revokeRole: p(
        "DELETE FROM user_roles WHERE channel = ? AND user_id = ? AND role = ? AND contact_id = ?",
      ),
      rolesOf: p(
        "SELECT role, contact_id FROM user_roles WHERE channel = ? AND user_id = ? ORDER BY role, contact_id",
      ),
      allRoles: p(
        "SELECT channel, user_id, role, contact_id, granted_by, granted_at FROM user_roles ORDER BY channel, user_id",
      ),
      bind: p(
        `INSERT INTO duty_bindings (contact_id, channel, chat_id, bound_by, bound_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      unbind: p("DELETE FROM duty_bindings WHERE contact_id = ? AND channel = ? AND chat_id = ?"),
      bindingsOf: p(
        "SELECT channel, chat_id FROM duty_bindings WHERE contact_id = ? ORDER BY channel, chat_id",
      ),
      bindings: p(
        "SELECT contact_id, channel, chat_id FROM duty_bindings ORDER BY contact_id, channel, chat_id",
      ),
      contactsOfChat: p(
        "SELECT contact_id FROM duty_bindings WHERE channel = ? AND chat_id = ? ORDER BY contact_id",
      ),
    };
  }

  /** Every contact; parsed once per version of the table (another process's change shows at once). */
  contacts(): Contact[] {
    const stamp = (this.s.contactsStamp.get() as { stamp: string | null }).stamp ?? "";
    if (this.contactsCache?.stamp !== stamp) {
      this.contactsCache = { stamp, value: this.contactRecords().map(asContact) };
    }
    return this.contactsCache.value;
  }

  contact(id: string): Contact | undefined {
    const record = this.contactRecord(id);
    return record ? asContact(record) : undefined;
  }

  /** A contact row as administered: its data plus who changed it last and when. */
  contactRecord(id: string): ContactRecord | undefined {
    const row = this.s.contact.get(id) as Raw | undefined;
    return row ? toContactRecord(row) : undefined;
  }

  contactRecords(): ContactRecord[] {
    return (this.s.contacts.all() as Raw[]).map(toContactRecord);
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

  /** Grants a role (duty roles name the contact they act for); granting twice changes nothing. */
  grantRole(channel: string, userId: string, role: Role, contactId: string, by: string, at: string): boolean {
    return this.s.grantRole.run(channel, userId, role, contactId, by, at).changes === 1;
  }

  revokeRole(channel: string, userId: string, role: Role, contactId: string): boolean {
    return this.s.revokeRole.run(channel, userId, role, contactId).changes === 1;
  }

  rolesOf(channel: string, userId: string): Array<{ role: Role; contactId: string }> {
    return (this.s.rolesOf.all(channel, userId) as Raw[]).map((r) => ({
      role: r.role as Role,
      contactId: String(r.contact_id),
    }));
  }

  allRoles(): RoleGrant[] {
    return (this.s.allRoles.all() as Raw[]).map((r) => ({
      channel: String(r.channel),
      userId: String(r.user_id),
      role: r.role as Role,
      contactId: String(r.contact_id),
      grantedBy: String(r.granted_by),
      grantedAt: String(r.granted_at),
    }));
  }

  /** Binds a chat to a contact: its members act for that contact and receive its tickets. */
  bindChat(contactId: string, channel: string, chatId: string, by: string, at: string): boolean {
    return this.s.bind.run(contactId, channel, chatId, by, at).changes === 1;
  }

  unbindChat(contactId: string, channel: string, chatId: string): boolean {
    return this.s.unbind.run(contactId, channel, chatId).changes === 1;
  }

  bindingsOf(contactId: string): Array<{ channel: string; chatId: string }> {
    return (this.s.bindingsOf.all(contactId) as Raw[]).map((r) => ({
      channel: String(r.channel),
      chatId: String(r.chat_id),
    }));
  }

  bindings(): Array<{ contactId: string; channel: string; chatId: string }> {
    return (this.s.bindings.all() as Raw[]).map((r) => ({
      contactId: String(r.contact_id),
      channel: String(r.channel),
      chatId: String(r.chat_id),
    }));
  }

  contactsOfChat(channel: string, chatId: string): string[] {
    return (this.s.contactsOfChat.all(channel, chatId) as Raw[]).map((r) => String(r.contact_id));
  }
}

/** The one mapping of a contacts row. */
export function toContactRecord(r: Raw): ContactRecord {
  return {
    id: String(r.id),
    version: Number(r.version),
    data: contactDataSchema.parse(parse(r.data)),
    updatedAt: String(r.updated_at),
    updatedBy: String(r.updated_by),
  };
}

/** A contact as routing and rendering see it: the record's data with its id and version. */
export function asContact(record: ContactRecord): Contact {
  return { id: record.id, version: record.version, ...record.data };
}

function toVersion(r: Raw): ContactVersionRecord {
  return {
    contactId: String(r.contact_id),
    version: Number(r.version),
    data: contactDataSchema.parse(parse(r.data)),
    validFrom: String(r.valid_from),
    validTo: textOrNull(r.valid_to),
    changedBy: String(r.changed_by),
    changedAt: String(r.changed_at),
    reason: textOrNull(r.reason),
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
    decidedBy: textOrNull(r.decided_by),
    decidedAt: textOrNull(r.decided_at),
  };
}
