import { MachineRunner } from "../../flows/machine-runner.ts";
import {
  TICKET_FLOW_VERSION,
  type TicketActor,
  type TicketContext,
  type TicketEvent,
  ticketMachine,
  ticketStatus,
} from "../../flows/ticket.ts";
import type { DeadlineSpec } from "../config.ts";
import type { Contact } from "../domain/contacts.ts";
import type { DeadlineSettingsSource } from "../domain/deadline-settings.ts";
import { legalDeadline, legalWarningAt } from "../domain/tickets.ts";
import { type Locale, resolveLocale, type Translator } from "../i18n.ts";
import type { ChatMessage, CopyMessage, EditMessage, RoutedTicket } from "../messages.ts";
import type { RenderContext } from "../present/incident.ts";
import { PAGE_JOB, PERIOD_GAPS_JOB } from "../roster/jobs.ts";
import type { IncidentRow, Store } from "../store/store.ts";
import { ackDueAt, legalWarnMs, reraiseMs, settingsOf } from "./deadline-settings.ts";
import { contactLabel, type DutyDetail, renderDutyMessage } from "./render.ts";
import type { ChatLimitsOf } from "./storm.ts";
import { ticketView } from "./ticket-view.ts";

export interface DutyDeskOptions {
  store: Store;
  translator: Translator;
  timeZone: string;
  defaultLocale: Locale;
  detail: DutyDetail;
  /** Channel user ids that are admins from configuration (ADMIN_TELEGRAM_IDS), per channel. */
  configAdmins: Record<string, readonly string[]>;
  /** Time to acknowledge, by severity level. */
  ackDeadlines: Record<1 | 2 | 3 | 4, DeadlineSpec>;
  /** An acknowledged but unresolved ticket is raised again in its duty chats after this long (default 24 h). */
  unresolvedReminderMs?: number;
  /** How long before the legal notification deadline (5 days in the default rules) the duty chats are warned (default 24 h). */
  legalWarningMs?: number;
  /** After resolution, the reporter is reminded of the final report after this long (default 3 days). */
  finalReportReminderMs?: number;
  /** How long before an alert period starts its uncovered hours are announced (default 3 days). */
  periodWarningMs?: number;
  /** Called for each page sent (the pages metric). */
  onPage?: () => void;
  /**
   * Deadline settings and the working-day calendar as stored admin data; when absent, the values above (the
   * environment's) and the statutory calendar. See deadline-settings.ts.
   */
  settings?: DeadlineSettingsSource;
  /** Set when SMTP is configured: every routed ticket is also e-mailed to its contact's addresses. */
  email?: { messageIdDomain?: string | undefined };
  /** What each duty chat can take per minute (storm mode); Telegram's and Zalo's group limits by default. */
  chatLimits?: ChatLimitsOf;
  /** An admin's folder of replacement document templates (TEMPLATE_DIR); the shipped ones otherwise. */
  templateDir?: string | undefined;
}

export const ACK_DEADLINE_JOB = "ack_deadline";
export const UNRESOLVED_JOB = "ticket_unresolved";
export const LEGAL_DEADLINE_JOB = "legal_deadline";
export const FINAL_REPORT_JOB = "final_report";
/** The initial report rendered as documents and delivered (e-mails, the reporter's copy): duty/documents.ts. */
export const DOCUMENTS_JOB = "ticket_documents";
/** Every job kind the duty desk fires (register each on the scheduler). */
export const DUTY_JOB_KINDS = [
  ACK_DEADLINE_JOB,
  UNRESOLVED_JOB,
  LEGAL_DEADLINE_JOB,
  FINAL_REPORT_JOB,
  DOCUMENTS_JOB,
  PAGE_JOB,
  PERIOD_GAPS_JOB,
] as const;

const HOUR = 3_600_000;

/** Statuses in which someone has the ticket in hand but it is not resolved yet. */
const IN_HAND = new Set(["acknowledged", "in_progress", "waiting_reporter"]);
/** Statuses after which nothing more is expected of the duty chats. */
export const SETTLED = new Set(["resolved", "closed", "duplicate", "rejected"]);

/**
 * Where an unacknowledged ticket goes next, as data: contacts ordered by their role in the response chain. The
 * provincial unit handles incidents in its province and escalates to VNCERT/CC (reference §6); since 2025 the
 * provincial police (PA05) share that role. NCSC monitors and is only copied where the routing rules say, so
 * the clock never escalates to it; a duty officer can. Admins change the chain by editing contacts' roles or
 * deactivating them, not code.
 */
const SLA_CHAIN = ["provincial", "police", "coordination"];
const MANUAL_CHAIN = [...SLA_CHAIN, "monitoring", "other"];

/** Active contacts a ticket can be escalated to, in escalation order, leaving out those already on it. */
export function escalationCandidates(
  contacts: readonly Contact[],
  onTicket: readonly string[],
  by: "sla" | "officer" = "officer",
): Contact[] {
  const chain = by === "sla" ? SLA_CHAIN : MANUAL_CHAIN;
  return contacts
    .filter((c) => c.active && !onTicket.includes(c.id) && chain.includes(c.role))
    .sort((a, b) => chain.indexOf(a.role) - chain.indexOf(b.role) || a.id.localeCompare(b.id));
}

const runner = new MachineRunner(ticketMachine, {
  ticketId: "SC-0000-000000",
  reporter: "",
  contacts: [],
  at: "",
});

type Snapshot = ReturnType<typeof runner.restore>;
type Outgoing = ChatMessage | EditMessage | CopyMessage | RoutedTicket;

/**
 * The writes of one duty update or job, inside its transaction: ticket transitions with their timeline,
 * jobs and notifications, and every outgoing message as an outbox row with a key derived from the update.
 */
export class TicketWork {
  private n = 0;
  /** Chats with new messages, as channel and chat id, to flush after commit. */
  readonly touched = new Map<string, { channel: string; chatId: string }>();

  constructor(
    readonly o: DutyDeskOptions,
    readonly at: string,
    private readonly keyPrefix: string,
  ) {}

  get store(): Store {
    return this.o.store;
  }

  /** Queues one message; its idempotency key is the update's, so a redelivered update queues nothing new. */
  post(channel: string, chatId: string, payload: Outgoing): string {
    const key = `${this.keyPrefix}:${this.n++}`;
    this.store.enqueue(key, channel, chatId, payload, this.at);
    this.touch(channel, chatId);
    return key;
  }

  /** Notes a chat (or mailbox) with a new row to send once this work commits. */
  touch(channel: string, chatId: string): void {
    if (channel !== "duty") this.touched.set(`${channel}\u0000${chatId}`, { channel, chatId });
  }

  rc(locale: Locale = this.o.defaultLocale): RenderContext {
    return { t: this.o.translator, locale, timeZone: this.o.timeZone };
  }

  t(locale: Locale, key: string, params?: Record<string, string | number>): string {
    return this.o.translator.t(locale, key, params);
  }

  reporterLocale(incident: IncidentRow): Locale {
    return resolveLocale(incident.reporterLocale, undefined, this.o.defaultLocale);
  }

  /** The ticket machine's state for an incident (a fresh one if no one has acted yet). */
  snapshot(incident: IncidentRow): Snapshot {
    const { snapshot, version, assignee } = this.store.ticketState(incident.id);
    if (snapshot && version === TICKET_FLOW_VERSION) return runner.restore(snapshot);
    const fresh = runner.initial({
      ticketId: incident.ticketId,
      reporter: `${incident.channel}:${incident.reporterUserId}`,
      contacts: incident.routing.destinations.map((d) => d.contactId),
      at: incident.createdAt,
    });
    if (!snapshot || !Object.hasOwn(ticketMachine.states, incident.status)) return fresh;
    // Written by another version of the ticket flow: its states and context may not fit this machine, so the
    // ticket is rebuilt at the status the incident row records, keeping its assignee (as the report flow
    // restarts a stale conversation with its answers kept).
    return ticketMachine.resolveState({
      value: incident.status,
      context: { ...(fresh.context as TicketContext), assignee, acknowledgedBy: assignee },
    });
  }

  /**
   * Applies one lifecycle event if the machine allows it for this actor: saves the state, records the timeline
   * entry, and arms or cancels the reminders the new status needs. Returns the updated incident, or undefined.
   */
  apply(
    incident: IncidentRow,
    event: TicketEvent,
    timeline: Record<string, unknown> = {},
  ): IncidentRow | undefined {
    const current = this.snapshot(incident);
    if (!current.can(event)) return undefined;
    const next = runner.transition(current, event);
    const status = ticketStatus(next.value);
    const context = next.context as { assignee: string | null };
    this.store.saveTicket(
      incident.id,
      status,
      runner.persist(next),
      context.assignee,
      this.at,
      TICKET_FLOW_VERSION,
    );
    this.store.addTimeline(incident.id, this.at, event.actor.id, status, {
      name: event.actor.name,
      ...timeline,
    });
    this.armFor(incident, status);
    return this.store.incidentById(incident.id);
  }

  private armFor(incident: IncidentRow, status: string): void {
    const id = incident.ticketId;
    if (IN_HAND.has(status)) {
      if (this.store.job(`unresolved:${id}`)?.status !== "pending") {
        this.store.scheduleJob(
          `unresolved:${id}`,
          UNRESOLVED_JOB,
          this.later(reraiseMs(this.o, this.at)),
          { ticketId: id },
          this.at,
        );
      }
      this.store.cancelJob(`final:${id}`);
      return;
    }
    this.store.cancelJob(`unresolved:${id}`);
    if (status === "escalated") {
      // The organisation it went to has its own time to acknowledge, from now.
      this.store.scheduleJob(
        `ack:${id}`,
        ACK_DEADLINE_JOB,
        ackDueAt(this.o, this.at, incident.severity),
        { ticketId: id, from: this.at },
        this.at,
      );
    }
    if (status === "resolved") {
      this.store.scheduleJob(
        `final:${id}`,
        FINAL_REPORT_JOB,
        this.later(this.o.finalReportReminderMs ?? 72 * HOUR),
        { ticketId: id, resolvedAt: this.at },
        this.at,
      );
    }
  }

  later(ms: number): string {
    return new Date(Date.parse(this.at) + ms).toISOString();
  }

  /** Sets the acknowledge deadline and the legal-deadline warning of a ticket, once. */
  armNewTicket(incident: IncidentRow): void {
    const ack = `ack:${incident.ticketId}`;
    if (this.store.job(ack)) return;
    const from = incident.createdAt;
    const ackDue = ackDueAt(this.o, from, incident.severity);
    this.store.scheduleJob(ack, ACK_DEADLINE_JOB, ackDue, { ticketId: incident.ticketId, from }, from);
    const legal = Date.parse(legalDeadline(incident.detectedAt, this.store.routingRules(), "submitted"));
    const warnAt = legalWarningAt(
      new Date(legal).toISOString(),
      legalWarnMs(this.o, from),
      { filedAt: from, ackDueAt: ackDue },
      this.o.timeZone,
      settingsOf(this.o).calendar(),
    );
    this.store.scheduleJob(
      `legal:${incident.ticketId}`,
      LEGAL_DEADLINE_JOB,
      warnAt,
      { ticketId: incident.ticketId, deadline: new Date(legal).toISOString() },
      from,
    );
  }

  /**
   * A preliminary ticket's severity was recomputed: if the acknowledge deadline at the new level, counted from
   * the alert, falls earlier than the one armed, it is brought forward (a later one is kept: the clock never
   * gives the duty officers more time because the reporter answered).
   */
  tightenAckDeadline(incident: IncidentRow): void {
    const key = `ack:${incident.ticketId}`;
    const job = this.store.job(key);
    if (job?.status !== "pending") return;
    // The deadline settings in force now (versioned, changeable in chat), counted from the alert.
    const due = ackDueAt(this.o, incident.createdAt, incident.severity);
    if (Date.parse(due) < Date.parse(job.dueAt)) {
      this.store.scheduleJob(key, ACK_DEADLINE_JOB, due, job.payload, this.at);
    }
  }

  /** Every duty message of the ticket shows its new state (edited in place where the channel has it). */
  refreshDutyPosts(incident: IncidentRow): void {
    const view = ticketView(this.store, incident);
    const rc = this.rc();
    for (const post of this.store.dutyPosts(incident.id)) {
      const routed = incident.routing.destinations.find((d) => d.contactId === post.contactId) ?? {
        kinds: [],
        rules: [],
      };
      const message = renderDutyMessage(incident, routed, view, this.o.detail, rc);
      const messageRef = post.messageIds.at(-1);
      // Still queued (a group waiting for its per-minute window): it will go out showing the new state.
      if (messageRef === undefined && this.store.replacePending(post.outboxKey, message)) continue;
      this.post(
        post.channel,
        post.chatId,
        messageRef === undefined
          ? message
          : {
              kind: "edit",
              messageRef: String(messageRef),
              text: message.text,
              ...(message.token ? { token: message.token, choices: message.choices ?? [] } : {}),
            },
      );
    }
  }

  /**
   * After a crash between sending a duty post and recording it, the post is sent again (at least once) and the
   * first copy, never recorded, keeps live buttons. Message ids grow in a chat, so a message that is not a
   * recorded post but is older than one is such a copy (or an older view). True if `messageRef` is one: it is
   * edited to show the ticket now, without buttons.
   */
  clearSupersededCopy(
    incident: IncidentRow,
    channel: string,
    chatId: string,
    messageRef: string | undefined,
  ): boolean {
    const pressed = Number(messageRef);
    if (!messageRef || !Number.isSafeInteger(pressed)) return false;
    const posts = this.store
      .dutyPosts(incident.id)
      .filter((p) => p.channel === channel && p.chatId === chatId && p.messageIds.length > 0);
    if (posts.some((p) => p.messageIds.includes(pressed))) return false;
    // Superseded by the first recorded post after it (a chat bound to two units has a post for each).
    const post = posts
      .filter((p) => Math.min(...p.messageIds) > pressed)
      .sort((a, b) => Math.min(...a.messageIds) - Math.min(...b.messageIds))[0];
    if (!post) return false;
    const routed = incident.routing.destinations.find((d) => d.contactId === post.contactId) ?? {
      kinds: [],
      rules: [],
    };
    const now = renderDutyMessage(
      incident,
      routed,
      ticketView(this.store, incident),
      this.o.detail,
      this.rc(),
    );
    // No token and no choices: the sender edits it with an empty keyboard.
    this.post(channel, chatId, { kind: "edit", messageRef, text: now.text });
    return true;
  }

  /** A message in every duty chat of the ticket, threaded under its ticket message where known. */
  toDutyChats(incident: IncidentRow, key: string, params: Record<string, string | number>): void {
    const text = this.t(this.o.defaultLocale, key, params);
    const told = new Set<string>();
    for (const post of this.store.dutyPosts(incident.id)) {
      const ref = post.messageIds.at(-1);
      told.add(`${post.channel}\u0000${post.chatId}`);
      this.post(post.channel, post.chatId, {
        kind: "chat",
        text,
        ...(ref === undefined ? {} : { replyTo: String(ref) }),
      });
    }
    // A ticket listed in a storm digest has no post of its own there: the reminder answers the digest.
    for (const listed of this.store.digests.digestChatsOf(incident.id)) {
      if (told.has(`${listed.channel}\u0000${listed.chatId}`)) continue;
      told.add(`${listed.channel}\u0000${listed.chatId}`);
      const ref = listed.messageIds[0];
      this.post(listed.channel, listed.chatId, {
        kind: "chat",
        text,
        ...(ref === undefined ? {} : { replyTo: String(ref) }),
      });
    }
  }

  /** A message to the reporter in their language. */
  toReporter(incident: IncidentRow, key: string, params: Record<string, string | number>): void {
    const text = this.t(this.reporterLocale(incident), key, params);
    this.post(incident.channel, incident.chatId, { kind: "chat", text });
  }

  /** A contact's name in a locale. */
  contactName(contactId: string, locale: Locale): string {
    return contactLabel(this.store.contacts(), contactId, this.rc(locale));
  }

  /**
   * Moves a ticket to one more organisation: the machine's ESCALATE (authority checked), the routing gains the
   * contact at its current version, and its duty chats and mailbox get the ticket. False if not allowed.
   */
  escalate(
    incident: IncidentRow,
    contactId: string,
    actor: TicketActor,
    reason: string,
  ): IncidentRow | undefined {
    const updated = this.apply(
      incident,
      { type: "ESCALATE", actor, to: contactId, reason, at: this.at },
      {
        to: contactId,
        reason,
      },
    );
    if (!updated) return undefined;
    const version = this.store.contact(contactId)?.version ?? 0;
    const rule = reason === "ack_deadline" ? "SLA" : "manual";
    this.store.saveRouting(
      incident.id,
      {
        ...updated.routing,
        destinations: [
          ...updated.routing.destinations,
          { contactId, contactVersion: version, kinds: ["escalation"], rules: [rule] },
        ],
      },
      this.at,
    );
    this.store.enqueue(
      `ticket:${incident.ticketId}:${contactId}`,
      "duty",
      contactId,
      {
        kind: "ticket_routed",
        ticketId: incident.ticketId,
        contactId,
        contactVersion: version,
        kinds: ["escalation"],
        rules: [rule],
      } satisfies RoutedTicket,
      this.at,
    );
    return this.store.incidentById(incident.id);
  }
}
