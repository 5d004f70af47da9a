import type { TicketActor, TicketEvent } from "../../flows/ticket.ts";
import { mayHandleTicket } from "../domain/authority.ts";
import { clipText } from "../domain/text-cut.ts";
import { findTicketId, isTicketId } from "../domain/tickets.ts";
import { escapeHtml } from "../i18n.ts";
import type { IncidentRow, PromptPurpose } from "../store/store.ts";
import type { DutyTurn } from "./desk.ts";
import { relatedView } from "./related.ts";
import { relayQuestion } from "./relay.ts";
import { contactLabel, type DutyDetail, renderDutyMessage, ticketToken } from "./render.ts";
import { ticketView } from "./ticket-view.ts";
import { escalationCandidates } from "./ticket-work.ts";

// What duty officers do: duty commands, the buttons of a ticket and the texts some of them ask for first.

/** The buttons a duty post carries (the questions the desk asks after it carry the others). */
const POST_VERBS = new Set(["ack", "take", "ask", "escalate", "dupreject", "resolve", "close", "reopen"]);

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

export function bind(turn: DutyTurn, command: "bind" | "unbind", contactId: string): void {
  const { channel, chatId } = turn.event;
  if (!turn.isAdmin()) {
    turn.store.audit(turn.at, turn.actorId, `duty.${command}`, `${channel}:${chatId}`, "denied", {
      contactId: clipText(contactId, 40),
    });
    turn.reply("duty:bind.adminOnly");
    return;
  }
  const contacts = turn.store.contacts();
  const ids = contacts.map((c) => c.id).join(", ");
  const rc = turn.work.rc(turn.locale);
  if (command === "unbind") {
    const bound = contactId ? [contactId] : turn.store.contactsOfChat(channel, chatId);
    if (bound.length === 0) {
      turn.reply("duty:bind.notBound");
      return;
    }
    for (const id of bound) {
      if (turn.store.unbindChat(id, channel, chatId)) {
        turn.store.audit(turn.at, turn.actorId, "duty.unbind", `${channel}:${chatId}`, "ok", {
          contactId: id,
        });
        turn.reply("duty:bind.removed", { contact: contactLabel(contacts, id, rc) });
      }
    }
    return;
  }
  if (!contactId) {
    turn.reply("duty:bind.usage", { ids });
    return;
  }
  if (!contacts.some((c) => c.id === contactId)) {
    turn.reply("duty:bind.unknownContact", { id: clipText(contactId, 40), ids });
    return;
  }
  const added = turn.store.bindChat(contactId, channel, chatId, turn.actorId, turn.at);
  if (added)
    turn.store.audit(turn.at, turn.actorId, "duty.bind", `${channel}:${chatId}`, "ok", { contactId });
  turn.reply(added ? "duty:bind.done" : "duty:bind.already", {
    contact: contactLabel(contacts, contactId, rc),
  });
}

/** Refuses an action: audited, and the person told whether it is the state or their authority. */
export function refuse(turn: DutyTurn, incident: IncidentRow, action: string, actor: TicketActor): void {
  const contacts = (turn.work.snapshot(incident).context as { contacts: string[] }).contacts;
  const allowed = mayHandleTicket(actor, contacts);
  turn.store.audit(turn.at, turn.actorId, `ticket.${action}`, incident.ticketId, "denied", {
    reason: allowed ? "state" : "authority",
    status: incident.status,
  });
  if (allowed) {
    turn.reply("duty:action.notNow", {
      ticketId: incident.ticketId,
      status: turn.work.t(turn.locale, `common:ticketStatus.${incident.status}`),
    });
  } else {
    turn.reply("duty:action.notAllowed");
  }
}

export function action(turn: DutyTurn, ticketId: string, action: string): void {
  const incident = isTicketId(ticketId) ? turn.store.incidentByTicket(ticketId) : undefined;
  const [verb = "", target = ""] = action.split(/:(.*)/s);
  const known =
    verb in IMMEDIATE || verb in PROMPTED || ["escalate", "esc", "dupreject", "open", "merge"].includes(verb);
  if (!incident || !known) {
    turn.store.audit(turn.at, turn.actorId, "ticket.action", clipText(ticketId, 40), "denied", {
      action: clipText(action, 20),
      reason: "unknown",
    });
    turn.reply("duty:action.unknownTicket");
    return;
  }
  // A ticket listed in a storm digest: opened as /ticket would show it, with its buttons (authority checked there).
  if (verb === "open") {
    ticket(turn, incident.ticketId);
    return;
  }
  if (staleCopy(turn, incident, verb)) return;
  const actor = turn.actor();
  if (verb === "merge") {
    merge(turn, incident, target.toUpperCase(), actor);
    return;
  }
  const immediate = IMMEDIATE[verb];
  if (immediate) {
    transition(turn, incident, { type: immediate, actor, at: turn.at }, verb, {});
    return;
  }
  const prompted = PROMPTED[verb];
  if (prompted) {
    if (!probe(turn, incident, prompted.probe, actor)) {
      refuse(turn, incident, verb, actor);
      return;
    }
    prompt(turn, incident, prompted.purpose);
    return;
  }
  if (verb === "dupreject") {
    const can = probe(turn, incident, "DUPLICATE", actor) || probe(turn, incident, "REJECT", actor);
    if (!can) {
      refuse(turn, incident, verb, actor);
      return;
    }
    turn.work.post(turn.event.channel, turn.event.chatId, {
      kind: "chat",
      text: turn.work.t(turn.locale, "duty:dupreject.question", { ticketId: incident.ticketId }),
      token: ticketToken(incident.ticketId),
      choices: [
        { value: "dup", label: turn.work.t(turn.locale, "duty:button.dup") },
        { value: "reject", label: turn.work.t(turn.locale, "duty:button.reject") },
      ],
      ...(turn.event.messageRef ? { replyTo: turn.event.messageRef } : {}),
    });
    return;
  }
  const onTicket = incident.routing.destinations.map((d) => d.contactId);
  const candidates = escalationCandidates(turn.store.contacts(), onTicket);
  if (verb === "escalate") {
    if (!probe(turn, incident, "ESCALATE", actor, candidates[0]?.id ?? "none")) {
      refuse(turn, incident, verb, actor);
      return;
    }
    if (candidates.length === 0) {
      turn.reply("duty:escalate.none", { ticketId: incident.ticketId });
      return;
    }
    const rc = turn.work.rc(turn.locale);
    turn.work.post(turn.event.channel, turn.event.chatId, {
      kind: "chat",
      text: turn.work.t(turn.locale, "duty:escalate.question", { ticketId: incident.ticketId }),
      token: ticketToken(incident.ticketId),
      choices: candidates.map((c) => ({ value: `esc:${c.id}`, label: contactLabel([c], c.id, rc) })),
      ...(turn.event.messageRef ? { replyTo: turn.event.messageRef } : {}),
    });
    return;
  }
  // esc:<contact>: only a contact offered (active, in the chain, not on the ticket yet) is accepted.
  if (!candidates.some((c) => c.id === target)) {
    turn.store.audit(turn.at, turn.actorId, "ticket.escalate", incident.ticketId, "denied", {
      reason: "target",
      to: clipText(target, 40),
    });
    turn.reply("duty:escalate.badTarget");
    return;
  }
  const escalated = turn.work.escalate(incident, target, actor, "manual");
  if (!escalated) {
    refuse(turn, incident, "escalate", actor);
    return;
  }
  turn.store.audit(turn.at, turn.actorId, "ticket.escalate", incident.ticketId, "ok", { to: target });
  turn.work.refreshDutyPosts(escalated);
  turn.work.toReporter(escalated, "duty:notify.escalated", {
    ticketId: incident.ticketId,
    contact: turn.work.contactName(target, turn.work.reporterLocale(incident)),
  });
}

/** A press on a superseded copy of the ticket's post (see TicketWork.supersededCopy): refused, told, cleared. */
export function staleCopy(turn: DutyTurn, incident: IncidentRow, verb: string): boolean {
  const { channel, chatId, messageRef } = turn.event;
  if (!POST_VERBS.has(verb) || !turn.work.clearSupersededCopy(incident, channel, chatId, messageRef))
    return false;
  turn.store.audit(turn.at, turn.actorId, `ticket.${verb}`, incident.ticketId, "denied", {
    reason: "stale",
  });
  turn.reply("duty:action.stale", { ticketId: incident.ticketId });
  return true;
}

/** Whether the machine would accept this kind of event from this actor now (before asking for its text). */
export function probe(
  turn: DutyTurn,
  incident: IncidentRow,
  type: TicketEvent["type"],
  actor: TicketActor,
  to = "x",
): boolean {
  const base = { actor, at: turn.at };
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
  return turn.work.snapshot(incident).can(event);
}

/** Asks the officer for the text an action needs; their reply to this message carries it. */
export function prompt(turn: DutyTurn, incident: IncidentRow, purpose: PromptPurpose): void {
  const key = turn.work.post(turn.event.channel, turn.event.chatId, {
    kind: "chat",
    text: turn.work.t(turn.locale, `duty:prompt.${purpose}`, {
      ticketId: incident.ticketId,
      name: turn.event.userName,
    }),
    forceReply: true,
    ...(turn.event.messageRef ? { replyTo: turn.event.messageRef } : {}),
  });
  turn.store.addPrompt(
    {
      outboxKey: key,
      incidentId: incident.id,
      channel: turn.event.channel,
      chatId: turn.event.chatId,
      purpose,
      userId: turn.event.userId,
      replyChat: null,
      replyKey: null,
    },
    turn.at,
  );
}

/** A status change by a person: applied if allowed, then audit, duty messages and the reporter told. */
export function transition(
  turn: DutyTurn,
  incident: IncidentRow,
  event: TicketEvent,
  action: string,
  timeline: Record<string, unknown>,
): IncidentRow | undefined {
  const updated = turn.work.apply(incident, event, { action, ...timeline });
  if (!updated) {
    refuse(turn, incident, action, event.actor);
    return undefined;
  }
  turn.store.audit(turn.at, turn.actorId, `ticket.${action}`, incident.ticketId, "ok", {
    status: updated.status,
  });
  turn.work.refreshDutyPosts(updated);
  notifyReporter(turn, updated, event.actor);
  return updated;
}

/** Tells the reporter, in their language, what happened to their ticket. */
export function notifyReporter(turn: DutyTurn, incident: IncidentRow, actor: TicketActor): void {
  const key = `duty:notify.${incident.status}`;
  if (!turn.o.translator.exists(key)) return;
  const routedTo = incident.routing.destinations;
  const contactId =
    actor.contacts.find((c) => routedTo.some((d) => d.contactId === c)) ?? routedTo[0]?.contactId ?? "";
  const view = ticketView(turn.store, incident);
  turn.work.toReporter(incident, key, {
    ticketId: incident.ticketId,
    contact: turn.work.contactName(contactId, turn.work.reporterLocale(incident)),
    summary: view.resolution ?? "",
    reason: view.reason ?? "",
    of: view.duplicateOf ?? "",
  });
}

/**
 * The one-action merge of a related report into the ticket it repeats: only into a ticket the desk itself found
 * related (a forged button naming any other ticket is refused), by an officer the ticket machine lets act on it;
 * both tickets' timelines record it, and the merged ticket's posts point to the main one.
 */
function merge(turn: DutyTurn, incident: IncidentRow, mainId: string, actor: TicketActor): void {
  const main = isTicketId(mainId) ? turn.store.incidentByTicket(mainId) : undefined;
  const { related } = relatedView(turn.store, incident);
  if (!main || main.id === incident.id || !related.includes(main.ticketId)) {
    turn.store.audit(turn.at, turn.actorId, "ticket.merge", incident.ticketId, "denied", {
      reason: "not_related",
      into: clipText(mainId, 40),
    });
    turn.reply("storm:merge.notRelated", { ticketId: incident.ticketId });
    return;
  }
  const of = main.ticketId;
  const merged = transition(turn, incident, { type: "DUPLICATE", of, actor, at: turn.at }, "merge", { of });
  if (!merged) return;
  turn.store.addTimeline(main.id, turn.at, actor.id, main.status, {
    name: actor.name,
    action: "merged",
    from: incident.ticketId,
  });
  turn.reply("storm:merge.done", { ticketId: incident.ticketId, main: of });
}

export function applyPrompted(
  turn: DutyTurn,
  incident: IncidentRow,
  purpose: PromptPurpose,
  text: string,
  actor: TicketActor,
): boolean {
  const base = { actor, at: turn.at };
  switch (purpose) {
    case "ask": {
      const updated = transition(turn, incident, { type: "ASK", question: text, ...base }, "ask", {
        question: text,
      });
      if (!updated) return false;
      relayQuestion(turn, updated, text, actor);
      return true;
    }
    case "resolve":
      return (
        transition(turn, incident, { type: "RESOLVE", summary: text, ...base }, "resolve", {
          summary: text,
        }) !== undefined
      );
    case "reject":
      return (
        transition(turn, incident, { type: "REJECT", reason: text, ...base }, "reject", { reason: text }) !==
        undefined
      );
    case "duplicate": {
      const of = findTicketId(text) ?? "";
      if (!of || of === incident.ticketId || !turn.store.incidentByTicket(of)) {
        turn.reply("duty:prompt.badDuplicate", { value: clipText(text, 40) });
        return false;
      }
      return (
        transition(turn, incident, { type: "DUPLICATE", of, ...base }, "duplicate", { of }) !== undefined
      );
    }
    default:
      return false;
  }
}

export function tickets(turn: DutyTurn): void {
  const actor = turn.actor();
  if (actor.contacts.length === 0 && !actor.admin) {
    turn.reply("duty:tickets.notDuty");
    return;
  }
  // In a group everyone reads the answer: only its own units' tickets, even when an admin asks.
  const contacts =
    turn.event.chatType === "group"
      ? turn.store.contactsOfChat(turn.event.channel, turn.event.chatId)
      : actor.admin
        ? turn.store.contacts().map((c) => c.id)
        : actor.contacts;
  const open = turn.store.openTicketsOf(contacts);
  if (open.length === 0) {
    turn.reply("duty:tickets.none");
    return;
  }
  const t = (key: string) => turn.work.t(turn.locale, key);
  const lines = open.map(
    (i) =>
      `• <b>${escapeHtml(i.ticketId)}</b> — ${t(`severity:level.${i.severity}`)} — ${t(`common:ticketStatus.${i.status}`)}`,
  );
  turn.work.post(turn.event.channel, turn.event.chatId, {
    kind: "chat",
    text: `${t("duty:tickets.title")}\n${lines.join("\n")}`,
  });
}

export function ticket(turn: DutyTurn, ticketId: string): void {
  if (!isTicketId(ticketId)) {
    turn.reply("duty:ticket.usage");
    return;
  }
  const incident = turn.store.incidentByTicket(ticketId);
  const actor = turn.actor();
  const routedTo = (incident?.routing.destinations ?? []).map((d) => d.contactId);
  if (!incident || !mayHandleTicket(actor, routedTo)) {
    turn.store.audit(turn.at, turn.actorId, "ticket.view", ticketId, "denied", {});
    turn.reply("duty:action.unknownTicket");
    return;
  }
  // Full details, and only in a private chat: the point of the minimal mode is to keep them out of groups.
  const detail: DutyDetail = turn.event.chatType === "private" ? "full" : turn.o.detail;
  const destination = incident.routing.destinations.find((d) => actor.contacts.includes(d.contactId)) ?? {
    kinds: [],
    rules: [],
  };
  turn.work.post(
    turn.event.channel,
    turn.event.chatId,
    renderDutyMessage(
      incident,
      destination,
      ticketView(turn.store, incident),
      detail,
      turn.work.rc(turn.locale),
      // The way to read what a duty post had to cut: whole (the sender splits it if it must).
      detail !== "full",
      turn.event.chatType,
    ),
  );
}
