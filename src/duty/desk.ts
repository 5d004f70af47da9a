import { type TicketActor, type TicketEvent, ticketMachine, ticketStatus } from "../../flows/ticket.ts";
import type { DeadlineSpec } from "../config.ts";
import { deadlineAt } from "../domain/deadlines.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { MachineRunner } from "../engine/machine-runner.ts";
import type { RenderContext } from "../engine/render.ts";
import { formatDateTime } from "../engine/render.ts";
import type { ChatMessage, EditMessage, RoutedTicket } from "../engine/types.ts";
import { escapeHtml, isLocale, type Locale, type Translator } from "../i18n.ts";
import type { IncidentRow, JobRow, Store } from "../store/store.ts";
import { contactLabel, type DutyDetail, renderDutyMessage, ticketToken } from "./render.ts";

/** An update for the duty side: a command in a duty chat, or a press of a ticket's button. */
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
    | { kind: "action"; ticketId: string; action: string };
}

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
  /** Who a ticket not acknowledged in time goes to next, in order: the first contact not yet on the ticket. */
  escalationChain?: readonly string[];
}

export const ACK_DEADLINE_JOB = "ack_deadline";
const SYSTEM_ACTOR: TicketActor = { id: "system:sla", name: "SLA", contacts: [], admin: true };
const DEFAULT_ESCALATION_CHAIN = ["provincial", "vncert", "ncsc"];

const TICKET_ID = /^SC-\d{4}-\d{6}$/;
const ACTIONS: Record<string, "ACK" | "TAKE"> = { ack: "ACK", take: "TAKE" };
const runner = new MachineRunner(ticketMachine, {
  ticketId: "SC-0000-000000",
  reporter: "",
  contacts: [],
  at: "",
});

/**
 * The duty officers' side: binding chats to contacts, ticket buttons and duty commands. Each update is one
 * transaction (dedupe, authority checked on the server, ticket machine step, timeline, audit, messages).
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
      return { duplicate: false, chats: turn.commit() };
    });
  }

  /** Posts routed tickets into the duty chats bound to their contacts; returns the chats to flush. */
  fanOut(now: Date, channel = "telegram"): string[] {
    const { store, translator } = this.o;
    return store.transaction(() => {
      const at = now.toISOString();
      const chats = new Set<string>();
      const rc: RenderContext = { t: translator, locale: this.o.defaultLocale, timeZone: this.o.timeZone };
      for (const row of store.duePending("duty", at, 200)) {
        const routed = row.payload as RoutedTicket;
        const incident = store.incidentByTicket(routed.ticketId);
        if (incident) this.armAckDeadline(incident, incident.createdAt);
        const targets = store.bindingsOf(routed.contactId).filter((b) => b.channel === channel);
        if (!incident || targets.length === 0) {
          // Nobody to tell yet: kept, and offered again once a chat is bound (never dropped).
          store.markRetry(row.id, new Date(now.getTime() + 60_000).toISOString(), "no duty chat bound");
          continue;
        }
        const message = renderDutyMessage(incident, routed, ticketView(store, incident), this.o.detail, rc);
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

  /** Sets the acknowledge deadline of a ticket once; the clock starts when the ticket was created. */
  private armAckDeadline(incident: IncidentRow, from: string): void {
    const key = `ack:${incident.ticketId}`;
    if (this.o.store.job(key)) return;
    const spec = this.o.ackDeadlines[incident.severity as 1 | 2 | 3 | 4];
    const due = deadlineAt(from, spec, this.o.timeZone);
    this.o.store.scheduleJob(key, ACK_DEADLINE_JOB, due, { ticketId: incident.ticketId, from }, from);
  }

  /**
   * An acknowledge deadline passed. If the ticket is still unacknowledged: a reminder in its duty chats,
   * escalation to the next organisation not yet on the ticket, and the deadline armed again from now.
   */
  fireJob(job: JobRow, now: Date): { duplicate: boolean } {
    const { store, translator } = this.o;
    return store.transaction(() => {
      if (!store.finishJob(job.id)) return { duplicate: true };
      const incident = store.incidentByTicket(String(job.payload.ticketId ?? ""));
      if (!incident || !["new", "escalated"].includes(incident.status)) return { duplicate: false };
      const at = now.toISOString();
      const rc: RenderContext = { t: translator, locale: this.o.defaultLocale, timeZone: this.o.timeZone };
      const reminder = translator.t(rc.locale, "duty:sla.reminder", {
        ticketId: incident.ticketId,
        severity: translator.t(rc.locale, severityLabelKey(incident.severity as 1 | 2 | 3 | 4)),
        deadline: formatDateTime(job.dueAt, this.o.timeZone),
      });
      for (const post of store.dutyPosts(incident.id)) {
        store.enqueue(
          `sla:${job.id}:${post.chatId}`,
          post.channel,
          post.chatId,
          { kind: "chat", text: reminder },
          at,
        );
      }
      const onTicket = incident.routing.destinations.map((d) => d.contactId);
      const next = (this.o.escalationChain ?? DEFAULT_ESCALATION_CHAIN).find(
        (id) => !onTicket.includes(id) && store.contact(id)?.active,
      );
      if (next) this.escalate(incident, next, at);
      store.audit(at, SYSTEM_ACTOR.id, "ticket.ack_deadline", incident.ticketId, "ok", {
        escalatedTo: next ?? null,
      });
      store.scheduleJob(
        `ack:${incident.ticketId}`,
        ACK_DEADLINE_JOB,
        deadlineAt(at, this.o.ackDeadlines[incident.severity as 1 | 2 | 3 | 4], this.o.timeZone),
        { ticketId: incident.ticketId, from: at },
        at,
      );
      return { duplicate: false };
    });
  }

  private escalate(incident: IncidentRow, contactId: string, at: string): void {
    const { store } = this.o;
    const { snapshot } = store.ticketState(incident.id);
    const current = snapshot
      ? runner.restore(snapshot)
      : runner.initial({
          ticketId: incident.ticketId,
          reporter: `${incident.channel}:${incident.reporterUserId}`,
          contacts: incident.routing.destinations.map((d) => d.contactId),
          at: incident.createdAt,
        });
    const event: TicketEvent = {
      type: "ESCALATE",
      actor: SYSTEM_ACTOR,
      to: contactId,
      reason: "ack_deadline",
      at,
    };
    if (!current.can(event)) return;
    const next = runner.transition(current, event);
    const context = next.context as { assignee: string | null };
    store.saveTicket(incident.id, ticketStatus(next.value), runner.persist(next), context.assignee, at);
    const version = store.contact(contactId)?.version ?? 0;
    store.saveRouting(
      incident.id,
      {
        ...incident.routing,
        destinations: [
          ...incident.routing.destinations,
          { contactId, contactVersion: version, kinds: ["escalation"], rules: ["SLA"] },
        ],
      },
      at,
    );
    store.addTimeline(incident.id, at, SYSTEM_ACTOR.id, "escalated", {
      to: contactId,
      reason: "ack_deadline",
    });
    const routed: RoutedTicket = {
      kind: "ticket_routed",
      ticketId: incident.ticketId,
      contactId,
      contactVersion: version,
      kinds: ["escalation"],
      rules: ["SLA"],
    };
    store.enqueue(`ticket:${incident.ticketId}:${contactId}`, "duty", contactId, routed, at);
    const locale: Locale = isLocale(incident.reporterLocale) ? incident.reporterLocale : this.o.defaultLocale;
    const rc: RenderContext = { t: this.o.translator, locale, timeZone: this.o.timeZone };
    const text = this.o.translator.t(locale, "duty:sla.escalated", {
      ticketId: incident.ticketId,
      contact: contactLabel(store.contacts(), contactId, rc),
    });
    store.enqueue(
      `escalated:${incident.ticketId}:${contactId}`,
      incident.channel,
      incident.chatId,
      { kind: "chat", text },
      at,
    );
  }
}

/** A ticket's lifecycle view: status, who acknowledged and who handles it, with display names. */
function ticketView(store: Store, incident: IncidentRow) {
  const { snapshot, assignee } = store.ticketState(incident.id);
  const context = (snapshot as { context?: { acknowledgedBy?: string | null } } | null)?.context;
  const acknowledgedBy = context?.acknowledgedBy ?? null;
  const names: Record<string, string> = {};
  for (const id of [acknowledgedBy, assignee]) {
    if (!id) continue;
    const [channel = "", userId = ""] = id.split(/:(.*)/s);
    names[id] = store.displayName(channel, userId) ?? id;
  }
  return { status: incident.status, acknowledgedBy, assignee, names };
}

class DutyTurn {
  private readonly store: Store;
  private readonly at: string;
  private readonly rc: RenderContext;
  private readonly out: Array<{ chatId: string; payload: ChatMessage | EditMessage }> = [];

  constructor(
    private readonly o: DutyDeskOptions,
    private readonly event: DutyEvent,
  ) {
    this.store = o.store;
    this.at = event.at.toISOString();
    this.store.ensureUser(event.channel, event.userId, this.at);
    this.store.setDisplayName(event.channel, event.userId, event.userName);
    const saved = this.store.userLocale(event.channel, event.userId);
    this.rc = { t: o.translator, locale: isLocale(saved) ? saved : o.defaultLocale, timeZone: o.timeZone };
  }

  private get actorId(): string {
    return `${this.event.channel}:${this.event.userId}`;
  }

  private reply(key: string, params?: Record<string, string | number>): void {
    this.out.push({
      chatId: this.event.chatId,
      payload: { kind: "chat", text: this.rc.t.t(this.rc.locale, key, params) },
    });
  }

  private isAdmin(): boolean {
    const { channel, userId } = this.event;
    return (
      (this.o.configAdmins[channel] ?? []).includes(userId) ||
      this.store.rolesOf(channel, userId).some((r) => r.role === "admin")
    );
  }

  /** The contacts this person acts for here: those of the duty chat they press in, and their duty roles. */
  private actor(): TicketActor {
    const { channel, chatId, chatType, userId } = this.event;
    const viaChat = chatType === "group" ? this.store.contactsOfChat(channel, chatId) : [];
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
        contactId,
      });
      this.reply("duty:bind.adminOnly");
      return;
    }
    const contacts = this.store.contacts();
    const ids = contacts.map((c) => c.id).join(", ");
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
          this.reply("duty:bind.removed", { contact: contactLabel(contacts, id, this.rc) });
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
      contact: contactLabel(contacts, contactId, this.rc),
    });
  }

  private action(ticketId: string, action: string): void {
    const type = ACTIONS[action];
    const incident = TICKET_ID.test(ticketId) ? this.store.incidentByTicket(ticketId) : undefined;
    const subject = ticketId.slice(0, 40);
    if (!incident || !type) {
      this.store.audit(this.at, this.actorId, "ticket.action", subject, "denied", {
        action: action.slice(0, 20),
        reason: "unknown",
      });
      this.reply("duty:action.unknownTicket");
      return;
    }
    const actor = this.actor();
    const snapshot = this.snapshotOf(incident);
    const event: TicketEvent = { type, actor, at: this.at };
    if (!snapshot.can(event)) {
      const allowed =
        actor.admin ||
        actor.contacts.some((c) => (snapshot.context as { contacts: string[] }).contacts.includes(c));
      this.store.audit(this.at, this.actorId, `ticket.${action}`, incident.ticketId, "denied", {
        reason: allowed ? "state" : "authority",
        status: incident.status,
      });
      if (allowed) {
        this.reply("duty:action.notNow", {
          ticketId: incident.ticketId,
          status: this.rc.t.t(this.rc.locale, `common:ticketStatus.${incident.status}`),
        });
        return;
      }
      this.reply("duty:action.notAllowed");
      return;
    }
    const next = runner.transition(snapshot, event);
    const status = ticketStatus(next.value);
    const context = next.context as { assignee: string | null; contacts: string[] };
    this.store.saveTicket(incident.id, status, runner.persist(next), context.assignee, this.at);
    this.store.addTimeline(incident.id, this.at, this.actorId, status, { action, name: this.event.userName });
    this.store.audit(this.at, this.actorId, `ticket.${action}`, incident.ticketId, "ok", { status });
    const updated = this.store.incidentByTicket(incident.ticketId) ?? incident;
    this.refreshDutyPosts(updated);
    this.notifyReporter(updated, status, actor);
  }

  private snapshotOf(incident: IncidentRow) {
    const { snapshot } = this.store.ticketState(incident.id);
    if (snapshot) return runner.restore(snapshot);
    const destinations = incident.routing.destinations;
    return runner.initial({
      ticketId: incident.ticketId,
      reporter: `${incident.channel}:${incident.reporterUserId}`,
      contacts: destinations.map((d) => d.contactId),
      at: incident.createdAt,
    });
  }

  /** Every duty message of the ticket shows its new state (edited in place where Telegram has it). */
  private refreshDutyPosts(incident: IncidentRow): void {
    const destinations = incident.routing.destinations;
    const view = ticketView(this.store, incident);
    const rc: RenderContext = { ...this.rc, locale: this.o.defaultLocale };
    for (const post of this.store.dutyPosts(incident.id)) {
      const routed = destinations.find((d) => d.contactId === post.contactId) ?? { kinds: [], rules: [] };
      const message = renderDutyMessage(incident, routed, view, this.o.detail, rc);
      const messageRef = post.messageIds.at(-1);
      this.out.push({
        chatId: post.chatId,
        payload:
          messageRef === undefined
            ? message
            : {
                kind: "edit",
                messageRef: String(messageRef),
                text: message.text,
                ...(message.token ? { token: message.token, choices: message.choices ?? [] } : {}),
              },
      });
    }
  }

  /** Tells the reporter, in their language, what happened to their ticket. */
  private notifyReporter(incident: IncidentRow, status: string, actor: TicketActor): void {
    const key = `duty:notify.${status}`;
    if (!this.rc.t.exists(key)) return;
    const locale: Locale = isLocale(incident.reporterLocale) ? incident.reporterLocale : this.o.defaultLocale;
    const contacts = this.store.contacts();
    const routedTo = incident.routing.destinations;
    const contactId =
      actor.contacts.find((c) => routedTo.some((d) => d.contactId === c)) ?? routedTo[0]?.contactId ?? "";
    const rc: RenderContext = { ...this.rc, locale };
    const text = this.rc.t.t(locale, key, {
      ticketId: incident.ticketId,
      contact: contactLabel(contacts, contactId, rc),
    });
    this.store.enqueue(
      `notify:${incident.ticketId}:${this.event.dedupeKey}`,
      incident.channel,
      incident.chatId,
      { kind: "chat", text },
      this.at,
    );
  }

  private tickets(): void {
    const actor = this.actor();
    if (actor.contacts.length === 0 && !actor.admin) {
      this.reply("duty:tickets.notDuty");
      return;
    }
    const contacts = actor.admin ? this.store.contacts().map((c) => c.id) : actor.contacts;
    const open = this.store.openTicketsOf(contacts);
    if (open.length === 0) {
      this.reply("duty:tickets.none");
      return;
    }
    const lines = open.map(
      (i) =>
        `• <b>${escapeHtml(i.ticketId)}</b> — ${this.rc.t.t(this.rc.locale, `severity:level.${i.severity}`)} — ${this.rc.t.t(this.rc.locale, `common:ticketStatus.${i.status}`)}`,
    );
    this.out.push({
      chatId: this.event.chatId,
      payload: {
        kind: "chat",
        text: `${this.rc.t.t(this.rc.locale, "duty:tickets.title")}\n${lines.join("\n")}`,
      },
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
    this.out.push({
      chatId: this.event.chatId,
      payload: renderDutyMessage(incident, destination, ticketView(this.store, incident), detail, this.rc),
    });
  }

  commit(): string[] {
    const chats = new Set<string>();
    this.out.forEach((m, i) => {
      this.store.enqueue(
        `${this.event.channel}:${this.event.dedupeKey}:duty:${i}`,
        this.event.channel,
        m.chatId,
        m.payload,
        this.at,
      );
      chats.add(m.chatId);
    });
    return [...chats];
  }
}

export { ticketToken };
