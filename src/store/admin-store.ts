import type Database from "better-sqlite3";
import { SqliteAudit } from "./repos/audit.ts";
import { SqliteContacts } from "./repos/contacts.ts";
import { SqliteIncidents } from "./repos/incidents.ts";
import type { AuditRepo, ContactsRepo, IncidentsRepo, RulesRepo } from "./repos/interfaces.ts";
import { SqliteRules } from "./repos/rules.ts";
import type { ContactRecord } from "./types.ts";

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
  insertContact(...a: Parameters<ContactsRepo["insertContact"]>) {
    return this.directory.insertContact(...a);
  }
  updateContact(...a: Parameters<ContactsRepo["updateContact"]>) {
    return this.directory.updateContact(...a);
  }
  deleteContact(...a: Parameters<ContactsRepo["deleteContact"]>) {
    return this.directory.deleteContact(...a);
  }
  contactVersion(...a: Parameters<ContactsRepo["contactVersion"]>) {
    return this.directory.contactVersion(...a);
  }
  history(...a: Parameters<ContactsRepo["history"]>) {
    return this.directory.history(...a);
  }
  ticketsRoutedTo(...a: Parameters<IncidentsRepo["ticketsRoutedTo"]>) {
    return this.incidents.ticketsRoutedTo(...a);
  }
  bindings(): Array<{ contactId: string; channel: string; chatId: string }> {
    return this.directory.bindings();
  }
  rules() {
    return this.rulesRepo.rules();
  }
  insertRule(...a: Parameters<RulesRepo["insertRule"]>) {
    return this.rulesRepo.insertRule(...a);
  }
  updateRule(...a: Parameters<RulesRepo["updateRule"]>) {
    return this.rulesRepo.updateRule(...a);
  }
  ruleVersions(
    id: string,
  ): Array<{ version: number; definition: unknown; active: boolean; changedBy: string }> {
    return this.rulesRepo.ruleVersions(id);
  }
  latestAudit(...a: Parameters<AuditRepo["latestAudit"]>) {
    return this.auditLog.latestAudit(...a);
  }
  allAudit() {
    return this.auditLog.allAudit();
  }
  addPending(...a: Parameters<ContactsRepo["addPending"]>) {
    return this.directory.addPending(...a);
  }
  pending(...a: Parameters<ContactsRepo["pending"]>) {
    return this.directory.pending(...a);
  }
  openPending() {
    return this.directory.openPending();
  }
  decidePending(...a: Parameters<ContactsRepo["decidePending"]>) {
    return this.directory.decidePending(...a);
  }
}
