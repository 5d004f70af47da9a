import type Database from "better-sqlite3";
import { type Contact, contactDataSchema } from "../domain/contacts.ts";
import { type RoutingRule, routingRuleSchema } from "../domain/routing.ts";
import { clipText } from "../domain/text-cut.ts";

/** One entry of a chat's flow stack: a flow's persisted XState snapshot and the version it was made with. */
export interface StackEntry {
  flow: string;
  version: number;
  snapshot: unknown;
}

export interface ConversationRow {
  userId: string;
  stack: StackEntry[];
}

/** Where a ticket was routed: each contact with the version it had then, what it receives and why. */
export interface StoredRouting {
  destinations: Array<{ contactId: string; contactVersion: number; kinds: string[]; rules: string[] }>;
  advice: Array<{ ruleId: string; key: string }>;
  firedRules: string[];
}

export interface IncidentRow {
  id: number;
  ticketId: string;
  submissionKey: string;
  channel: string;
  chatId: string;
  reporterUserId: string;
  reporterLocale: string;
  incidentType: string;
  severity: number;
  severityReasons: unknown;
  serious: boolean;
  answers: Record<string, unknown>;
  routing: StoredRouting;
  status: string;
  detectedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface OutboxRow {
  id: number;
  /** Null for the messages a turn writes for its own chat, which the update's dedupe key already guards. */
  idempotencyKey: string | null;
  channel: string;
  chatId: string;
  payload: unknown;
  status: "pending" | "sent" | "dead";
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
}

export type PromptPurpose = "ask" | "answer" | "resolve" | "reject" | "duplicate";

/** A question the bot asked and waits for a reply to. */
export interface PromptRow {
  id: number;
  outboxKey: string;
  incidentId: number;
  channel: string;
  chatId: string;
  purpose: PromptPurpose;
  /** Who asked for it (a duty officer) or who must answer it (the reporter), as the channel's user id. */
  userId: string;
  /** For a relayed question: the duty chat and the message the reporter's answer is threaded under. */
  replyChat: string | null;
  replyKey: string | null;
}

export interface JobRow {
  id: number;
  jobKey: string;
  kind: string;
  dueAt: string;
  payload: Record<string, unknown>;
}

type Raw = Record<string, unknown>;

export type Role = "admin" | "duty" | "reporter";
const json = (v: unknown): string => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;

/**
 * How long a sent mark may wait for a write transaction to ride on before it is committed on its own. The
 * window in which a crash makes a message go out twice is already a network round trip (Telegram has taken
 * the message, its answer is on the way); this adds a few milliseconds to it and saves a commit per message.
 */
export const SENT_MARK_DELAY_MS = 10;

/** A delivery recorded in memory and not yet written: the row, when, and the channel's answer as JSON. */
type SentMark = [id: number, at: string, result: string];

/** How many undelivered messages of one chat a sender reads at a time. */
const PENDING_PER_CHAT = 200;

/** Repositories over the database: every query is a statement prepared once, here. */
export class Store {
  private readonly s;
  private rulesCache: { stamp: string; value: RoutingRule[] } | undefined;
  private contactsCache: { stamp: string; value: Contact[] } | undefined;
  /** Sent marks waiting for the next write transaction (group commit); see markSent. */
  private sentMarks = new Map<number, SentMark>();
  private sentMarkTimer: NodeJS.Timeout | undefined;

  constructor(readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      markProcessed: p(
        "INSERT OR IGNORE INTO processed_updates (channel, dedupe_key, processed_at) VALUES (?, ?, ?)",
      ),
      // A scan, hourly: an index on the time would cost every update a page (see migration 007).
      pruneProcessed: p("DELETE FROM processed_updates WHERE processed_at < ?"),
      upsertUser: p(
        `INSERT INTO users (channel, user_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT (channel, user_id) DO NOTHING`,
      ),
      userLocale: p("SELECT locale FROM users WHERE channel = ? AND user_id = ?"),
      jobState: p("SELECT kind, due_at, status FROM scheduled_jobs WHERE job_key = ?"),
      setUserLocale: p("UPDATE users SET locale = ? WHERE channel = ? AND user_id = ?"),
      setDisplayName: p("UPDATE users SET display_name = ? WHERE channel = ? AND user_id = ?"),
      displayName: p("SELECT display_name FROM users WHERE channel = ? AND user_id = ?"),
      openTicketsOf: p(
        `SELECT * FROM incidents WHERE status NOT IN ('closed', 'duplicate', 'rejected')
           AND EXISTS (SELECT 1 FROM json_each(json_extract(routing, '$.destinations')) d
                       WHERE json_extract(d.value, '$.contactId') IN (SELECT value FROM json_each(?)))
         ORDER BY id LIMIT 50`,
      ),
      getProfile: p("SELECT data FROM reporter_profiles WHERE channel = ? AND user_id = ?"),
      saveProfile: p(
        `INSERT INTO reporter_profiles (channel, user_id, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (channel, user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      ),
      getConversation: p("SELECT user_id, stack FROM conversations WHERE channel = ? AND chat_id = ?"),
      getConversationJson: p("SELECT stack FROM conversations WHERE channel = ? AND chat_id = ?"),
      saveConversation: p(
        `INSERT INTO conversations (channel, chat_id, user_id, stack, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel, chat_id) DO UPDATE SET user_id = excluded.user_id, stack = excluded.stack,
         updated_at = excluded.updated_at`,
      ),
      deleteConversation: p("DELETE FROM conversations WHERE channel = ? AND chat_id = ?"),
      nextTicketNumber: p(
        `INSERT INTO ticket_sequences (year, last) VALUES (?, 1)
         ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
      ),
      insertIncident: p(
        `INSERT INTO incidents (ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
           incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at,
           updated_at)
         VALUES (@ticketId, @submissionKey, @channel, @chatId, @reporterUserId, @reporterLocale, @incidentType,
           @severity, @severityReasons, @serious, @answers, @routing, @status, @detectedAt, @createdAt, @createdAt)
         ON CONFLICT (submission_key) DO NOTHING`,
      ),
      incidentBySubmission: p("SELECT * FROM incidents WHERE submission_key = ?"),
      incidentByTicket: p("SELECT * FROM incidents WHERE ticket_id = ?"),
      incidentById: p("SELECT * FROM incidents WHERE id = ?"),
      incidentsByReporter: p(
        "SELECT * FROM incidents WHERE channel = ? AND reporter_user_id = ? ORDER BY id DESC LIMIT ?",
      ),
      addTimeline: p(
        "INSERT INTO ticket_timeline (incident_id, at, actor, action, details) VALUES (?, ?, ?, ?, ?)",
      ),
      timeline: p("SELECT at, actor, action, details FROM ticket_timeline WHERE incident_id = ? ORDER BY id"),
      audit: p(
        "INSERT INTO audit_log (at, actor, action, subject, outcome, details) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      enqueue: p(
        `INSERT INTO outbox (idempotency_key, channel, chat_id, payload, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id`,
      ),
      duePending: p(
        `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND channel = ?
         ORDER BY id LIMIT ?`,
      ),
      outboxById: p("SELECT * FROM outbox WHERE id = ?"),
      pendingForChat: p(
        `SELECT * FROM outbox WHERE status = 'pending' AND channel = ? AND chat_id = ? ORDER BY id
         LIMIT ${PENDING_PER_CHAT}`,
      ),
      markSent: p(
        "UPDATE outbox SET status = 'sent', sent_at = ?, result = ?, attempts = attempts + 1 WHERE id = ?",
      ),
      markRetry: p(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
      ),
      markDead: p("UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?"),
      upsertJob: p(
        `INSERT INTO scheduled_jobs (job_key, kind, due_at, payload, status, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?)
         ON CONFLICT (job_key) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at,
         payload = excluded.payload, status = 'pending'`,
      ),
      cancelJob: p("UPDATE scheduled_jobs SET status = 'cancelled' WHERE job_key = ? AND status = 'pending'"),
      dueJobs: p(
        "SELECT * FROM scheduled_jobs WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
      ),
      jobByKey: p("SELECT * FROM scheduled_jobs WHERE job_key = ?"),
      // The due time is part of the match: a job re-armed under the same key is a new occurrence, not this one.
      finishJob: p(
        "UPDATE scheduled_jobs SET status = 'done' WHERE id = ? AND status = 'pending' AND due_at = coalesce(?, due_at)",
      ),
      contacts: p("SELECT id, version, data FROM contacts ORDER BY id"),
      contact: p("SELECT id, version, data FROM contacts WHERE id = ?"),
      rules: p("SELECT definition FROM routing_rules WHERE active = 1 ORDER BY position"),
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
      contactsOfChat: p(
        "SELECT contact_id FROM duty_bindings WHERE channel = ? AND chat_id = ? ORDER BY contact_id",
      ),
      addDutyPost: p(
        `INSERT INTO duty_posts (incident_id, contact_id, channel, chat_id, outbox_key, posted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      dutyPosts: p("SELECT contact_id, channel, chat_id, outbox_key FROM duty_posts WHERE incident_id = ?"),
      outboxByKey: p("SELECT * FROM outbox WHERE idempotency_key = ?"),
      replacePending: p("UPDATE outbox SET payload = ? WHERE idempotency_key = ? AND status = 'pending'"),
      addPrompt: p(
        `INSERT INTO duty_prompts (outbox_key, incident_id, channel, chat_id, purpose, user_id, reply_chat, reply_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      // A reply names the message it answers by the channel's message id, which the outbox row got once sent.
      promptByMessage: p(
        `SELECT p.* FROM duty_prompts p JOIN outbox o ON o.idempotency_key = p.outbox_key
         WHERE p.channel = ? AND p.chat_id = ? AND p.answered_at IS NULL
           AND EXISTS (SELECT 1 FROM json_each(o.result, '$.messageIds') WHERE value = ?)
         ORDER BY p.id DESC LIMIT 1`,
      ),
      answerPrompt: p("UPDATE duty_prompts SET answered_at = ? WHERE id = ? AND answered_at IS NULL"),
      dutyPostByMessage: p(
        `SELECT d.incident_id, d.contact_id FROM duty_posts d JOIN outbox o ON o.idempotency_key = d.outbox_key
         WHERE d.channel = ? AND d.chat_id = ?
           AND EXISTS (SELECT 1 FROM json_each(o.result, '$.messageIds') WHERE value = ?)
         LIMIT 1`,
      ),
      setRouting: p("UPDATE incidents SET routing = ?, updated_at = ? WHERE id = ?"),
      setTicket: p(
        "UPDATE incidents SET status = ?, ticket_snapshot = ?, assignee = ?, updated_at = ? WHERE id = ?",
      ),
      ticketSnapshot: p("SELECT ticket_snapshot, assignee FROM incidents WHERE id = ?"),
      rulesStamp: p(
        "SELECT group_concat(id || ':' || version || ':' || active, ',') AS stamp FROM routing_rules",
      ),
      contactsStamp: p(
        "SELECT group_concat(id || ':' || version || ':' || active, ',') AS stamp FROM contacts",
      ),
    };
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so no upgrade deadlock). Sent
   * marks still in memory are written first and commit with it; if it rolls back they wait for the next one.
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction || this.sentMarks.size === 0) return this.db.transaction(fn).immediate();
    const marks = this.takeSentMarks();
    try {
      return this.db
        .transaction(() => {
          this.writeSentMarks(marks);
          return fn();
        })
        .immediate();
    } catch (error) {
      this.sentMarks = new Map([...marks, ...this.sentMarks]);
      this.armSentMarkTimer();
      throw error;
    }
  }

  /** Makes sure waiting sent marks are written within SENT_MARK_DELAY_MS even if no transaction comes. */
  private armSentMarkTimer(): void {
    if (this.sentMarkTimer || this.sentMarks.size === 0) return;
    this.sentMarkTimer = setTimeout(() => {
      this.sentMarkTimer = undefined;
      try {
        this.flushSentMarks();
      } catch {
        // The database is busy or closing: the marks are kept (see transaction) and tried again later.
      }
    }, SENT_MARK_DELAY_MS);
    this.sentMarkTimer.unref();
  }

  /** Writes every sent mark still in memory now (before reading outbox rows elsewhere, and at shutdown). */
  flushSentMarks(): void {
    if (this.sentMarks.size === 0 || !this.db.open) return;
    if (this.db.inTransaction) {
      this.writeSentMarks(this.takeSentMarks());
      return;
    }
    this.transaction(() => {});
  }

  private takeSentMarks(): Map<number, SentMark> {
    const marks = this.sentMarks;
    this.sentMarks = new Map();
    if (this.sentMarkTimer) clearTimeout(this.sentMarkTimer);
    this.sentMarkTimer = undefined;
    return marks;
  }

  private writeSentMarks(marks: Map<number, SentMark>): void {
    for (const [id, at, result] of marks.values()) this.s.markSent.run(at, result, id);
  }

  /** Records an inbound update key; false when it was already seen (invariant 2). */
  markProcessed(channel: string, key: string, at: string): boolean {
    return this.s.markProcessed.run(channel, key, at).changes === 1;
  }

  /** Forgets update keys older than `before`; returns how many. */
  pruneProcessed(before: string): number {
    return this.s.pruneProcessed.run(before).changes;
  }

  ensureUser(channel: string, userId: string, at: string): void {
    this.s.upsertUser.run(channel, userId, at);
  }

  /** The user's saved locale (null if none chosen), or undefined when the user is not known yet. */
  knownUserLocale(channel: string, userId: string): string | null | undefined {
    const row = this.s.userLocale.get(channel, userId) as { locale: string | null } | undefined;
    return row ? row.locale : undefined;
  }

  userLocale(channel: string, userId: string): string | null {
    const row = this.s.userLocale.get(channel, userId) as { locale: string | null } | undefined;
    return row?.locale ?? null;
  }

  setUserLocale(channel: string, userId: string, locale: string): void {
    this.s.setUserLocale.run(locale, channel, userId);
  }

  /** Remembers how a person is shown to others (e.g. in duty chats); it is their public Telegram name. */
  setDisplayName(channel: string, userId: string, name: string): void {
    this.s.setDisplayName.run(clipText(name, 100), channel, userId);
  }

  displayName(channel: string, userId: string): string | null {
    const row = this.s.displayName.get(channel, userId) as { display_name: string | null } | undefined;
    return row?.display_name ?? null;
  }

  /** Open tickets routed to any of these contacts, oldest first. */
  openTicketsOf(contactIds: readonly string[]): IncidentRow[] {
    return (this.s.openTicketsOf.all(JSON.stringify(contactIds)) as Raw[]).map(toIncident);
  }

  profile(channel: string, userId: string): Record<string, unknown> | undefined {
    const row = this.s.getProfile.get(channel, userId) as { data: string } | undefined;
    return row ? parse(row.data) : undefined;
  }

  saveProfile(channel: string, userId: string, data: Record<string, unknown>, at: string): void {
    this.s.saveProfile.run(channel, userId, json(data), at);
  }

  conversation(channel: string, chatId: string): ConversationRow | undefined {
    const row = this.s.getConversation.get(channel, chatId) as { user_id: string; stack: string } | undefined;
    return row ? { userId: row.user_id, stack: parse(row.stack) } : undefined;
  }

  /** A chat's stack exactly as stored (JSON text), for a caller that may already hold it parsed. */
  conversationJson(channel: string, chatId: string): string | undefined {
    return (this.s.getConversationJson.get(channel, chatId) as { stack: string } | undefined)?.stack;
  }

  saveConversation(channel: string, chatId: string, userId: string, stack: StackEntry[], at: string): void {
    this.saveConversationJson(channel, chatId, userId, stack.length === 0 ? undefined : json(stack), at);
  }

  /** Saves a stack already serialized (`JSON.stringify` of the entries); undefined for an empty stack. */
  saveConversationJson(
    channel: string,
    chatId: string,
    userId: string,
    stack: string | undefined,
    at: string,
  ): void {
    if (stack === undefined) this.s.deleteConversation.run(channel, chatId);
    else this.s.saveConversation.run(channel, chatId, userId, stack, at);
  }

  /** Allocates the next ticket number of a year (SC-YYYY-000123). */
  nextTicketNumber(year: number): number {
    return (this.s.nextTicketNumber.get(year) as { last: number }).last;
  }

  /** Inserts an incident unless its submission key exists; returns the stored row either way. */
  insertIncident(row: Omit<IncidentRow, "id" | "updatedAt">): { row: IncidentRow; created: boolean } {
    const created =
      this.s.insertIncident.run({
        ...row,
        severityReasons: json(row.severityReasons),
        serious: row.serious ? 1 : 0,
        answers: json(row.answers),
        routing: json(row.routing),
      }).changes === 1;
    const stored = this.s.incidentBySubmission.get(row.submissionKey) as Raw;
    return { row: toIncident(stored), created };
  }

  incidentBySubmission(key: string): IncidentRow | undefined {
    const row = this.s.incidentBySubmission.get(key) as Raw | undefined;
    return row ? toIncident(row) : undefined;
  }

  incidentById(id: number): IncidentRow | undefined {
    const row = this.s.incidentById.get(id) as Raw | undefined;
    return row ? toIncident(row) : undefined;
  }

  incidentByTicket(ticketId: string): IncidentRow | undefined {
    const row = this.s.incidentByTicket.get(ticketId) as Raw | undefined;
    return row ? toIncident(row) : undefined;
  }

  incidentsByReporter(channel: string, userId: string, limit = 10): IncidentRow[] {
    return (this.s.incidentsByReporter.all(channel, userId, limit) as Raw[]).map(toIncident);
  }

  addTimeline(incidentId: number, at: string, actor: string, action: string, details: object = {}): void {
    this.s.addTimeline.run(incidentId, at, actor, action, json(details));
  }

  timeline(incidentId: number): Array<{ at: string; actor: string; action: string; details: Raw }> {
    return (this.s.timeline.all(incidentId) as Raw[]).map((r) => ({
      at: String(r.at),
      actor: String(r.actor),
      action: String(r.action),
      details: parse<Raw>(r.details),
    }));
  }

  audit(
    at: string,
    actor: string,
    action: string,
    subject: string,
    outcome: "ok" | "denied" | "error",
    details: object,
  ): void {
    this.s.audit.run(at, actor, action, subject, outcome, json(details));
  }

  /**
   * Queues an outbound message once per idempotency key; returns its id, or undefined if already queued.
   * A null key queues it unconditionally: for a turn's own messages, made once by the update's dedupe key.
   */
  enqueue(
    key: string | null,
    channel: string,
    chatId: string,
    payload: unknown,
    at: string,
  ): number | undefined {
    const row = this.s.enqueue.get(key, channel, chatId, json(payload), at, at) as { id: number } | undefined;
    return row?.id;
  }

  duePending(channel: string, now: string, limit = 100): OutboxRow[] {
    return this.pendingRows(() => this.s.duePending.all(now, channel, limit) as Raw[], limit);
  }

  /** Every undelivered message of one chat, oldest first, whether due yet or not. */
  pendingForChat(channel: string, chatId: string): OutboxRow[] {
    return this.pendingRows(() => this.s.pendingForChat.all(channel, chatId) as Raw[], PENDING_PER_CHAT);
  }

  outboxRow(id: number): OutboxRow | undefined {
    const row = this.s.outboxById.get(id) as Raw | undefined;
    if (!row) return undefined;
    return this.sentMarks.has(id) ? { ...toOutbox(row), status: "sent" } : toOutbox(row);
  }

  /** Pending rows as the store knows them: those delivered with the mark still in memory are left out. */
  private pendingRows(query: () => Raw[], limit: number): OutboxRow[] {
    const rows = query();
    if (this.sentMarks.size === 0) return rows.map(toOutbox);
    const kept = rows.filter((r) => !this.sentMarks.has(Number(r.id)));
    if (kept.length === rows.length || rows.length < limit) return kept.map(toOutbox);
    // A full page with delivered rows in it hides rows beyond the limit: write the marks and ask again.
    this.flushSentMarks();
    return query().map(toOutbox);
  }

  /**
   * Records that a row was delivered. Inside a transaction it is written at once; otherwise it is kept in
   * memory and written with the next write transaction, or after SENT_MARK_DELAY_MS on its own (group commit:
   * under load one commit carries an update and the previous deliveries). Every read of outbox rows through
   * this store sees it: reads of pending rows leave it out, the others write the waiting marks first.
   */
  markSent(id: number, at: string, result: unknown = null): void {
    if (this.db.inTransaction) {
      this.s.markSent.run(at, json(result), id);
      return;
    }
    this.sentMarks.set(id, [id, at, json(result)]);
    this.armSentMarkTimer();
  }

  markRetry(id: number, nextAttemptAt: string, error: string): void {
    this.s.markRetry.run(nextAttemptAt, error, id);
  }

  markDead(id: number, error: string): void {
    this.s.markDead.run(error, id);
  }

  /** Sets (or moves) the one pending job with this key. */
  scheduleJob(jobKey: string, kind: string, dueAt: string, payload: object, at: string): void {
    this.s.upsertJob.run(jobKey, kind, dueAt, json(payload), at);
  }

  cancelJob(jobKey: string): void {
    this.s.cancelJob.run(jobKey);
  }

  /** When and what the job under this key is set to, without its payload. */
  jobState(jobKey: string): { kind: string; dueAt: string; status: string } | undefined {
    const r = this.s.jobState.get(jobKey) as { kind: string; due_at: string; status: string } | undefined;
    return r ? { kind: r.kind, dueAt: r.due_at, status: r.status } : undefined;
  }

  job(jobKey: string): (JobRow & { status: string }) | undefined {
    const r = this.s.jobByKey.get(jobKey) as Raw | undefined;
    return r ? { ...toJob(r), status: String(r.status) } : undefined;
  }

  dueJobs(now: string, limit = 50): JobRow[] {
    return (this.s.dueJobs.all(now, limit) as Raw[]).map(toJob);
  }

  /** Marks a job done; false if it was already done, moved (re-armed) or cancelled meanwhile. */
  finishJob(id: number, dueAt?: string): boolean {
    return this.s.finishJob.run(id, dueAt ?? null).changes === 1;
  }

  /** Every contact; parsed once per version of the table (another process's change shows at once). */
  contacts(): Contact[] {
    const stamp = (this.s.contactsStamp.get() as { stamp: string | null }).stamp ?? "";
    if (this.contactsCache?.stamp !== stamp) {
      this.contactsCache = { stamp, value: (this.s.contacts.all() as Raw[]).map(toContact) };
    }
    return this.contactsCache.value;
  }

  contact(id: string): Contact | undefined {
    const row = this.s.contact.get(id) as Raw | undefined;
    return row ? toContact(row) : undefined;
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

  allRoles(): Array<{
    channel: string;
    userId: string;
    role: Role;
    contactId: string;
    grantedBy: string;
    grantedAt: string;
  }> {
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

  contactsOfChat(channel: string, chatId: string): string[] {
    return (this.s.contactsOfChat.all(channel, chatId) as Raw[]).map((r) => String(r.contact_id));
  }

  addDutyPost(
    incidentId: number,
    contactId: string,
    channel: string,
    chatId: string,
    outboxKey: string,
    at: string,
  ): void {
    this.s.addDutyPost.run(incidentId, contactId, channel, chatId, outboxKey, at);
  }

  /** Rewrites a message not sent yet (it goes out showing the latest state); false if it is already out. */
  replacePending(key: string, payload: unknown): boolean {
    this.flushSentMarks();
    return this.s.replacePending.run(json(payload), key).changes === 1;
  }

  /** The duty-chat messages of a ticket, with the Telegram message ids they got once sent. */
  dutyPosts(
    incidentId: number,
  ): Array<{ contactId: string; channel: string; chatId: string; outboxKey: string; messageIds: number[] }> {
    this.flushSentMarks();
    return (this.s.dutyPosts.all(incidentId) as Raw[]).map((r) => {
      const row = this.s.outboxByKey.get(String(r.outbox_key)) as Raw | undefined;
      const result = row?.result ? (parse(row.result) as { messageIds?: number[] } | null) : null;
      return {
        contactId: String(r.contact_id),
        channel: String(r.channel),
        chatId: String(r.chat_id),
        outboxKey: String(r.outbox_key),
        messageIds: result?.messageIds ?? [],
      };
    });
  }

  /** Remembers a question the bot asked in a chat (sent as outbox row `outboxKey`) and who may answer it. */
  addPrompt(prompt: Omit<PromptRow, "id">, at: string): void {
    this.s.addPrompt.run(
      prompt.outboxKey,
      prompt.incidentId,
      prompt.channel,
      prompt.chatId,
      prompt.purpose,
      prompt.userId,
      prompt.replyChat,
      prompt.replyKey,
      at,
    );
  }

  /** The open question that a message of this chat (by its channel message id) asked, if any. */
  promptByMessage(channel: string, chatId: string, messageId: number): PromptRow | undefined {
    this.flushSentMarks();
    const r = this.s.promptByMessage.get(channel, chatId, messageId) as Raw | undefined;
    return r
      ? {
          id: Number(r.id),
          outboxKey: String(r.outbox_key),
          incidentId: Number(r.incident_id),
          channel: String(r.channel),
          chatId: String(r.chat_id),
          purpose: String(r.purpose) as PromptPurpose,
          userId: String(r.user_id),
          replyChat: r.reply_chat === null ? null : String(r.reply_chat),
          replyKey: r.reply_key === null ? null : String(r.reply_key),
        }
      : undefined;
  }

  /** Closes a question once answered; false if it was answered already. */
  answerPrompt(id: number, at: string): boolean {
    return this.s.answerPrompt.run(at, id).changes === 1;
  }

  /** The ticket whose duty message this is (by its channel message id), if any. */
  dutyPostByMessage(
    channel: string,
    chatId: string,
    messageId: number,
  ): { incidentId: number; contactId: string } | undefined {
    this.flushSentMarks();
    const r = this.s.dutyPostByMessage.get(channel, chatId, messageId) as Raw | undefined;
    return r ? { incidentId: Number(r.incident_id), contactId: String(r.contact_id) } : undefined;
  }

  /** Replaces where a ticket is routed (escalation adds a destination). */
  saveRouting(incidentId: number, routing: StoredRouting, at: string): void {
    this.s.setRouting.run(json(routing), at, incidentId);
  }

  /** Saves a ticket's lifecycle state (status, machine snapshot, assignee). */
  saveTicket(
    incidentId: number,
    status: string,
    snapshot: unknown,
    assignee: string | null,
    at: string,
  ): void {
    this.s.setTicket.run(status, json(snapshot), assignee, at, incidentId);
  }

  ticketState(incidentId: number): { snapshot: unknown; assignee: string | null } {
    const row = this.s.ticketSnapshot.get(incidentId) as {
      ticket_snapshot: string | null;
      assignee: string | null;
    };
    return { snapshot: row.ticket_snapshot ? parse(row.ticket_snapshot) : null, assignee: row.assignee };
  }

  /** Active routing rules in evaluation order, checked against the rule schema once per version of the table. */
  routingRules(): RoutingRule[] {
    const stamp = (this.s.rulesStamp.get() as { stamp: string | null }).stamp ?? "";
    if (this.rulesCache?.stamp !== stamp) {
      const value = (this.s.rules.all() as { definition: string }[]).map((r) =>
        routingRuleSchema.parse(parse(r.definition)),
      );
      this.rulesCache = { stamp, value };
    }
    return this.rulesCache.value;
  }
}

function toContact(r: Raw): Contact {
  return { id: String(r.id), version: Number(r.version), ...contactDataSchema.parse(parse(r.data)) };
}

function toJob(r: Raw): JobRow {
  return {
    id: Number(r.id),
    jobKey: String(r.job_key),
    kind: String(r.kind),
    dueAt: String(r.due_at),
    payload: parse(r.payload),
  };
}

function toIncident(r: Raw): IncidentRow {
  return {
    id: Number(r.id),
    ticketId: String(r.ticket_id),
    submissionKey: String(r.submission_key),
    channel: String(r.channel),
    chatId: String(r.chat_id),
    reporterUserId: String(r.reporter_user_id),
    reporterLocale: String(r.reporter_locale),
    incidentType: String(r.incident_type),
    severity: Number(r.severity),
    severityReasons: parse(r.severity_reasons),
    serious: r.serious === 1,
    answers: parse(r.answers),
    routing: parse(r.routing),
    status: String(r.status),
    detectedAt: String(r.detected_at),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

function toOutbox(r: Raw): OutboxRow {
  return {
    id: Number(r.id),
    idempotencyKey: r.idempotency_key === null ? null : String(r.idempotency_key),
    channel: String(r.channel),
    chatId: String(r.chat_id),
    payload: parse(r.payload),
    status: r.status as OutboxRow["status"],
    attempts: Number(r.attempts),
    nextAttemptAt: String(r.next_attempt_at),
    createdAt: String(r.created_at),
  };
}
