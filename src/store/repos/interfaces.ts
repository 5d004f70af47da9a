import type { Contact, ContactData } from "../../domain/contacts.ts";
import type { RoutingRule } from "../../domain/routing.ts";
import type {
  AuditRecord,
  ContactRecord,
  ContactVersionRecord,
  ConversationRow,
  DutyPost,
  IncidentRow,
  JobRow,
  OutboxRow,
  PendingChange,
  PromptRow,
  Role,
  RoleGrant,
  RuleRecord,
  StackEntry,
  StoredRouting,
  TicketState,
  TimelineEntry,
} from "../types.ts";

/*
 * The storage contract, one interface per aggregate. The engine, the desk and the flows see only these (through
 * `Store`), never SQL, so a second backend (PostgreSQL, for agencies that run two instances for availability)
 * is one more set of classes implementing them, beside the SQLite ones in this folder, plus its migrations.
 * What such a backend must provide beyond the method shapes:
 * - `Transactions.transaction` runs the function atomically with the write lock taken up front (SQLite's
 *   IMMEDIATE; SELECT … FOR UPDATE or SERIALIZABLE there), and everything the repositories do inside it is part
 *   of that one commit (invariant 1: an update's dedupe key, state and outbox rows commit together).
 * - The calls are synchronous, because a turn is one synchronous transaction on better-sqlite3. A network
 *   database would either run behind a synchronous driver or make these interfaces return promises: that
 *   change is mechanical at the call sites but is not made here, where nothing needs it yet.
 * - Idempotent inserts (dedupe keys, outbox keys, submission keys) keep their "insert once, report whether it
 *   was new" meaning, which the engine's crash-safety rests on.
 */

/** The transaction boundary and the outbox's group-committed sent marks (see tx.ts). */
export interface Transactions {
  readonly inTransaction: boolean;
  transaction<T>(fn: () => T): T;
  flushSentMarks(): void;
  /** Records a delivery (`result` as JSON text); outside a transaction it may wait for the next commit. */
  markSent(id: number, at: string, result: string): void;
  readonly waitingMarks: number;
  isMarkedSent(id: number): boolean;
  ping(): void;
}

/** Inbound update keys already handled (invariant 2). */
export interface ProcessedUpdatesRepo {
  markProcessed(channel: string, key: string, at: string): boolean;
  pruneProcessed(before: string): number;
}

/** People who wrote to the bot: locale, display name, reporter profile. */
export interface UsersRepo {
  ensureUser(channel: string, userId: string, at: string): void;
  knownUserLocale(channel: string, userId: string): string | null | undefined;
  setUserLocale(channel: string, userId: string, locale: string): void;
  setDisplayName(channel: string, userId: string, name: string): void;
  displayName(channel: string, userId: string): string | null;
  profile(channel: string, userId: string): Record<string, unknown> | undefined;
  saveProfile(channel: string, userId: string, data: Record<string, unknown>, at: string): void;
}

/** Each chat's flow stack. */
export interface ConversationsRepo {
  conversation(channel: string, chatId: string): ConversationRow | undefined;
  conversationJson(channel: string, chatId: string): string | undefined;
  saveConversation(channel: string, chatId: string, userId: string, stack: StackEntry[], at: string): void;
  saveConversationJson(
    channel: string,
    chatId: string,
    userId: string,
    stack: string | undefined,
    at: string,
  ): void;
}

/** Incidents with their ticket number, lifecycle state, routing and timeline. */
export interface IncidentsRepo {
  nextTicketNumber(year: number): number;
  insertIncident(row: Omit<IncidentRow, "id" | "updatedAt">): { row: IncidentRow; created: boolean };
  incidentBySubmission(key: string): IncidentRow | undefined;
  incidentById(id: number): IncidentRow | undefined;
  incidentByTicket(ticketId: string): IncidentRow | undefined;
  incidentsByReporter(channel: string, userId: string, limit?: number): IncidentRow[];
  openTicketsOf(contactIds: readonly string[]): IncidentRow[];
  ticketsRoutedTo(contactId: string): number;
  addTimeline(incidentId: number, at: string, actor: string, action: string, details?: object): void;
  timeline(incidentId: number): TimelineEntry[];
  saveRouting(incidentId: number, routing: StoredRouting, at: string): void;
  saveTicket(
    incidentId: number,
    status: string,
    snapshot: unknown,
    assignee: string | null,
    at: string,
    version: number,
  ): void;
  ticketState(incidentId: number): TicketState;
  /** How many tickets are in each status and severity now (metrics). */
  ticketCounts(): TicketCount[];
  /** Tickets created in [from, to) with when each was first taken in hand and first resolved (SLA figures). */
  ticketTimes(from: string, to: string): TicketTimes[];
}

export interface TicketCount {
  status: string;
  severity: number;
  count: number;
}

/** One ticket's response times as its timeline records them (null: not reached yet). */
export interface TicketTimes {
  status: string;
  severity: number;
  createdAt: string;
  detectedAt: string;
  /** The units the ticket is routed to (escalation adds to them). */
  contactIds: string[];
  /** First acknowledged, taken, asked about (which acknowledges) or resolved. */
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

/** Outbound messages (invariant 1: written in the turn's transaction, sent after commit). */
export interface OutboxRepo {
  enqueue(
    key: string | null,
    channel: string,
    chatId: string,
    payload: unknown,
    at: string,
  ): number | undefined;
  duePending(channel: string, now: string, limit?: number): OutboxRow[];
  pendingForChat(channel: string, chatId: string): OutboxRow[];
  outboxRow(id: number): OutboxRow | undefined;
  markSent(id: number, at: string, result?: unknown): void;
  markRetry(id: number, nextAttemptAt: string, error: string): void;
  markDead(id: number, error: string): void;
  replacePending(key: string, payload: unknown): boolean;
  /** Per channel, how many messages wait to be sent and when the oldest of them was queued (metrics). */
  backlog(): Array<{ channel: string; pending: number; oldestAt: string }>;
}

/** Scheduled jobs: reminders, SLA checks, draft expiry. */
export interface JobsRepo {
  scheduleJob(jobKey: string, kind: string, dueAt: string, payload: object, at: string): void;
  cancelJob(jobKey: string): void;
  jobState(jobKey: string): { kind: string; dueAt: string; status: string } | undefined;
  job(jobKey: string): (JobRow & { status: string }) | undefined;
  dueJobs(now: string, limit?: number): JobRow[];
  finishJob(id: number, dueAt?: string): boolean;
  /** Per kind, pending jobs due by `now`, and those of them due before `lateBefore` (metrics). */
  overdueJobs(now: string, lateBefore: string): Array<{ kind: string; due: number; late: number }>;
}

/** The contact directory: contacts with their versions and pending changes, duty bindings and roles. */
export interface ContactsRepo {
  contacts(): Contact[];
  contact(id: string): Contact | undefined;
  contactRecord(id: string): ContactRecord | undefined;
  contactRecords(): ContactRecord[];
  insertContact(id: string, data: ContactData, by: string, at: string, reason: string | null): void;
  updateContact(
    id: string,
    expectedVersion: number,
    data: ContactData,
    by: string,
    at: string,
    reason: string | null,
  ): number | undefined;
  deleteContact(id: string): void;
  contactVersion(id: string, version: number): ContactVersionRecord | undefined;
  history(id: string): ContactVersionRecord[];
  addPending(contactId: string, baseVersion: number, data: ContactData, by: string, at: string): number;
  pending(id: number): PendingChange | undefined;
  openPending(): PendingChange[];
  decidePending(id: number, status: "approved" | "rejected" | "superseded", by: string, at: string): boolean;
  grantRole(channel: string, userId: string, role: Role, contactId: string, by: string, at: string): boolean;
  revokeRole(channel: string, userId: string, role: Role, contactId: string): boolean;
  rolesOf(channel: string, userId: string): Array<{ role: Role; contactId: string }>;
  allRoles(): RoleGrant[];
  bindChat(contactId: string, channel: string, chatId: string, by: string, at: string): boolean;
  unbindChat(contactId: string, channel: string, chatId: string): boolean;
  bindingsOf(contactId: string): Array<{ channel: string; chatId: string }>;
  bindings(): Array<{ contactId: string; channel: string; chatId: string }>;
  contactsOfChat(channel: string, chatId: string): string[];
}

/** Routing rules with their history. */
export interface RulesRepo {
  routingRules(): RoutingRule[];
  rules(): RuleRecord[];
  insertRule(
    id: string,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): void;
  updateRule(
    id: string,
    expectedVersion: number,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): number | undefined;
  ruleVersions(
    id: string,
  ): Array<{ version: number; definition: unknown; active: boolean; changedBy: string }>;
}

/** Messages posted in duty chats and the questions the bot waits for answers to. */
export interface DutyRepo {
  addDutyPost(
    incidentId: number,
    contactId: string,
    channel: string,
    chatId: string,
    outboxKey: string,
    at: string,
  ): void;
  dutyPosts(incidentId: number): DutyPost[];
  dutyPostByMessage(
    channel: string,
    chatId: string,
    messageId: number,
  ): { incidentId: number; contactId: string } | undefined;
  addPrompt(prompt: Omit<PromptRow, "id">, at: string): void;
  promptByMessage(channel: string, chatId: string, messageId: number): PromptRow | undefined;
  answerPrompt(id: number, at: string): boolean;
}

/** The append-only audit log. */
export interface AuditRepo {
  audit(
    at: string,
    actor: string,
    action: string,
    subject: string,
    outcome: "ok" | "denied" | "error",
    details: object,
  ): void;
  latestAudit(limit: number): AuditRecord[];
  allAudit(): Generator<AuditRecord>;
}

/** What the retention purge reads and removes (retention/purge.ts holds the policy: cutoffs, what is due). */
export interface RetentionRepo {
  /** Ticket ids in one of `statuses` last changed before `before`, oldest id first. */
  settledTickets(statuses: readonly string[], before: string): string[];
  /** Delivered outbox rows sent before `before` whose body is not yet `emptied`. */
  countDeliveredBodies(before: string, emptied: string): number;
  /** Replaces those rows' bodies with `emptied`; returns how many. */
  emptyDeliveredBodies(before: string, emptied: string): number;
  countStaleConversations(before: string): number;
  deleteStaleConversations(before: string): number;
  /** Deletes the tickets with every row that refers to them and the jobs naming them. */
  deleteIncidents(tickets: readonly string[]): void;
}
