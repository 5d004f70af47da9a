import { adminsOn, isAdmin } from "../domain/authority.ts";
import type { ContactData } from "../domain/contacts.ts";
import { AdminStore, type ContactRecord, type PendingChange } from "../store/admin-store.ts";
import type { Role, Store } from "../store/store.ts";
import { CONTACT_ID, changedFields, type FieldIssue, validateContactData } from "./contact-fields.ts";

/** Who asks: a person in a chat (checked against the admins), or the operator at the server's shell. */
export type AdminActor = { kind: "chat"; channel: string; userId: string } | { kind: "shell" };

/** The audit id of an actor: "telegram:123", or "cli" for the shell (as the existing CLI commands write). */
export function actorId(actor: AdminActor): string {
  return actor.kind === "shell" ? "cli" : `${actor.channel}:${actor.userId}`;
}

export interface ContactAdminOptions {
  store: Store;
  /** Channel user ids that are admins by configuration (ADMIN_TELEGRAM_IDS), per channel. */
  configAdmins: Readonly<Record<string, readonly string[]>>;
  /** Four-eyes rule: changes to national-level contacts wait for a second admin. */
  changeApproval: boolean;
  /** Contacts not verified for this long are stale. */
  staleMs: number;
}

/** Roles of the national bodies (VNCERT/CC coordinates, NCSC monitors) whose changes need a second admin. */
const NATIONAL_ROLES: ReadonlySet<string> = new Set(["coordination", "monitoring"]);

/** What became of a requested change. */
export type ChangeOutcome =
  | { status: "saved"; contact: ContactRecord; before: ContactData | null; fields: string[] }
  | { status: "pending"; changeId: number; contact: ContactRecord | null; fields: string[] }
  | { status: "unchanged"; contact: ContactRecord }
  | { status: "denied" }
  | { status: "invalid"; issues: FieldIssue[] }
  | { status: "conflict"; contact: ContactRecord }
  | { status: "notFound" }
  | { status: "exists" }
  | { status: "inUse"; rules: string[]; tickets: number }
  | { status: "deleted"; before: ContactData }
  /** Deleting a national body under the four-eyes rule: not done here; deactivating it goes to approval. */
  | { status: "needsApproval" };

export type DecisionOutcome =
  | { status: "approved"; change: PendingChange; outcome: ChangeOutcome }
  | { status: "rejected"; change: PendingChange }
  | { status: "denied" }
  | { status: "notFound" }
  | { status: "ownChange" }
  | { status: "superseded"; change: PendingChange };

export type BindOutcome =
  | { status: "bound" | "already" | "unbound" | "notBound" }
  | { status: "denied" }
  | { status: "unknownContact"; known: string[] };

export type RoleOutcome =
  | { status: "granted" | "revoked" | "unchanged" }
  | { status: "denied" }
  | { status: "badRole" }
  | { status: "badContact"; known: string[] }
  | { status: "self" };

/** Every contact id a routing rule's actions send to (read from the stored definition, valid or not). */
export function contactsOfRule(definition: unknown): string[] {
  const actions = (definition as { actions?: Array<{ contact?: unknown }> } | null)?.actions;
  if (!Array.isArray(actions)) return [];
  return [...new Set(actions.map((a) => String(a?.contact ?? "")).filter(Boolean))];
}

/**
 * Changes to the contact table, roles and routing rules, for every entry point (chat, shell, import). Every
 * change is checked against the actor's authority here on the server, written as a new version (who, when,
 * before, after) and audited; refused attempts are audited too. Callers run it inside a transaction.
 */
export class ContactAdmin {
  readonly admin: AdminStore;

  constructor(readonly o: ContactAdminOptions) {
    this.admin = new AdminStore(o.store.db);
  }

  /** True for configured admins and people granted the admin role; the shell is always trusted. */
  isAdmin(actor: AdminActor): boolean {
    if (actor.kind === "shell") return true;
    return isAdmin(this.o.configAdmins, actor, this.o.store.rolesOf(actor.channel, actor.userId));
  }

  /** Checks authority for one action; a refusal is written to the audit log. */
  authorize(actor: AdminActor, action: string, subject: string, at: string, details: object = {}): boolean {
    if (this.isAdmin(actor)) return true;
    this.o.store.audit(at, actorId(actor), action, subject.slice(0, 80), "denied", details);
    return false;
  }

  /** Every admin reachable on a channel (configured and granted), for notices such as the four-eyes request. */
  adminsOn(channel: string): string[] {
    return adminsOn(this.o.configAdmins, channel, this.o.store.allRoles());
  }

  contacts(): ContactRecord[] {
    return this.admin.contacts();
  }

  contact(id: string): ContactRecord | undefined {
    return this.admin.contact(id);
  }

  /** Ids of the routing rules (active or not) that send to this contact. */
  rulesUsing(contactId: string): string[] {
    return this.admin
      .rules()
      .filter((r) => contactsOfRule(r.definition).includes(contactId))
      .map((r) => r.id);
  }

  /** True when the four-eyes rule applies to a change from `before` to `after`. */
  needsApproval(actor: AdminActor, before: ContactData | null, after: ContactData): boolean {
    if (!this.o.changeApproval || actor.kind === "shell") return false;
    return NATIONAL_ROLES.has(after.role) || (before !== null && NATIONAL_ROLES.has(before.role));
  }

  /**
   * Applies changes to some fields of a contact, as a new version. `expectedVersion` is the version the admin
   * was shown: if someone changed the contact since, nothing is written and the current contact is returned.
   */
  updateContact(
    actor: AdminActor,
    id: string,
    changes: Partial<ContactData>,
    at: string,
    options: { expectedVersion?: number; reason?: string } = {},
  ): ChangeOutcome {
    if (!this.authorize(actor, "contact.update", id, at, { fields: Object.keys(changes) })) {
      return { status: "denied" };
    }
    const current = this.admin.contact(id);
    if (!current) return { status: "notFound" };
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      return { status: "conflict", contact: current };
    }
    const checked = validateContactData({ ...current.data, ...changes });
    if (!checked.ok) return { status: "invalid", issues: checked.issues };
    const fields = changedFields(current.data, checked.data);
    if (fields.length === 0) return { status: "unchanged", contact: current };
    if (this.needsApproval(actor, current.data, checked.data)) {
      return this.propose(actor, id, current.version, checked.data, fields, at, current);
    }
    return this.write(actorId(actor), current, checked.data, at, options.reason ?? null, "contact.update");
  }

  /** Creates a contact (version 1). */
  createContact(actor: AdminActor, id: string, data: unknown, at: string): ChangeOutcome {
    if (!this.authorize(actor, "contact.create", id, at)) return { status: "denied" };
    if (!CONTACT_ID.test(id)) {
      return { status: "invalid", issues: [{ path: ["id"], reason: { key: "admin:error.badId" } }] };
    }
    if (this.admin.contact(id)) return { status: "exists" };
    const checked = validateContactData(data);
    if (!checked.ok) return { status: "invalid", issues: checked.issues };
    if (this.needsApproval(actor, null, checked.data)) {
      return this.propose(actor, id, 0, checked.data, Object.keys(checked.data), at, null);
    }
    this.admin.insertContact(id, checked.data, actorId(actor), at, null);
    this.o.store.audit(at, actorId(actor), "contact.create", id, "ok", { after: checked.data });
    const contact = this.admin.contact(id) as ContactRecord;
    return { status: "saved", contact, before: null, fields: Object.keys(checked.data) };
  }

  /** Marks a contact verified on `date` (YYYY-MM-DD), optionally naming the source it was checked against. */
  markVerified(
    actor: AdminActor,
    id: string,
    date: string,
    at: string,
    expectedVersion?: number,
  ): ChangeOutcome {
    return this.updateContact(
      actor,
      id,
      { lastVerified: date },
      at,
      expectedVersion === undefined ? { reason: "verified" } : { expectedVersion, reason: "verified" },
    );
  }

  /**
   * Deletes a contact nothing refers to. One used by routing rules, or that tickets were routed to, is refused
   * (deactivate it instead): the rules would route nowhere and the old tickets would lose whom they went to.
   */
  deleteContact(actor: AdminActor, id: string, at: string): ChangeOutcome {
    if (!this.authorize(actor, "contact.delete", id, at)) return { status: "denied" };
    const current = this.admin.contact(id);
    if (!current) return { status: "notFound" };
    const rules = this.rulesUsing(id);
    const tickets = this.admin.ticketsRoutedTo(id);
    if (rules.length > 0 || tickets > 0) {
      this.o.store.audit(at, actorId(actor), "contact.delete", id, "error", { rules, tickets });
      return { status: "inUse", rules, tickets };
    }
    // Removing a national body is as weighty as changing it: the second admin applies to deletion too.
    if (this.needsApproval(actor, current.data, { ...current.data, active: false })) {
      this.o.store.audit(at, actorId(actor), "contact.delete", id, "denied", { reason: "approval" });
      return { status: "needsApproval" };
    }
    this.admin.deleteContact(id);
    this.o.store.audit(at, actorId(actor), "contact.delete", id, "ok", { before: current.data });
    return { status: "deleted", before: current.data };
  }

  /** Changes waiting for a second admin. */
  pendingChanges(): PendingChange[] {
    return this.admin.openPending();
  }

  /** A second admin (not the one who proposed it) approves a pending change; it takes effect now. */
  approve(actor: AdminActor, changeId: number, at: string): DecisionOutcome {
    if (!this.authorize(actor, "contact.approve", String(changeId), at)) return { status: "denied" };
    const change = this.admin.pending(changeId);
    if (change?.status !== "pending") return { status: "notFound" };
    if (change.proposedBy === actorId(actor)) {
      this.o.store.audit(at, actorId(actor), "contact.approve", change.contactId, "denied", {
        change: changeId,
        reason: "own change",
      });
      return { status: "ownChange" };
    }
    const current = this.admin.contact(change.contactId);
    if ((current?.version ?? 0) !== change.baseVersion) {
      // The contact moved since the proposal: approving would silently undo the other change.
      this.admin.decidePending(changeId, "superseded", actorId(actor), at);
      this.o.store.audit(at, actorId(actor), "contact.approve", change.contactId, "error", {
        change: changeId,
        reason: "superseded",
      });
      return { status: "superseded", change };
    }
    this.admin.decidePending(changeId, "approved", actorId(actor), at);
    const reason = `approved by ${actorId(actor)} (change #${changeId})`;
    let outcome: ChangeOutcome;
    if (current) {
      outcome = this.write(change.proposedBy, current, change.data, at, reason, "contact.update", {
        approvedBy: actorId(actor),
        change: changeId,
      });
    } else {
      this.admin.insertContact(change.contactId, change.data, change.proposedBy, at, reason);
      this.o.store.audit(at, change.proposedBy, "contact.create", change.contactId, "ok", {
        after: change.data,
        approvedBy: actorId(actor),
        change: changeId,
      });
      const contact = this.admin.contact(change.contactId) as ContactRecord;
      outcome = { status: "saved", contact, before: null, fields: Object.keys(change.data) };
    }
    this.o.store.audit(at, actorId(actor), "contact.approve", change.contactId, "ok", { change: changeId });
    return { status: "approved", change, outcome };
  }

  /** An admin rejects a pending change (the proposer may withdraw their own). */
  reject(actor: AdminActor, changeId: number, at: string): DecisionOutcome {
    if (!this.authorize(actor, "contact.reject", String(changeId), at)) return { status: "denied" };
    const change = this.admin.pending(changeId);
    if (change?.status !== "pending") return { status: "notFound" };
    this.admin.decidePending(changeId, "rejected", actorId(actor), at);
    this.o.store.audit(at, actorId(actor), "contact.reject", change.contactId, "ok", { change: changeId });
    return { status: "rejected", change };
  }

  /** Grants a role; a duty role names the contact it acts for. */
  grant(
    actor: AdminActor,
    channel: string,
    userId: string,
    role: string,
    contactId: string,
    at: string,
  ): RoleOutcome {
    return this.role("grant", actor, channel, userId, role, contactId, at);
  }

  revoke(
    actor: AdminActor,
    channel: string,
    userId: string,
    role: string,
    contactId: string,
    at: string,
  ): RoleOutcome {
    return this.role("revoke", actor, channel, userId, role, contactId, at);
  }

  private role(
    op: "grant" | "revoke",
    actor: AdminActor,
    channel: string,
    userId: string,
    role: string,
    contactId: string,
    at: string,
  ): RoleOutcome {
    const subject = `${channel}:${userId}`;
    if (!this.authorize(actor, `role.${op}`, subject, at, { role: role.slice(0, 20) }))
      return { status: "denied" };
    if (!["admin", "duty", "reporter", "lead"].includes(role)) return { status: "badRole" };
    const known = this.admin.contacts().map((c) => c.id);
    // Duty and lead (who edits the unit's on-call roster) are each for one unit.
    const perUnit = role === "duty" || role === "lead";
    if (perUnit && !known.includes(contactId)) return { status: "badContact", known };
    const contact = perUnit ? contactId : "";
    // An admin taking away their own admin role by mistake would lock themselves out mid-conversation.
    if (op === "revoke" && role === "admin" && actor.kind === "chat" && subject === actorId(actor)) {
      return { status: "self" };
    }
    const changed =
      op === "grant"
        ? this.o.store.grantRole(channel, userId, role as Role, contact, actorId(actor), at)
        : this.o.store.revokeRole(channel, userId, role as Role, contact);
    if (!changed) return { status: "unchanged" };
    this.o.store.audit(at, actorId(actor), `role.${op}`, subject, "ok", { role, contactId: contact });
    return { status: op === "grant" ? "granted" : "revoked" };
  }

  /** Delivers a contact's tickets to a chat from now on; checked and audited like every admin change. */
  bindChat(actor: AdminActor, contactId: string, channel: string, chatId: string, at: string): BindOutcome {
    const subject = `${channel}:${chatId}`;
    if (!this.authorize(actor, "duty.bind", subject, at, { contactId: contactId.slice(0, 40) }))
      return { status: "denied" };
    if (!this.o.store.contact(contactId)) {
      return { status: "unknownContact", known: this.o.store.contacts().map((c) => c.id) };
    }
    const added = this.o.store.bindChat(contactId, channel, chatId, actorId(actor), at);
    if (added) this.o.store.audit(at, actorId(actor), "duty.bind", subject, "ok", { contactId });
    return { status: added ? "bound" : "already" };
  }

  /** Stops delivering a contact's tickets to a chat. */
  unbindChat(actor: AdminActor, contactId: string, channel: string, chatId: string, at: string): BindOutcome {
    const subject = `${channel}:${chatId}`;
    if (!this.authorize(actor, "duty.unbind", subject, at, { contactId: contactId.slice(0, 40) }))
      return { status: "denied" };
    const removed = this.o.store.unbindChat(contactId, channel, chatId);
    if (removed) this.o.store.audit(at, actorId(actor), "duty.unbind", subject, "ok", { contactId });
    return { status: removed ? "unbound" : "notBound" };
  }

  /** Active contacts last verified longer ago than the configured time, oldest first. */
  staleContacts(now: Date): ContactRecord[] {
    const limit = now.getTime() - this.o.staleMs;
    return this.admin
      .contacts()
      .filter((c) => c.data.active && Date.parse(`${c.data.lastVerified}T00:00:00Z`) < limit)
      .sort((a, b) => a.data.lastVerified.localeCompare(b.data.lastVerified));
  }

  private propose(
    actor: AdminActor,
    id: string,
    baseVersion: number,
    data: ContactData,
    fields: string[],
    at: string,
    current: ContactRecord | null,
  ): ChangeOutcome {
    const changeId = this.admin.addPending(id, baseVersion, data, actorId(actor), at);
    this.o.store.audit(at, actorId(actor), "contact.propose", id, "ok", {
      change: changeId,
      fields,
      ...(current ? { before: pick(current.data, fields), after: pick(data, fields) } : { after: data }),
    });
    return { status: "pending", changeId, contact: current, fields };
  }

  /** Writes the next version and its audit entry (who, when, before and after of each changed field). */
  private write(
    by: string,
    current: ContactRecord,
    data: ContactData,
    at: string,
    reason: string | null,
    action: string,
    extra: object = {},
  ): ChangeOutcome {
    const fields = changedFields(current.data, data);
    const version = this.admin.updateContact(current.id, current.version, data, by, at, reason);
    if (version === undefined) {
      return { status: "conflict", contact: this.admin.contact(current.id) as ContactRecord };
    }
    this.o.store.audit(at, by, action, current.id, "ok", {
      version,
      fields,
      before: pick(current.data, fields),
      after: pick(data, fields),
      ...extra,
    });
    return {
      status: "saved",
      contact: this.admin.contact(current.id) as ContactRecord,
      before: current.data,
      fields,
    };
  }
}

function pick(data: ContactData, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, (data as Record<string, unknown>)[f]]));
}
