import type Database from "better-sqlite3";
import type { Contact } from "../domain/contacts.ts";
import type { RoutingRule } from "../domain/routing.ts";
import { SqliteAudit } from "./repos/audit.ts";
import { SqliteContacts } from "./repos/contacts.ts";
import { SqliteConversations } from "./repos/conversations.ts";
import { SqliteDuty } from "./repos/duty.ts";
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
  RulesRepo,
  Transactions,
  UsersRepo,
} from "./repos/interfaces.ts";
import { SqliteJobs } from "./repos/jobs.ts";
import { SqliteOutbox } from "./repos/outbox.ts";
import { SqliteProcessedUpdates } from "./repos/processed.ts";
import { SqliteRules } from "./repos/rules.ts";
import { SqliteUsers } from "./repos/users.ts";
import { SqliteTransactions } from "./tx.ts";
import type {
  ConversationRow,
  DutyPost,
  IncidentRow,
  JobRow,
  OutboxRow,
  PromptRow,
  Role,
  RoleGrant,
  StackEntry,
  StoredRouting,
  TicketState,
  TimelineEntry,
} from "./types.ts";

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
  }

  // ── transactions (tx.ts) ──
  transaction<T>(fn: () => T): T {
    return this.tx.transaction(fn);
  }
  flushSentMarks(): void {
    this.tx.flushSentMarks();
  }
  /** Throws if the database does not answer (health checks). */
  ping(): void {
    this.tx.ping();
  }

  // ── processed updates ──
  markProcessed(channel: string, key: string, at: string): boolean {
    return this.updates.markProcessed(channel, key, at);
  }
  pruneProcessed(before: string): number {
    return this.updates.pruneProcessed(before);
  }

  // ── users and profiles ──
  ensureUser(channel: string, userId: string, at: string): void {
    this.users.ensureUser(channel, userId, at);
  }
  knownUserLocale(channel: string, userId: string): string | null | undefined {
    return this.users.knownUserLocale(channel, userId);
  }
  userLocale(channel: string, userId: string): string | null {
    return this.users.knownUserLocale(channel, userId) ?? null;
  }
  setUserLocale(channel: string, userId: string, locale: string): void {
    this.users.setUserLocale(channel, userId, locale);
  }
  setDisplayName(channel: string, userId: string, name: string): void {
    this.users.setDisplayName(channel, userId, name);
  }
  displayName(channel: string, userId: string): string | null {
    return this.users.displayName(channel, userId);
  }
  profile(channel: string, userId: string): Record<string, unknown> | undefined {
    return this.users.profile(channel, userId);
  }
  saveProfile(channel: string, userId: string, data: Record<string, unknown>, at: string): void {
    this.users.saveProfile(channel, userId, data, at);
  }

  // ── conversations ──
  conversation(channel: string, chatId: string): ConversationRow | undefined {
    return this.conversations.conversation(channel, chatId);
  }
  conversationJson(channel: string, chatId: string): string | undefined {
    return this.conversations.conversationJson(channel, chatId);
  }
  saveConversation(channel: string, chatId: string, userId: string, stack: StackEntry[], at: string): void {
    this.conversations.saveConversation(channel, chatId, userId, stack, at);
  }
  saveConversationJson(
    channel: string,
    chatId: string,
    userId: string,
    stack: string | undefined,
    at: string,
  ): void {
    this.conversations.saveConversationJson(channel, chatId, userId, stack, at);
  }

  // ── incidents, tickets, timeline ──
  nextTicketNumber(year: number): number {
    return this.incidents.nextTicketNumber(year);
  }
  insertIncident(row: Omit<IncidentRow, "id" | "updatedAt">): { row: IncidentRow; created: boolean } {
    return this.incidents.insertIncident(row);
  }
  incidentBySubmission(key: string): IncidentRow | undefined {
    return this.incidents.incidentBySubmission(key);
  }
  incidentById(id: number): IncidentRow | undefined {
    return this.incidents.incidentById(id);
  }
  incidentByTicket(ticketId: string): IncidentRow | undefined {
    return this.incidents.incidentByTicket(ticketId);
  }
  incidentsByReporter(channel: string, userId: string, limit = 10): IncidentRow[] {
    return this.incidents.incidentsByReporter(channel, userId, limit);
  }
  openTicketsOf(contactIds: readonly string[]): IncidentRow[] {
    return this.incidents.openTicketsOf(contactIds);
  }
  addTimeline(incidentId: number, at: string, actor: string, action: string, details: object = {}): void {
    this.incidents.addTimeline(incidentId, at, actor, action, details);
  }
  timeline(incidentId: number): TimelineEntry[] {
    return this.incidents.timeline(incidentId);
  }
  saveRouting(incidentId: number, routing: StoredRouting, at: string): void {
    this.incidents.saveRouting(incidentId, routing, at);
  }
  /** Saves a ticket's lifecycle state; `version` is the ticket flow's, checked again on load. */
  saveTicket(
    incidentId: number,
    status: string,
    snapshot: unknown,
    assignee: string | null,
    at: string,
    version: number,
  ): void {
    this.incidents.saveTicket(incidentId, status, snapshot, assignee, at, version);
  }
  ticketState(incidentId: number): TicketState {
    return this.incidents.ticketState(incidentId);
  }

  // ── audit ──
  audit(
    at: string,
    actor: string,
    action: string,
    subject: string,
    outcome: "ok" | "denied" | "error",
    details: object,
  ): void {
    this.auditLog.audit(at, actor, action, subject, outcome, details);
  }

  // ── outbox ──
  enqueue(
    key: string | null,
    channel: string,
    chatId: string,
    payload: unknown,
    at: string,
  ): number | undefined {
    return this.outbox.enqueue(key, channel, chatId, payload, at);
  }
  duePending(channel: string, now: string, limit = 100): OutboxRow[] {
    return this.outbox.duePending(channel, now, limit);
  }
  pendingForChat(channel: string, chatId: string): OutboxRow[] {
    return this.outbox.pendingForChat(channel, chatId);
  }
  outboxRow(id: number): OutboxRow | undefined {
    return this.outbox.outboxRow(id);
  }
  markSent(id: number, at: string, result: unknown = null): void {
    this.outbox.markSent(id, at, result);
  }
  markRetry(id: number, nextAttemptAt: string, error: string): void {
    this.outbox.markRetry(id, nextAttemptAt, error);
  }
  markDead(id: number, error: string): void {
    this.outbox.markDead(id, error);
  }
  replacePending(key: string, payload: unknown): boolean {
    return this.outbox.replacePending(key, payload);
  }

  // ── jobs ──
  scheduleJob(jobKey: string, kind: string, dueAt: string, payload: object, at: string): void {
    this.jobs.scheduleJob(jobKey, kind, dueAt, payload, at);
  }
  cancelJob(jobKey: string): void {
    this.jobs.cancelJob(jobKey);
  }
  jobState(jobKey: string): { kind: string; dueAt: string; status: string } | undefined {
    return this.jobs.jobState(jobKey);
  }
  job(jobKey: string): (JobRow & { status: string }) | undefined {
    return this.jobs.job(jobKey);
  }
  dueJobs(now: string, limit = 50): JobRow[] {
    return this.jobs.dueJobs(now, limit);
  }
  finishJob(id: number, dueAt?: string): boolean {
    return this.jobs.finishJob(id, dueAt);
  }

  // ── contacts, roles, bindings, rules ──
  contacts(): Contact[] {
    return this.directory.contacts();
  }
  contact(id: string): Contact | undefined {
    return this.directory.contact(id);
  }
  grantRole(channel: string, userId: string, role: Role, contactId: string, by: string, at: string): boolean {
    return this.directory.grantRole(channel, userId, role, contactId, by, at);
  }
  revokeRole(channel: string, userId: string, role: Role, contactId: string): boolean {
    return this.directory.revokeRole(channel, userId, role, contactId);
  }
  rolesOf(channel: string, userId: string): Array<{ role: Role; contactId: string }> {
    return this.directory.rolesOf(channel, userId);
  }
  allRoles(): RoleGrant[] {
    return this.directory.allRoles();
  }
  bindChat(contactId: string, channel: string, chatId: string, by: string, at: string): boolean {
    return this.directory.bindChat(contactId, channel, chatId, by, at);
  }
  unbindChat(contactId: string, channel: string, chatId: string): boolean {
    return this.directory.unbindChat(contactId, channel, chatId);
  }
  bindingsOf(contactId: string): Array<{ channel: string; chatId: string }> {
    return this.directory.bindingsOf(contactId);
  }
  contactsOfChat(channel: string, chatId: string): string[] {
    return this.directory.contactsOfChat(channel, chatId);
  }
  routingRules(): RoutingRule[] {
    return this.rules.routingRules();
  }

  // ── duty posts and prompts ──
  addDutyPost(
    incidentId: number,
    contactId: string,
    channel: string,
    chatId: string,
    outboxKey: string,
    at: string,
  ): void {
    this.duty.addDutyPost(incidentId, contactId, channel, chatId, outboxKey, at);
  }
  dutyPosts(incidentId: number): DutyPost[] {
    return this.duty.dutyPosts(incidentId);
  }
  addPrompt(prompt: Omit<PromptRow, "id">, at: string): void {
    this.duty.addPrompt(prompt, at);
  }
  promptByMessage(channel: string, chatId: string, messageId: number): PromptRow | undefined {
    return this.duty.promptByMessage(channel, chatId, messageId);
  }
  answerPrompt(id: number, at: string): boolean {
    return this.duty.answerPrompt(id, at);
  }
  dutyPostByMessage(
    channel: string,
    chatId: string,
    messageId: number,
  ): { incidentId: number; contactId: string } | undefined {
    return this.duty.dutyPostByMessage(channel, chatId, messageId);
  }
}
