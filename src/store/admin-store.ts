import type Database from "better-sqlite3";
import type { ContactData } from "../domain/contacts.ts";
import { SqliteAudit } from "./repos/audit.ts";
import { SqliteContacts } from "./repos/contacts.ts";
import { SqliteIncidents } from "./repos/incidents.ts";
import type { AuditRepo, ContactsRepo, IncidentsRepo, RulesRepo } from "./repos/interfaces.ts";
import { SqliteRules } from "./repos/rules.ts";
import type { AuditRecord, ContactRecord, ContactVersionRecord, PendingChange, RuleRecord } from "./types.ts";

export type { AuditRecord, ContactRecord, ContactVersionRecord, PendingChange, RuleRecord } from "./types.ts";

/**
 * What the contact administration reads and writes (versions, rules with history, audit reads, pending changes),
 * as one-line delegations to the same repositories `Store` uses: kept as its own facade so the administration
 * can grow without touching the hot path.
 */
export class AdminStore {
  readonly directory: ContactsRepo;
  readonly rulesRepo: RulesRepo;
  readonly auditLog: AuditRepo;
  private readonly incidents: IncidentsRepo;

  constructor(readonly db: Database.Database) {
    this.directory = new SqliteContacts(db);
    this.rulesRepo = new SqliteRules(db);
    this.auditLog = new SqliteAudit(db);
    this.incidents = new SqliteIncidents(db);
  }

  contact(id: string): ContactRecord | undefined {
    return this.directory.contactRecord(id);
  }
  contacts(): ContactRecord[] {
    return this.directory.contactRecords();
  }
  insertContact(id: string, data: ContactData, by: string, at: string, reason: string | null): void {
    this.directory.insertContact(id, data, by, at, reason);
  }
  updateContact(
    id: string,
    expectedVersion: number,
    data: ContactData,
    by: string,
    at: string,
    reason: string | null,
  ): number | undefined {
    return this.directory.updateContact(id, expectedVersion, data, by, at, reason);
  }
  deleteContact(id: string): void {
    this.directory.deleteContact(id);
  }
  contactVersion(id: string, version: number): ContactVersionRecord | undefined {
    return this.directory.contactVersion(id, version);
  }
  history(id: string): ContactVersionRecord[] {
    return this.directory.history(id);
  }
  ticketsRoutedTo(id: string): number {
    return this.incidents.ticketsRoutedTo(id);
  }
  bindings(): Array<{ contactId: string; channel: string; chatId: string }> {
    return this.directory.bindings();
  }
  rules(): RuleRecord[] {
    return this.rulesRepo.rules();
  }
  insertRule(
    id: string,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): void {
    this.rulesRepo.insertRule(id, position, definition, active, by, at);
  }
  updateRule(
    id: string,
    expectedVersion: number,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): number | undefined {
    return this.rulesRepo.updateRule(id, expectedVersion, position, definition, active, by, at);
  }
  ruleVersions(
    id: string,
  ): Array<{ version: number; definition: unknown; active: boolean; changedBy: string }> {
    return this.rulesRepo.ruleVersions(id);
  }
  latestAudit(limit: number): AuditRecord[] {
    return this.auditLog.latestAudit(limit);
  }
  allAudit(): Generator<AuditRecord> {
    return this.auditLog.allAudit();
  }
  addPending(contactId: string, baseVersion: number, data: ContactData, by: string, at: string): number {
    return this.directory.addPending(contactId, baseVersion, data, by, at);
  }
  pending(id: number): PendingChange | undefined {
    return this.directory.pending(id);
  }
  openPending(): PendingChange[] {
    return this.directory.openPending();
  }
  decidePending(id: number, status: "approved" | "rejected" | "superseded", by: string, at: string): boolean {
    return this.directory.decidePending(id, status, by, at);
  }
}
