import type { TicketActor } from "../../flows/ticket.ts";
import type { FileRef } from "../../flows/types.ts";
import { EMAIL_CHANNEL, enqueueTicketEmail } from "../delivery/email.ts";
import { dutyContacts, isAdmin } from "../domain/authority.ts";
import { resolveLocale } from "../i18n.ts";
import type { RoutedTicket, TicketUpdated } from "../messages.ts";
import { onCallCommand, periodCommand, rosterCommand } from "../roster/chat.ts";
import { PAGE_JOB, PERIOD_GAPS_JOB } from "../roster/jobs.ts";
import { pageTimedOut, startPaging } from "../roster/paging.ts";
import { warnUncoveredHours } from "../roster/period-gaps.ts";
import { rosterContactsOf } from "../roster/roster-service.ts";
import type { IncidentRow, JobRow } from "../store/store.ts";
import { action, bind, ticket, tickets } from "./actions.ts";
import { armDocuments, DOCUMENTS_JOB, deliverDocuments } from "./documents.ts";
import { recordRelatedKeys, relatedIncidents, relatedView } from "./related.ts";
import { replyTo } from "./relay.ts";
import { dutyActions, renderDutyMessage, ticketToken } from "./render.ts";
import { ackDeadlinePassed, finalReportDue, legalDeadlineNear, stillUnresolved } from "./sla.ts";
import {
  type ChatLimitsOf,
  chatLoad,
  defaultChatLimits,
  digestReserve,
  gatherIfStorm,
  renderDigests,
} from "./storm.ts";
import { ticketView } from "./ticket-view.ts";
import {
  ACK_DEADLINE_JOB,
  type DutyDeskOptions,
  FINAL_REPORT_JOB,
  LEGAL_DEADLINE_JOB,
  TicketWork,
  UNRESOLVED_JOB,
} from "./ticket-work.ts";

export type { DutyDeskOptions } from "./ticket-work.ts";

/**
 * A preliminary ticket (a quick alert) changed: its duty messages are redrawn in place; once complete, the
 * documents job sends each unit the full Mẫu 03 notification, once (its own key, beside the alert's e-mail).
 */
function refreshPreliminary(work: TicketWork, incident: IncidentRow, complete: boolean): void {
  work.refreshDutyPosts(incident);
  work.tightenAckDeadline(incident);
  // The complete report's documents (the e-mails with Mẫu 03 attached, the reporter's copy) only now: the
  // alert's answers were not a report yet.
  if (complete) armDocuments(work, incident, { afterAlert: true });
}

/**
 * A quick alert's e-mail, marked preliminary and without documents (its Mẫu 03 is not complete): the units
 * learn of the incident as soon as the duty chats do.
 */
function alertEmail(o: DutyDeskOptions, work: TicketWork, incident: IncidentRow, routed: RoutedTicket): void {
  const contact = o.store.contact(routed.contactId);
  if (!contact?.active || !o.email) return;
  const queued = enqueueTicketEmail(o.store, incident, routed, contact, work.rc(), work.at, {
    ...(o.email.messageIdDomain ? { messageIdDomain: o.email.messageIdDomain } : {}),
  });
  // Handed to the e-mail lane with the duty posts: an alert does not wait for the lane's next look for rows.
  if (queued) work.touch(EMAIL_CHANNEL, contact.id);
}

export {
  ACK_DEADLINE_JOB,
  DUTY_JOB_KINDS,
  FINAL_REPORT_JOB,
  LEGAL_DEADLINE_JOB,
  UNRESOLVED_JOB,
} from "./ticket-work.ts";

/** An update for the duty side: a command in a duty chat, a press of a ticket's button, or a reply. */
export interface DutyEvent {
  channel: string;
  chatId: string;
  chatType: "private" | "group";
  userId: string;
  /** The person's public name on the channel, shown to the other duty officers. */
  userName: string;
  dedupeKey: string;
  at: Date;
  messageRef?: string | undefined;
  payload:
    | {
        kind: "command";
        command: "bind" | "unbind" | "tickets" | "ticket" | "roster" | "oncall" | "period";
        args: string;
      }
    | { kind: "action"; ticketId: string; action: string }
    /** A message answering one of the bot's messages (a question it asked, or a ticket's duty message). */
    | { kind: "reply"; replyTo: string; text: string; hasFile: boolean; file?: FileRef | undefined };
}

/**
 * The duty officers' side: binding chats to contacts, ticket buttons, the question/answer relay with the
 * reporter, duty commands and the reminders nobody may miss. Each update is one transaction (dedupe,
 * authority checked on the server, ticket machine step, timeline, audit, messages as outbox rows).
 */
export class DutyDesk {
  constructor(private readonly o: DutyDeskOptions) {}

  /**
   * Applies one duty update at most once; returns the chats of its channel that have messages to send, and
   * every chat touched on any channel (a relay may go to a reporter on another channel).
   */
  handle(event: DutyEvent): {
    duplicate: boolean;
    chats: string[];
    targets: Array<{ channel: string; chatId: string }>;
  } {
    const { store } = this.o;
    return store.transaction(() => {
      if (!store.markProcessed(event.channel, event.dedupeKey, event.at.toISOString())) {
        return { duplicate: true, chats: [], targets: [] };
      }
      const turn = new DutyTurn(this.o, event);
      turn.run();
      return { duplicate: false, chats: turn.chats(event.channel), targets: turn.targets() };
    });
  }

  /**
   * The action a number typed in reply to a ticket's duty post picks (channels without buttons number the
   * actions instead): undefined when the message replied to is no duty post; an empty action (refused as
   * unknown) when the number is not on the list.
   */
  numberedAction(
    channel: string,
    chatId: string,
    replyTo: string,
    n: number,
  ): { ticketId: string; action: string } | undefined {
    const id = Number(replyTo);
    if (!Number.isSafeInteger(id)) return undefined;
    const post = this.o.store.dutyPostByMessage(channel, chatId, id);
    const incident = post ? this.o.store.incidentById(post.incidentId) : undefined;
    if (!incident) return undefined;
    const { mergeInto } = relatedView(this.o.store, incident);
    return { ticketId: incident.ticketId, action: dutyActions(incident.status, mergeInto)[n - 1] ?? "" };
  }

  /**
   * True when a private-chat message answers something the desk asked there (a relayed question, a prompt) or
   * a ticket message posted there: it belongs to the desk, not to the report flow.
   */
  claimsReply(channel: string, chatId: string, replyTo: string): boolean {
    const id = Number(replyTo);
    if (!Number.isSafeInteger(id)) return false;
    const { store } = this.o;
    return (
      store.promptByMessage(channel, chatId, id) !== undefined ||
      store.dutyPostByMessage(channel, chatId, id) !== undefined
    );
  }

  /**
   * Posts routed tickets into the duty chats bound to their contacts on the given channels (those that have a
   * sender); returns the chats to flush. Called by the dispatcher only.
   */
  fanOut(now: Date, channels: readonly string[] = ["telegram"]): Array<{ channel: string; chatId: string }> {
    const { store } = this.o;
    const limitsOf = this.o.chatLimits ?? defaultChatLimits;
    return store.transaction(() => {
      const at = now.toISOString();
      const chats = new Map<string, { channel: string; chatId: string }>();
      const work = new TicketWork(this.o, at, "fanout");
      for (const row of store.duePending("duty", at, 200)) {
        if ((row.payload as { kind?: string }).kind === "ticket_updated") {
          const incident = store.incidentByTicket((row.payload as TicketUpdated).ticketId);
          // Its own key prefix: the redrawn messages of each update are new rows, and a repeated pass is a no-op.
          const update = new TicketWork(this.o, at, `upd:${row.idempotencyKey ?? row.id}`);
          if (incident) refreshPreliminary(update, incident, (row.payload as TicketUpdated).complete);
          for (const c of update.touched.values()) chats.set(`${c.channel}:${c.chatId}`, c);
          store.markSent(row.id, at, {});
          continue;
        }
        const routed = row.payload as RoutedTicket;
        const incident = store.incidentByTicket(routed.ticketId);
        if (incident) {
          work.armNewTicket(incident);
          recordRelatedKeys(store, incident);
          // E-mail does not wait for a duty chat to be bound (the job is armed once, whatever the chats).
          // The e-mails and the reporter's copy carry the initial report as documents: rendered by a job of
          // their own, so the duty posts do not wait for the rendering. A preliminary ticket's units get the
          // alert's e-mail now and the documents once the report is complete.
          if (incident.preliminary) alertEmail(this.o, work, incident, routed);
          else armDocuments(work, incident);
          // The unit's person on duty is paged whether or not a duty chat is bound (once per ticket and unit); a
          // quick alert pages at once: that is its purpose.
          startPaging(this.o, work, incident, routed.contactId);
        }
        const targets = store.bindingsOf(routed.contactId).filter((b) => channels.includes(b.channel));
        if (!incident || targets.length === 0) {
          // Nobody to tell yet: kept, and offered again once a chat is bound (never dropped).
          store.markRetry(row.id, new Date(now.getTime() + 60_000).toISOString(), "no duty chat bound");
          continue;
        }
        const message = renderDutyMessage(
          incident,
          routed,
          ticketView(store, incident),
          this.o.detail,
          work.rc(),
        );
        for (const target of targets) {
          const limits = limitsOf(target.channel, target.chatId);
          // In a storm the ticket is listed in the chat's digest instead of a post of its own (duty/storm.ts).
          if (limits && gatherIfStorm(store, limits, incident, target, now)) {
            chats.set(`${target.channel}:${target.chatId}`, {
              channel: target.channel,
              chatId: target.chatId,
            });
            continue;
          }
          // Telegram's keys stay as they were (rows queued before an upgrade keep their idempotency).
          const chat = target.channel === "telegram" ? target.chatId : `${target.channel}:${target.chatId}`;
          const key = `duty:${routed.ticketId}:${routed.contactId}:${chat}`;
          store.enqueue(key, target.channel, target.chatId, message, at);
          store.addDutyPost(incident.id, routed.contactId, target.channel, target.chatId, key, at);
          chats.set(`${target.channel}:${target.chatId}`, { channel: target.channel, chatId: target.chatId });
        }
        store.markSent(row.id, at, { chats: targets.map((t) => t.chatId) });
        for (const chat of markRelatedPosts(this.o, incident, limitsOf, now))
          chats.set(`${chat.channel}:${chat.chatId}`, chat);
      }
      for (const page of work.touched.values()) chats.set(`${page.channel}:${page.chatId}`, page);
      for (const chat of renderDigests(store, limitsOf, work.rc(), now, channels))
        chats.set(`${chat.channel}:${chat.chatId}`, chat);
      return [...chats.values()];
    });
  }

  /** Fires one of the desk's persisted jobs at most once; returns the chats that have messages to send. */
  fireJob(job: JobRow, now: Date): { duplicate: boolean; chats: string[] } {
    const { store } = this.o;
    return store.transaction(() => {
      if (!store.finishJob(job.id, job.dueAt)) return { duplicate: true, chats: [] };
      // A re-armed job keeps its row: the occurrence (its due time) makes each firing's messages new.
      const work = new TicketWork(this.o, now.toISOString(), `job:${job.id}:${job.dueAt}`);
      if (job.kind === PERIOD_GAPS_JOB) warnUncoveredHours(this.o, work, job);
      const incident = store.incidentByTicket(String(job.payload.ticketId ?? ""));
      if (incident) {
        switch (job.kind) {
          case ACK_DEADLINE_JOB:
            ackDeadlinePassed(this.o, work, incident, job);
            break;
          case UNRESOLVED_JOB:
            stillUnresolved(this.o, work, incident);
            break;
          case LEGAL_DEADLINE_JOB:
            legalDeadlineNear(this.o, work, incident, String(job.payload.deadline ?? ""));
            break;
          case PAGE_JOB:
            pageTimedOut(this.o, work, incident, String(job.payload.contactId ?? ""));
            break;
          case FINAL_REPORT_JOB:
            finalReportDue(this.o, work, incident, String(job.payload.resolvedAt ?? job.dueAt));
            break;
          case DOCUMENTS_JOB:
            deliverDocuments(this.o, work, incident, job.payload.afterAlert === true);
            break;
        }
      }
      return { duplicate: false, chats: [...work.touched.values()].map((c) => c.chatId) };
    });
  }
}

/** One duty update: who acts, with what authority, and what it changes. */
export class DutyTurn {
  readonly work: TicketWork;

  constructor(
    readonly o: DutyDeskOptions,
    readonly event: DutyEvent,
  ) {
    const at = event.at.toISOString();
    this.work = new TicketWork(o, at, `${event.channel}:${event.dedupeKey}:duty`);
    o.store.ensureUser(event.channel, event.userId, at);
    o.store.setDisplayName(event.channel, event.userId, event.userName);
  }

  get store() {
    return this.o.store;
  }

  get at(): string {
    return this.work.at;
  }

  get locale() {
    return resolveLocale(
      this.store.userLocale(this.event.channel, this.event.userId),
      undefined,
      this.o.defaultLocale,
    );
  }

  get actorId(): string {
    return `${this.event.channel}:${this.event.userId}`;
  }

  /** Every chat, on any channel, that has new messages. */
  targets(): Array<{ channel: string; chatId: string }> {
    return [...this.work.touched.values()];
  }

  /** The chats of a channel that have new messages. */
  chats(channel: string): string[] {
    return [...this.work.touched.values()].filter((c) => c.channel === channel).map((c) => c.chatId);
  }

  /** Answers in the chat the update came from, threaded under the message it answers where there is one. */
  reply(key: string, params?: Record<string, string | number>, replyTo?: string): string {
    return this.work.post(this.event.channel, this.event.chatId, {
      kind: "chat",
      text: this.work.t(this.locale, key, params),
      ...(replyTo ? { replyTo } : {}),
    });
  }

  isAdmin(): boolean {
    const { channel, userId } = this.event;
    return isAdmin(this.o.configAdmins, { channel, userId }, this.store.rolesOf(channel, userId));
  }

  /** The contacts this person acts for here: those of the duty chat they act in, and their duty roles. */
  actor(): TicketActor {
    const { channel, chatId, chatType, userId } = this.event;
    // A bound group's members act for its contacts; so does the person whose own private chat is bound.
    const viaChat =
      chatType === "group" || chatId === userId ? this.store.contactsOfChat(channel, chatId) : [];
    // A unit's leads and the people on its roster act for it too (a page reaches them in a private chat).
    const viaRole = [
      ...dutyContacts(this.store.rolesOf(channel, userId)),
      ...rosterContactsOf(this.store, `${channel}:${userId}`),
    ];
    return {
      id: this.actorId,
      name: this.event.userName,
      contacts: [...new Set([...viaChat, ...viaRole])],
      admin: this.isAdmin(),
    };
  }

  run(): void {
    const p = this.event.payload;
    if (p.kind === "action") {
      action(this, p.ticketId, p.action);
      return;
    }
    if (p.kind === "reply") {
      replyTo(this, p.replyTo, p.text, p.hasFile, p.file);
      return;
    }
    switch (p.command) {
      case "bind":
      case "unbind": {
        bind(this, p.command, p.args.trim().toLowerCase());
        return;
      }
      case "tickets": {
        tickets(this);
        return;
      }
      case "ticket": {
        ticket(this, p.args.trim().toUpperCase());
        return;
      }
      case "roster":
        rosterCommand(this, p.args);
        return;
      case "oncall":
        onCallCommand(this);
        return;
      case "period":
        periodCommand(this, p.args);
        return;
    }
  }
}

export { ticketToken };

/** Earlier related tickets whose posts are edited to show a new report's mark. */
const RELATED_REFRESH_MAX = 3;

/**
 * A new ticket related to earlier ones: their posts show the mark too ("possible duplicates of each other"),
 * edited now unless one of their chats is short of room (a storm), where the mark waits for their next edit.
 */
function markRelatedPosts(
  o: DutyDeskOptions,
  incident: IncidentRow,
  limitsOf: ChatLimitsOf,
  now: Date,
): Array<{ channel: string; chatId: string }> {
  const { store } = o;
  // Its own key prefix: the fan-out pass's would repeat on the next pass and its rows be taken for repeats.
  const work = new TicketWork(o, now.toISOString(), `related:${incident.ticketId}`);
  // The earliest few only: in a wave naming one target, editing every earlier post for each new report would
  // cost a send per post per report; the later ones show the mark on their own posts.
  for (const other of relatedIncidents(store, incident).slice(0, RELATED_REFRESH_MAX)) {
    const posts = store.dutyPosts(other.id);
    const roomy = posts.every((p) => {
      const limits = limitsOf(p.channel, p.chatId);
      return (
        !limits || chatLoad(store, p.channel, p.chatId, now) + 1 <= limits.perMinute - digestReserve(limits)
      );
    });
    if (roomy && relatedView(store, other).related.includes(incident.ticketId)) work.refreshDutyPosts(other);
  }
  return [...work.touched.values()];
}
