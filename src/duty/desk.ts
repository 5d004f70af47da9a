import type { TicketActor, TicketEvent } from "../../flows/ticket.ts";
import { enqueueTicketEmail } from "../delivery/email.ts";
import { deadlineAt, LEGAL_NOTIFICATION_MS } from "../domain/deadlines.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { escapeHtml } from "../i18n.ts";
import type { RoutedTicket } from "../messages.ts";
import { formatDateTime } from "../present/datetime.ts";
import type { IncidentRow, JobRow, PromptPurpose, PromptRow } from "../store/store.ts";
import { contactLabel, type DutyDetail, renderDutyMessage, ticketToken } from "./render.ts";
import {
  ACK_DEADLINE_JOB,
  type DutyDeskOptions,
  escalationCandidates,
  FINAL_REPORT_JOB,
  LEGAL_DEADLINE_JOB,
  SETTLED,
  TicketWork,
  ticketView,
  UNRESOLVED_JOB,
} from "./ticket-work.ts";

export type { DutyDeskOptions } from "./ticket-work.ts";
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
    | { kind: "command"; command: "bind" | "unbind" | "tickets" | "ticket"; args: string }
    | { kind: "action"; ticketId: string; action: string }
    /** A message answering one of the bot's messages (a question it asked, or a ticket's duty message). */
    | { kind: "reply"; replyTo: string; text: string; hasFile: boolean };
}

const SYSTEM_ACTOR: TicketActor = { id: "system:sla", name: "SLA", contacts: [], admin: true };
const TICKET_ID = /^SC-\d{4}-\d{6}$/;
/** Longest question, summary or reason kept (a Telegram message holds 4,096 characters; room for the frame). */
const MAX_TEXT = 2000;
/** Longest relayed answer once escaped for HTML, so the relay fits one Telegram message with its frame. */
const MAX_RELAY_HTML = 3500;

/** Cuts text so that its HTML-escaped form stays within `max` characters (entities are never split). */
function clipForHtml(text: string, max: number): string {
  let length = 0;
  let end = 0;
  for (const char of text) {
    const size = escapeHtml(char).length;
    if (length + size > max) return `${text.slice(0, end)}…`;
    length += size;
    end += char.length;
  }
  return text;
}

/** Buttons that change the ticket at once. */
const IMMEDIATE: Record<string, "ACK" | "TAKE" | "CLOSE" | "REOPEN"> = {
  ack: "ACK",
  take: "TAKE",
  close: "CLOSE",
  reopen: "REOPEN",
};
/** Buttons that first ask the officer for a text (a question, a summary, a reason, a ticket id). */
const PROMPTED: Record<string, { purpose: PromptPurpose; probe: TicketEvent["type"] }> = {
  ask: { purpose: "ask", probe: "ASK" },
  resolve: { purpose: "resolve", probe: "RESOLVE" },
  reject: { purpose: "reject", probe: "REJECT" },
  dup: { purpose: "duplicate", probe: "DUPLICATE" },
};

/**
 * The duty officers' side: binding chats to contacts, ticket buttons, the question/answer relay with the
 * reporter, duty commands and the reminders nobody may miss. Each update is one transaction (dedupe,
 * authority checked on the server, ticket machine step, timeline, audit, messages as outbox rows).
 */
export class DutyDesk {
  constructor(private readonly o: DutyDeskOptions) {}

  /** Applies one duty update at most once; returns the chats that have messages to send. */
  handle(event: DutyEvent): { duplicate: boolean; chats: string[] } {
    const { store } = this.o;
    return store.transaction(() => {
      if (!store.markProcessed(event.channel, event.dedupeKey, event.at.toISOString())) {
        return { duplicate: true, chats: [] };
      }
      const turn = new DutyTurn(this.o, event);
      turn.run();
      return { duplicate: false, chats: turn.chats(event.channel) };
    });
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

  /** Posts routed tickets into the duty chats bound to their contacts; returns the chats to flush. */
  fanOut(now: Date, channel = "telegram"): string[] {
    const { store } = this.o;
    return store.transaction(() => {
      const at = now.toISOString();
      const chats = new Set<string>();
      const work = new TicketWork(this.o, at, "fanout");
      for (const row of store.duePending("duty", at, 200)) {
        const routed = row.payload as RoutedTicket;
        const incident = store.incidentByTicket(routed.ticketId);
        if (incident) work.armNewTicket(incident);
        const contact = store.contact(routed.contactId);
        // E-mail does not wait for a duty chat to be bound; the key makes a repeated pass a no-op.
        if (incident && contact?.active && this.o.email) {
          enqueueTicketEmail(store, incident, routed, contact, work.rc(), at, {
            ...(this.o.email.messageIdDomain ? { messageIdDomain: this.o.email.messageIdDomain } : {}),
          });
        }
        const targets = store.bindingsOf(routed.contactId).filter((b) => b.channel === channel);
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
          const key = `duty:${routed.ticketId}:${routed.contactId}:${target.chatId}`;
          store.enqueue(key, channel, target.chatId, message, at);
          store.addDutyPost(incident.id, routed.contactId, channel, target.chatId, key, at);
          chats.add(target.chatId);
        }
        store.markSent(row.id, at, { chats: targets.map((t) => t.chatId) });
      }
      return [...chats];
    });
  }

  /** Fires one of the desk's persisted jobs at most once; returns the chats that have messages to send. */
  fireJob(job: JobRow, now: Date): { duplicate: boolean; chats: string[] } {
    const { store } = this.o;
    return store.transaction(() => {
      if (!store.finishJob(job.id, job.dueAt)) return { duplicate: true, chats: [] };
      // A re-armed job keeps its row: the occurrence (its due time) makes each firing's messages new.
      const work = new TicketWork(this.o, now.toISOString(), `job:${job.id}:${job.dueAt}`);
      const incident = store.incidentByTicket(String(job.payload.ticketId ?? ""));
      if (incident) {
        switch (job.kind) {
          case ACK_DEADLINE_JOB:
            this.ackDeadlinePassed(work, incident, job);
            break;
          case UNRESOLVED_JOB:
            this.stillUnresolved(work, incident);
            break;
          case LEGAL_DEADLINE_JOB:
            this.legalDeadlineNear(work, incident, String(job.payload.deadline ?? ""));
            break;
          case FINAL_REPORT_JOB:
            this.finalReportDue(work, incident, String(job.payload.resolvedAt ?? job.dueAt));
            break;
        }
      }
      return { duplicate: false, chats: [...work.touched.values()].map((c) => c.chatId) };
    });
  }

  /**
   * Still unacknowledged at its deadline: a reminder in its duty chats, escalation to the next organisation
   * of the chain not yet on the ticket, the reporter told, and the deadline armed again from now.
   */
  private ackDeadlinePassed(work: TicketWork, incident: IncidentRow, job: JobRow): void {
    if (!["new", "escalated"].includes(incident.status)) return;
    const locale = this.o.defaultLocale;
    work.toDutyChats(incident, "duty:sla.reminder", {
      ticketId: incident.ticketId,
      severity: work.t(locale, severityLabelKey(incident.severity as 1 | 2 | 3 | 4)),
      deadline: formatDateTime(job.dueAt, this.o.timeZone),
    });
    const onTicket = incident.routing.destinations.map((d) => d.contactId);
    const next = escalationCandidates(work.store.contacts(), onTicket, "sla")[0];
    const escalated = next ? work.escalate(incident, next.id, SYSTEM_ACTOR, "ack_deadline") : undefined;
    if (next && escalated) {
      work.toReporter(incident, "duty:sla.escalated", {
        ticketId: incident.ticketId,
        contact: work.contactName(next.id, work.reporterLocale(incident)),
      });
      work.refreshDutyPosts(escalated);
    }
    work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.ack_deadline", incident.ticketId, "ok", {
      escalatedTo: escalated ? (next?.id ?? null) : null,
    });
    if (!escalated) {
      work.store.scheduleJob(
        `ack:${incident.ticketId}`,
        ACK_DEADLINE_JOB,
        deadlineAt(work.at, this.o.ackDeadlines[incident.severity as 1 | 2 | 3 | 4], this.o.timeZone),
        { ticketId: incident.ticketId, from: work.at },
        work.at,
      );
    }
  }

  /** Acknowledged but not resolved after the configured time: raised again in its duty chats, and re-armed. */
  private stillUnresolved(work: TicketWork, incident: IncidentRow): void {
    if (!["acknowledged", "in_progress", "waiting_reporter"].includes(incident.status)) return;
    const last = work.store.timeline(incident.id).at(-1);
    work.toDutyChats(incident, "duty:sla.unresolved", {
      ticketId: incident.ticketId,
      status: work.t(this.o.defaultLocale, `common:ticketStatus.${incident.status}`),
      since: formatDateTime(last?.at ?? incident.createdAt, this.o.timeZone),
    });
    work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.unresolved_reminder", incident.ticketId, "ok", {});
    work.store.scheduleJob(
      `unresolved:${incident.ticketId}`,
      UNRESOLVED_JOB,
      work.later(this.o.unresolvedReminderMs ?? 24 * 3_600_000),
      { ticketId: incident.ticketId },
      work.at,
    );
  }

  /**
   * The 5-day notification clock of Circular 20/2017 is about to run out and no organisation has confirmed
   * receiving the ticket: the duty chats are asked to acknowledge, the reporter to notify formally as well.
   */
  private legalDeadlineNear(work: TicketWork, incident: IncidentRow, deadline: string): void {
    // Once an organisation has acknowledged the ticket, the notification the Circular asks for was received.
    if (!["new", "escalated"].includes(incident.status)) return;
    const when = formatDateTime(deadline || incident.detectedAt, this.o.timeZone);
    work.toDutyChats(incident, "duty:sla.legalDuty", { ticketId: incident.ticketId, deadline: when });
    work.toReporter(incident, "duty:sla.legalReporter", { ticketId: incident.ticketId, deadline: when });
    work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.legal_warning", incident.ticketId, "ok", {});
  }

  /** A few days after resolution: the reporter is reminded that the final report is due within 5 days. */
  private finalReportDue(work: TicketWork, incident: IncidentRow, resolvedAt: string): void {
    if (!["resolved", "closed"].includes(incident.status)) return;
    work.toReporter(incident, "duty:sla.finalReport", {
      ticketId: incident.ticketId,
      resolvedAt: formatDateTime(resolvedAt, this.o.timeZone),
      deadline: formatDateTime(
        new Date(Date.parse(resolvedAt) + LEGAL_NOTIFICATION_MS).toISOString(),
        this.o.timeZone,
      ),
    });
    work.store.audit(work.at, SYSTEM_ACTOR.id, "ticket.final_report_reminder", incident.ticketId, "ok", {});
  }
}

/** One duty update: who acts, with what authority, and what it changes. */
class DutyTurn {
  private readonly work: TicketWork;

  constructor(
    private readonly o: DutyDeskOptions,
    private readonly event: DutyEvent,
  ) {
    const at = event.at.toISOString();
    this.work = new TicketWork(o, at, `${event.channel}:${event.dedupeKey}:duty`);
    o.store.ensureUser(event.channel, event.userId, at);
    o.store.setDisplayName(event.channel, event.userId, event.userName);
  }

  private get store() {
    return this.o.store;
  }

  private get at(): string {
    return this.work.at;
  }

  private get locale() {
    const saved = this.store.userLocale(this.event.channel, this.event.userId);
    return saved === "en" || saved === "vi" ? saved : this.o.defaultLocale;
  }

  private get actorId(): string {
    return `${this.event.channel}:${this.event.userId}`;
  }

  /** The chats of a channel that have new messages. */
  chats(channel: string): string[] {
    return [...this.work.touched.values()].filter((c) => c.channel === channel).map((c) => c.chatId);
  }

  /** Answers in the chat the update came from, threaded under the message it answers where there is one. */
  private reply(key: string, params?: Record<string, string | number>, replyTo?: string): string {
    return this.work.post(this.event.channel, this.event.chatId, {
      kind: "chat",
      text: this.work.t(this.locale, key, params),
      ...(replyTo ? { replyTo } : {}),
    });
  }

  private isAdmin(): boolean {
    const { channel, userId } = this.event;
    return (
      (this.o.configAdmins[channel] ?? []).includes(userId) ||
      this.store.rolesOf(channel, userId).some((r) => r.role === "admin")
    );
  }

  /** The contacts this person acts for here: those of the duty chat they act in, and their duty roles. */
  private actor(): TicketActor {
    const { channel, chatId, chatType, userId } = this.event;
    // A bound group's members act for its contacts; so does the person whose own private chat is bound.
    const viaChat =
      chatType === "group" || chatId === userId ? this.store.contactsOfChat(channel, chatId) : [];
    const viaRole = this.store
      .rolesOf(channel, userId)
      .filter((r) => r.role === "duty")
      .map((r) => r.contactId);
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
      this.action(p.ticketId, p.action);
      return;
    }
    if (p.kind === "reply") {
      this.replyTo(p.replyTo, p.text, p.hasFile);
      return;
    }
    switch (p.command) {
      case "bind":
      case "unbind": {
        this.bind(p.command, p.args.trim().toLowerCase());
        return;
      }
      case "tickets": {
        this.tickets();
        return;
      }
      case "ticket": {
        this.ticket(p.args.trim().toUpperCase());
        return;
      }
    }
  }

  private bind(command: "bind" | "unbind", contactId: string): void {
    const { channel, chatId } = this.event;
    if (!this.isAdmin()) {
      this.store.audit(this.at, this.actorId, `duty.${command}`, `${channel}:${chatId}`, "denied", {
        contactId: contactId.slice(0, 40),
      });
      this.reply("duty:bind.adminOnly");
      return;
    }
    const contacts = this.store.contacts();
    const ids = contacts.map((c) => c.id).join(", ");
    const rc = this.work.rc(this.locale);
    if (command === "unbind") {
      const bound = contactId ? [contactId] : this.store.contactsOfChat(channel, chatId);
      if (bound.length === 0) {
        this.reply("duty:bind.notBound");
        return;
      }
      for (const id of bound) {
        if (this.store.unbindChat(id, channel, chatId)) {
          this.store.audit(this.at, this.actorId, "duty.unbind", `${channel}:${chatId}`, "ok", {
            contactId: id,
          });
          this.reply("duty:bind.removed", { contact: contactLabel(contacts, id, rc) });
        }
      }
      return;
    }
    if (!contactId) {
      this.reply("duty:bind.usage", { ids });
      return;
    }
    if (!contacts.some((c) => c.id === contactId)) {
      this.reply("duty:bind.unknownContact", { id: contactId.slice(0, 40), ids });
      return;
    }
    const added = this.store.bindChat(contactId, channel, chatId, this.actorId, this.at);
    if (added)
      this.store.audit(this.at, this.actorId, "duty.bind", `${channel}:${chatId}`, "ok", { contactId });
    this.reply(added ? "duty:bind.done" : "duty:bind.already", {
      contact: contactLabel(contacts, contactId, rc),
    });
  }

  /** Refuses an action: audited, and the person told whether it is the state or their authority. */
  private refuse(incident: IncidentRow, action: string, actor: TicketActor): void {
    const contacts = (this.work.snapshot(incident).context as { contacts: string[] }).contacts;
    const allowed = actor.admin || actor.contacts.some((c) => contacts.includes(c));
    this.store.audit(this.at, this.actorId, `ticket.${action}`, incident.ticketId, "denied", {
      reason: allowed ? "state" : "authority",
      status: incident.status,
    });
    if (allowed) {
      this.reply("duty:action.notNow", {
        ticketId: incident.ticketId,
        status: this.work.t(this.locale, `common:ticketStatus.${incident.status}`),
      });
    } else {
      this.reply("duty:action.notAllowed");
    }
  }

  private action(ticketId: string, action: string): void {
    const incident = TICKET_ID.test(ticketId) ? this.store.incidentByTicket(ticketId) : undefined;
    const [verb = "", target = ""] = action.split(/:(.*)/s);
    const known = verb in IMMEDIATE || verb in PROMPTED || ["escalate", "esc", "dupreject"].includes(verb);
    if (!incident || !known) {
      this.store.audit(this.at, this.actorId, "ticket.action", ticketId.slice(0, 40), "denied", {
        action: action.slice(0, 20),
        reason: "unknown",
      });
      this.reply("duty:action.unknownTicket");
      return;
    }
    const actor = this.actor();
    const immediate = IMMEDIATE[verb];
    if (immediate) {
      this.transition(incident, { type: immediate, actor, at: this.at }, verb, {});
      return;
    }
    const prompted = PROMPTED[verb];
    if (prompted) {
      if (!this.probe(incident, prompted.probe, actor)) {
        this.refuse(incident, verb, actor);
        return;
      }
      this.prompt(incident, prompted.purpose);
      return;
    }
    if (verb === "dupreject") {
      const can = this.probe(incident, "DUPLICATE", actor) || this.probe(incident, "REJECT", actor);
      if (!can) {
        this.refuse(incident, verb, actor);
        return;
      }
      this.work.post(this.event.channel, this.event.chatId, {
        kind: "chat",
        text: this.work.t(this.locale, "duty:dupreject.question", { ticketId: incident.ticketId }),
        token: ticketToken(incident.ticketId),
        choices: [
          { value: "dup", label: this.work.t(this.locale, "duty:button.dup") },
          { value: "reject", label: this.work.t(this.locale, "duty:button.reject") },
        ],
        ...(this.event.messageRef ? { replyTo: this.event.messageRef } : {}),
      });
      return;
    }
    const onTicket = incident.routing.destinations.map((d) => d.contactId);
    const candidates = escalationCandidates(this.store.contacts(), onTicket);
    if (verb === "escalate") {
      if (!this.probe(incident, "ESCALATE", actor, candidates[0]?.id ?? "none")) {
        this.refuse(incident, verb, actor);
        return;
      }
      if (candidates.length === 0) {
        this.reply("duty:escalate.none", { ticketId: incident.ticketId });
        return;
      }
      const rc = this.work.rc(this.locale);
      this.work.post(this.event.channel, this.event.chatId, {
        kind: "chat",
        text: this.work.t(this.locale, "duty:escalate.question", { ticketId: incident.ticketId }),
        token: ticketToken(incident.ticketId),
        choices: candidates.map((c) => ({ value: `esc:${c.id}`, label: contactLabel([c], c.id, rc) })),
        ...(this.event.messageRef ? { replyTo: this.event.messageRef } : {}),
      });
      return;
    }
    // esc:<contact>: only a contact offered (active, in the chain, not on the ticket yet) is accepted.
    if (!candidates.some((c) => c.id === target)) {
      this.store.audit(this.at, this.actorId, "ticket.escalate", incident.ticketId, "denied", {
        reason: "target",
        to: target.slice(0, 40),
      });
      this.reply("duty:escalate.badTarget");
      return;
    }
    const escalated = this.work.escalate(incident, target, actor, "manual");
    if (!escalated) {
      this.refuse(incident, "escalate", actor);
      return;
    }
    this.store.audit(this.at, this.actorId, "ticket.escalate", incident.ticketId, "ok", { to: target });
    this.work.refreshDutyPosts(escalated);
    this.work.toReporter(escalated, "duty:notify.escalated", {
      ticketId: incident.ticketId,
      contact: this.work.contactName(target, this.work.reporterLocale(incident)),
    });
  }

  /** Whether the machine would accept this kind of event from this actor now (before asking for its text). */
  private probe(incident: IncidentRow, type: TicketEvent["type"], actor: TicketActor, to = "x"): boolean {
    const base = { actor, at: this.at };
    const event: TicketEvent =
      type === "ASK"
        ? { type, question: "?", ...base }
        : type === "RESOLVE"
          ? { type, summary: "?", ...base }
          : type === "REJECT"
            ? { type, reason: "?", ...base }
            : type === "DUPLICATE"
              ? { type, of: "?", ...base }
              : type === "ESCALATE"
                ? { type, to, reason: "manual", ...base }
                : ({ type, ...base } as TicketEvent);
    return this.work.snapshot(incident).can(event);
  }

  /** Asks the officer for the text an action needs; their reply to this message carries it. */
  private prompt(incident: IncidentRow, purpose: PromptPurpose): void {
    const key = this.work.post(this.event.channel, this.event.chatId, {
      kind: "chat",
      text: this.work.t(this.locale, `duty:prompt.${purpose}`, {
        ticketId: incident.ticketId,
        name: this.event.userName,
      }),
      forceReply: true,
      ...(this.event.messageRef ? { replyTo: this.event.messageRef } : {}),
    });
    this.store.addPrompt(
      {
        outboxKey: key,
        incidentId: incident.id,
        channel: this.event.channel,
        chatId: this.event.chatId,
        purpose,
        userId: this.event.userId,
        replyChat: null,
        replyKey: null,
      },
      this.at,
    );
  }

  /** A status change by a person: applied if allowed, then audit, duty messages and the reporter told. */
  private transition(
    incident: IncidentRow,
    event: TicketEvent,
    action: string,
    timeline: Record<string, unknown>,
  ): IncidentRow | undefined {
    const updated = this.work.apply(incident, event, { action, ...timeline });
    if (!updated) {
      this.refuse(incident, action, event.actor);
      return undefined;
    }
    this.store.audit(this.at, this.actorId, `ticket.${action}`, incident.ticketId, "ok", {
      status: updated.status,
    });
    this.work.refreshDutyPosts(updated);
    this.notifyReporter(updated, event.actor);
    return updated;
  }

  /** Tells the reporter, in their language, what happened to their ticket. */
  private notifyReporter(incident: IncidentRow, actor: TicketActor): void {
    const key = `duty:notify.${incident.status}`;
    if (!this.o.translator.exists(key)) return;
    const routedTo = incident.routing.destinations;
    const contactId =
      actor.contacts.find((c) => routedTo.some((d) => d.contactId === c)) ?? routedTo[0]?.contactId ?? "";
    const view = ticketView(this.store, incident);
    this.work.toReporter(incident, key, {
      ticketId: incident.ticketId,
      contact: this.work.contactName(contactId, this.work.reporterLocale(incident)),
      summary: view.resolution ?? "",
      reason: view.reason ?? "",
      of: view.duplicateOf ?? "",
    });
  }

  /** A reply to one of the bot's messages: the text a prompt asked for, an answer, or a note to the reporter. */
  private replyTo(replyTo: string, rawText: string, hasFile: boolean): void {
    const messageId = Number(replyTo);
    if (!Number.isSafeInteger(messageId)) return;
    const { channel, chatId } = this.event;
    const prompt = this.store.promptByMessage(channel, chatId, messageId);
    const text = rawText.trim();
    if (prompt?.purpose === "answer") {
      this.reporterAnswer(prompt, text, hasFile);
      return;
    }
    const incident = prompt
      ? this.store.incidentById(prompt.incidentId)
      : this.store.incidentById(this.store.dutyPostByMessage(channel, chatId, messageId)?.incidentId ?? 0);
    // Chatter in a duty group that answers nothing of ours is the group's own business.
    if (!incident) return;
    const purpose: PromptPurpose = prompt?.purpose ?? "ask";
    if (!text) {
      this.reply(`duty:prompt.empty.${purpose}`, { ticketId: incident.ticketId });
      return;
    }
    if (text.length > MAX_TEXT) {
      this.reply("duty:prompt.tooLong", { max: MAX_TEXT, length: text.length });
      return;
    }
    const actor = this.actor();
    const done = this.applyPrompted(incident, purpose, text, actor);
    if (done && prompt) this.store.answerPrompt(prompt.id, this.at);
  }

  private applyPrompted(
    incident: IncidentRow,
    purpose: PromptPurpose,
    text: string,
    actor: TicketActor,
  ): boolean {
    const base = { actor, at: this.at };
    switch (purpose) {
      case "ask": {
        const updated = this.transition(incident, { type: "ASK", question: text, ...base }, "ask", {
          question: text,
        });
        if (!updated) return false;
        this.relayQuestion(updated, text, actor);
        return true;
      }
      case "resolve":
        return (
          this.transition(incident, { type: "RESOLVE", summary: text, ...base }, "resolve", {
            summary: text,
          }) !== undefined
        );
      case "reject":
        return (
          this.transition(incident, { type: "REJECT", reason: text, ...base }, "reject", { reason: text }) !==
          undefined
        );
      case "duplicate": {
        const of = (/SC-\d{4}-\d{6}/i.exec(text)?.[0] ?? "").toUpperCase();
        if (!of || of === incident.ticketId || !this.store.incidentByTicket(of)) {
          this.reply("duty:prompt.badDuplicate", { value: text.slice(0, 40) });
          return false;
        }
        return (
          this.transition(incident, { type: "DUPLICATE", of, ...base }, "duplicate", { of }) !== undefined
        );
      }
      default:
        return false;
    }
  }

  /** Sends a duty officer's question to the reporter; their reply comes back under the officer's message. */
  private relayQuestion(incident: IncidentRow, question: string, actor: TicketActor): void {
    const locale = this.work.reporterLocale(incident);
    const routedTo = incident.routing.destinations;
    const contactId =
      actor.contacts.find((c) => routedTo.some((d) => d.contactId === c)) ?? routedTo[0]?.contactId ?? "";
    const key = this.work.post(incident.channel, incident.chatId, {
      kind: "chat",
      text: this.work.t(locale, "duty:relay.question", {
        ticketId: incident.ticketId,
        contact: this.work.contactName(contactId, locale),
        question,
      }),
      forceReply: true,
    });
    this.store.addPrompt(
      {
        outboxKey: key,
        incidentId: incident.id,
        channel: incident.channel,
        chatId: incident.chatId,
        purpose: "answer",
        userId: incident.reporterUserId,
        replyChat: `${this.event.channel}:${this.event.chatId}`,
        replyKey: this.event.messageRef ?? null,
      },
      this.at,
    );
    this.reply("duty:relay.sent", { ticketId: incident.ticketId }, this.event.messageRef);
  }

  /** The reporter answers a relayed question: text or a file goes back into the duty chat's thread. */
  private reporterAnswer(prompt: PromptRow, text: string, hasFile: boolean): void {
    const incident = this.store.incidentById(prompt.incidentId);
    if (!incident) return;
    if (this.event.userId !== prompt.userId) {
      this.store.audit(this.at, this.actorId, "ticket.reply", incident.ticketId, "denied", {
        reason: "authority",
      });
      this.reply("duty:action.notAllowed");
      return;
    }
    if (SETTLED.has(incident.status)) {
      this.reply("duty:relay.closed", { ticketId: incident.ticketId });
      return;
    }
    if (!text && !hasFile) {
      this.reply("duty:relay.empty");
      return;
    }
    // The duty chat is on its own channel (the reporter may write from another one).
    const [dutyChannel = this.event.channel, dutyChat = ""] = (prompt.replyChat ?? "").split(/:(.*)/s);
    const threaded = prompt.replyKey ? { replyTo: prompt.replyKey } : {};
    const locale = this.o.defaultLocale;
    const clipped = clipForHtml(text, MAX_RELAY_HTML);
    const relayed = this.work.post(dutyChannel, dutyChat, {
      kind: "chat",
      text: this.work.t(locale, hasFile ? "duty:relay.fileFromReporter" : "duty:relay.answer", {
        ticketId: incident.ticketId,
        text: clipped,
      }),
      ...threaded,
    });
    // An officer replying to the relayed answer asks a follow-up question, like a reply to the ticket message.
    this.store.addPrompt(
      {
        outboxKey: relayed,
        incidentId: incident.id,
        channel: dutyChannel,
        chatId: dutyChat,
        purpose: "ask",
        userId: "",
        replyChat: null,
        replyKey: null,
      },
      this.at,
    );
    if (hasFile && this.event.messageRef && dutyChannel === this.event.channel) {
      this.work.post(dutyChannel, dutyChat, {
        kind: "copy",
        fromChatId: this.event.chatId,
        messageRef: this.event.messageRef,
        ...threaded,
      });
    }
    const reporter: TicketActor = { id: this.actorId, name: this.event.userName, contacts: [], admin: false };
    const details = { text: clipped.slice(0, 500), file: hasFile };
    // The first answer moves the ticket back to in progress; later ones are relayed as they come.
    const moved = this.work.apply(
      incident,
      { type: "REPLY", actor: reporter, at: this.at },
      {
        action: "reporter_replied",
        ...details,
      },
    );
    if (moved) this.work.refreshDutyPosts(moved);
    else this.store.addTimeline(incident.id, this.at, this.actorId, "reporter_replied", details);
    this.store.audit(this.at, this.actorId, "ticket.reply", incident.ticketId, "ok", { file: hasFile });
    this.reply("duty:relay.delivered", { ticketId: incident.ticketId });
  }

  private tickets(): void {
    const actor = this.actor();
    if (actor.contacts.length === 0 && !actor.admin) {
      this.reply("duty:tickets.notDuty");
      return;
    }
    // In a group everyone reads the answer: only its own units' tickets, even when an admin asks.
    const contacts =
      this.event.chatType === "group"
        ? this.store.contactsOfChat(this.event.channel, this.event.chatId)
        : actor.admin
          ? this.store.contacts().map((c) => c.id)
          : actor.contacts;
    const open = this.store.openTicketsOf(contacts);
    if (open.length === 0) {
      this.reply("duty:tickets.none");
      return;
    }
    const t = (key: string) => this.work.t(this.locale, key);
    const lines = open.map(
      (i) =>
        `• <b>${escapeHtml(i.ticketId)}</b> — ${t(`severity:level.${i.severity}`)} — ${t(`common:ticketStatus.${i.status}`)}`,
    );
    this.work.post(this.event.channel, this.event.chatId, {
      kind: "chat",
      text: `${t("duty:tickets.title")}\n${lines.join("\n")}`,
    });
  }

  private ticket(ticketId: string): void {
    if (!TICKET_ID.test(ticketId)) {
      this.reply("duty:ticket.usage");
      return;
    }
    const incident = this.store.incidentByTicket(ticketId);
    const actor = this.actor();
    const routedTo = (incident?.routing.destinations ?? []).map((d) => d.contactId);
    if (!incident || !(actor.admin || actor.contacts.some((c) => routedTo.includes(c)))) {
      this.store.audit(this.at, this.actorId, "ticket.view", ticketId, "denied", {});
      this.reply("duty:action.unknownTicket");
      return;
    }
    // Full details, and only in a private chat: the point of the minimal mode is to keep them out of groups.
    const detail: DutyDetail = this.event.chatType === "private" ? "full" : this.o.detail;
    const destination = incident.routing.destinations.find((d) => actor.contacts.includes(d.contactId)) ?? {
      kinds: [],
      rules: [],
    };
    this.work.post(
      this.event.channel,
      this.event.chatId,
      renderDutyMessage(
        incident,
        destination,
        ticketView(this.store, incident),
        detail,
        this.work.rc(this.locale),
      ),
    );
  }
}

export { ticketToken };
