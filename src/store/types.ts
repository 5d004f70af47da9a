// The rows the repositories hand out: plain data, the same whichever backend stored it.

import type { ContactData } from "../domain/contacts.ts";

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
  /** Created by a quick alert and not yet completed by the reporter ("SƠ BỘ"); absent means false. */
  preliminary?: boolean;
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

export type Role = "admin" | "duty" | "reporter" | "lead";

/**
 * A ticket's lifecycle state as stored: the ticket machine's snapshot, the version of the ticket flow that wrote
 * it (a reader with another version must not restore it blindly), and the assignee.
 */
export interface TicketState {
  snapshot: unknown;
  /** The ticket flow version that wrote the snapshot; null when there is none. */
  version: number | null;
  assignee: string | null;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface RoleGrant {
  channel: string;
  userId: string;
  role: Role;
  contactId: string;
  grantedBy: string;
  grantedAt: string;
}

export interface DutyPost {
  contactId: string;
  channel: string;
  chatId: string;
  outboxKey: string;
  messageIds: number[];
}

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
  details: Record<string, unknown>;
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
