import type Database from "better-sqlite3";
import { SqliteAudit } from "./repos/audit.ts";
import { SqliteContacts } from "./repos/contacts.ts";
import { SqliteConversations } from "./repos/conversations.ts";
import { SqliteDigests } from "./repos/digests.ts";
import { SqliteDuty } from "./repos/duty.ts";
import { SqliteEvidence } from "./repos/evidence.ts";
import { SqliteIncidents } from "./repos/incidents.ts";
import type {
  AuditRepo,
  ContactsRepo,
  ConversationsRepo,
  DutyRepo,
  IncidentsRepo,
  JobsRepo,
  OutboxRepo,
  ProcessedUpdatesRepo,
  RetentionRepo,
  RulesRepo,
  Transactions,
  UsersRepo,
} from "./repos/interfaces.ts";
import { SqliteJobs } from "./repos/jobs.ts";
import { SqliteOutbox } from "./repos/outbox.ts";
import { SqliteProcessedUpdates } from "./repos/processed.ts";
import { SqliteRetention } from "./repos/retention.ts";
import { SqliteRules } from "./repos/rules.ts";
import { SqliteUsers } from "./repos/users.ts";
import { SqliteTransactions } from "./tx.ts";
import type { IncidentRow, JobRow, Role } from "./types.ts";

export { SENT_MARK_DELAY_MS } from "./tx.ts";
export type * from "./types.ts";

/**
 * The storage the rest of the program holds: the transaction boundary and one repository per aggregate, over
 * one database. New code may use the repositories directly (`store.incidents.incidentById(…)`); the methods
 * below delegate to them one to one, so the callers written before the split keep working unchanged.
 * Only the repositories speak SQL (see repos/interfaces.ts for what a second backend would implement). The
 * fields are typed by those interfaces: another backend changes only how they are built here, and `db`, which
 * tests and the SQLite-only tools (backup, checkpoints) still use, would then be optional.
 */
export class Store {
  readonly tx: Transactions;
  readonly updates: ProcessedUpdatesRepo;
  readonly users: UsersRepo;
  readonly conversations: ConversationsRepo;
  readonly incidents: IncidentsRepo;
  readonly outbox: OutboxRepo;
  readonly jobs: JobsRepo;
  /** Contacts, their versions, duty bindings and roles (`contacts()` is the list of contacts). */
  readonly directory: ContactsRepo;
  readonly rules: RulesRepo;
  readonly duty: DutyRepo;
  readonly auditLog: AuditRepo;
  /** Storm digests of duty chats, chat load, related-report keys. */
  readonly digests: SqliteDigests;
  /** The files reporters attached, downloaded and hashed after the commit (src/evidence/). */
  readonly evidence: SqliteEvidence;
  /** What the retention purge reads and removes (src/retention/). */
  readonly retention: RetentionRepo;

  constructor(readonly db: Database.Database) {
    this.tx = new SqliteTransactions(db);
    this.updates = new SqliteProcessedUpdates(db);
    this.users = new SqliteUsers(db);
    this.conversations = new SqliteConversations(db);
    this.incidents = new SqliteIncidents(db);
    this.outbox = new SqliteOutbox(db, this.tx);
    this.jobs = new SqliteJobs(db);
    this.directory = new SqliteContacts(db);
    this.rules = new SqliteRules(db);
    this.duty = new SqliteDuty(db, this.tx);
    this.auditLog = new SqliteAudit(db);
    this.digests = new SqliteDigests(db, this.tx);
    this.evidence = new SqliteEvidence(db);
    this.retention = new SqliteRetention(db);
  }

  // ── transactions (tx.ts) ──
  transaction<T>(fn: () => T): T {
    return this.tx.transaction(fn);
  }
  flushSentMarks() {
    return this.tx.flushSentMarks();
  }
  /** Throws if the database does not answer (health checks). */
  ping() {
    return this.tx.ping();
  }

  // ── processed updates ──
  markProcessed(...a: Parameters<ProcessedUpdatesRepo["markProcessed"]>) {
    return this.updates.markProcessed(...a);
  }
  pruneProcessed(...a: Parameters<ProcessedUpdatesRepo["pruneProcessed"]>) {
    return this.updates.pruneProcessed(...a);
  }

  // ── users and profiles ──
  ensureUser(...a: Parameters<UsersRepo["ensureUser"]>) {
    return this.users.ensureUser(...a);
  }
  knownUserLocale(...a: Parameters<UsersRepo["knownUserLocale"]>) {
    return this.users.knownUserLocale(...a);
  }
  userLocale(channel: string, userId: string): string | null {
    return this.users.knownUserLocale(channel, userId) ?? null;
  }
  setUserLocale(...a: Parameters<UsersRepo["setUserLocale"]>) {
    return this.users.setUserLocale(...a);
  }
  setDisplayName(...a: Parameters<UsersRepo["setDisplayName"]>) {
    return this.users.setDisplayName(...a);
  }
  displayName(...a: Parameters<UsersRepo["displayName"]>) {
    return this.users.displayName(...a);
  }
  profile(...a: Parameters<UsersRepo["profile"]>) {
    return this.users.profile(...a);
  }
  saveProfile(...a: Parameters<UsersRepo["saveProfile"]>) {
    return this.users.saveProfile(...a);
  }

  // ── conversations ──
  conversation(...a: Parameters<ConversationsRepo["conversation"]>) {
    return this.conversations.conversation(...a);
  }
  conversationJson(...a: Parameters<ConversationsRepo["conversationJson"]>) {
    return this.conversations.conversationJson(...a);
  }
  saveConversation(...a: Parameters<ConversationsRepo["saveConversation"]>) {
    return this.conversations.saveConversation(...a);
  }
  saveConversationJson(...a: Parameters<ConversationsRepo["saveConversationJson"]>) {
    return this.conversations.saveConversationJson(...a);
  }

  // ── incidents, tickets, timeline ──
  nextTicketNumber(...a: Parameters<IncidentsRepo["nextTicketNumber"]>) {
    return this.incidents.nextTicketNumber(...a);
  }
  insertIncident(row: Omit<IncidentRow, "id" | "updatedAt">): { row: IncidentRow; created: boolean } {
    return this.incidents.insertIncident(row);
  }
  incidentBySubmission(...a: Parameters<IncidentsRepo["incidentBySubmission"]>) {
    return this.incidents.incidentBySubmission(...a);
  }
  incidentById(...a: Parameters<IncidentsRepo["incidentById"]>) {
    return this.incidents.incidentById(...a);
  }
  incidentByTicket(...a: Parameters<IncidentsRepo["incidentByTicket"]>) {
    return this.incidents.incidentByTicket(...a);
  }
  incidentsByReporter(...a: Parameters<IncidentsRepo["incidentsByReporter"]>) {
    return this.incidents.incidentsByReporter(...a);
  }
  openTicketsOf(...a: Parameters<IncidentsRepo["openTicketsOf"]>) {
    return this.incidents.openTicketsOf(...a);
  }
  addTimeline(incidentId: number, at: string, actor: string, action: string, details: object = {}): void {
    this.incidents.addTimeline(incidentId, at, actor, action, details);
  }
  timeline(...a: Parameters<IncidentsRepo["timeline"]>) {
    return this.incidents.timeline(...a);
  }
  saveRouting(...a: Parameters<IncidentsRepo["saveRouting"]>) {
    return this.incidents.saveRouting(...a);
  }
  /** Saves a ticket's lifecycle state; `version` is the ticket flow's, checked again on load. */
  saveTicket(...a: Parameters<IncidentsRepo["saveTicket"]>) {
    return this.incidents.saveTicket(...a);
  }
  ticketState(...a: Parameters<IncidentsRepo["ticketState"]>) {
    return this.incidents.ticketState(...a);
  }

  // ── audit ──
  audit(...a: Parameters<AuditRepo["audit"]>) {
    return this.auditLog.audit(...a);
  }

  // ── outbox ──
  enqueue(...a: Parameters<OutboxRepo["enqueue"]>) {
    return this.outbox.enqueue(...a);
  }
  duePending(...a: Parameters<OutboxRepo["duePending"]>) {
    return this.outbox.duePending(...a);
  }
  pendingForChat(...a: Parameters<OutboxRepo["pendingForChat"]>) {
    return this.outbox.pendingForChat(...a);
  }
  outboxRow(...a: Parameters<OutboxRepo["outboxRow"]>) {
    return this.outbox.outboxRow(...a);
  }
  markSent(...a: Parameters<OutboxRepo["markSent"]>) {
    return this.outbox.markSent(...a);
  }
  markRetry(...a: Parameters<OutboxRepo["markRetry"]>) {
    return this.outbox.markRetry(...a);
  }
  markDead(...a: Parameters<OutboxRepo["markDead"]>) {
    return this.outbox.markDead(...a);
  }
  replacePending(...a: Parameters<OutboxRepo["replacePending"]>) {
    return this.outbox.replacePending(...a);
  }

  // ── jobs ──
  scheduleJob(...a: Parameters<JobsRepo["scheduleJob"]>) {
    return this.jobs.scheduleJob(...a);
  }
  cancelJob(...a: Parameters<JobsRepo["cancelJob"]>) {
    return this.jobs.cancelJob(...a);
  }
  jobState(jobKey: string): { kind: string; dueAt: string; status: string } | undefined {
    return this.jobs.jobState(jobKey);
  }
  job(jobKey: string): (JobRow & { status: string }) | undefined {
    return this.jobs.job(jobKey);
  }
  dueJobs(...a: Parameters<JobsRepo["dueJobs"]>) {
    return this.jobs.dueJobs(...a);
  }
  finishJob(...a: Parameters<JobsRepo["finishJob"]>) {
    return this.jobs.finishJob(...a);
  }

  // ── contacts, roles, bindings, rules ──
  contacts() {
    return this.directory.contacts();
  }
  contact(...a: Parameters<ContactsRepo["contact"]>) {
    return this.directory.contact(...a);
  }
  grantRole(...a: Parameters<ContactsRepo["grantRole"]>) {
    return this.directory.grantRole(...a);
  }
  revokeRole(...a: Parameters<ContactsRepo["revokeRole"]>) {
    return this.directory.revokeRole(...a);
  }
  rolesOf(channel: string, userId: string): Array<{ role: Role; contactId: string }> {
    return this.directory.rolesOf(channel, userId);
  }
  allRoles() {
    return this.directory.allRoles();
  }
  bindChat(...a: Parameters<ContactsRepo["bindChat"]>) {
    return this.directory.bindChat(...a);
  }
  unbindChat(...a: Parameters<ContactsRepo["unbindChat"]>) {
    return this.directory.unbindChat(...a);
  }
  bindingsOf(contactId: string): Array<{ channel: string; chatId: string }> {
    return this.directory.bindingsOf(contactId);
  }
  contactsOfChat(...a: Parameters<ContactsRepo["contactsOfChat"]>) {
    return this.directory.contactsOfChat(...a);
  }
  routingRules() {
    return this.rules.routingRules();
  }

  // ── duty posts and prompts ──
  addDutyPost(...a: Parameters<DutyRepo["addDutyPost"]>) {
    return this.duty.addDutyPost(...a);
  }
  dutyPosts(...a: Parameters<DutyRepo["dutyPosts"]>) {
    return this.duty.dutyPosts(...a);
  }
  addPrompt(...a: Parameters<DutyRepo["addPrompt"]>) {
    return this.duty.addPrompt(...a);
  }
  promptByMessage(...a: Parameters<DutyRepo["promptByMessage"]>) {
    return this.duty.promptByMessage(...a);
  }
  answerPrompt(...a: Parameters<DutyRepo["answerPrompt"]>) {
    return this.duty.answerPrompt(...a);
  }
  dutyPostByMessage(
    channel: string,
    chatId: string,
    messageId: number,
  ): { incidentId: number; contactId: string } | undefined {
    return this.duty.dutyPostByMessage(channel, chatId, messageId);
  }
}
