import { assign, setup } from "xstate";
import { mayHandleTicket } from "../src/domain/authority.ts";

export const TICKET_FLOW_VERSION = 1;

/** Who acts on a ticket, with the authority the server established for them (never what a client claims). */
export interface TicketActor {
  /** channel:userId */
  id: string;
  name: string;
  /** Contacts this actor acts for (duty role, or membership of a bound duty chat). */
  contacts: readonly string[];
  admin: boolean;
}

export type TicketEvent =
  | { type: "ACK"; actor: TicketActor; at: string }
  | { type: "TAKE"; actor: TicketActor; at: string }
  | { type: "ASK"; actor: TicketActor; question: string; at: string }
  | { type: "REPLY"; actor: TicketActor; at: string }
  | { type: "RESOLVE"; actor: TicketActor; summary: string; at: string }
  | { type: "ESCALATE"; actor: TicketActor; to: string; reason: string; at: string }
  | { type: "DUPLICATE"; actor: TicketActor; of: string; at: string }
  | { type: "REJECT"; actor: TicketActor; reason: string; at: string }
  | { type: "CLOSE"; actor: TicketActor; at: string }
  | { type: "REOPEN"; actor: TicketActor; at: string };

export interface TicketContext {
  ticketId: string;
  /** The reporter (channel:userId): the only one who answers a duty officer's question. */
  reporter: string;
  /** Contacts the ticket was routed (or escalated) to: their duty officers may act on it. */
  contacts: string[];
  assignee: string | null;
  acknowledgedBy: string | null;
  resolution: string | null;
  reason: string | null;
  duplicateOf: string | null;
  lastActor: string | null;
  updatedAt: string;
}

export interface TicketInput {
  ticketId: string;
  reporter: string;
  contacts: string[];
  at: string;
}

type Args = { context: TicketContext; event: TicketEvent };

/**
 * The lifecycle of a routed ticket: new → acknowledged → in progress → waiting for the reporter → resolved →
 * closed, plus escalated, duplicate and rejected. Every transition is guarded by the actor's authority.
 */
export const ticketMachine = setup({
  types: { context: {} as TicketContext, events: {} as TicketEvent, input: {} as TicketInput },
  guards: {
    mayAct: ({ context, event }: Args) => mayHandleTicket(event.actor, context.contacts),
    isReporter: ({ context, event }: Args) => event.actor.id === context.reporter,
  },
  actions: {
    touch: assign(({ event }: Args) => ({ lastActor: event.actor.id, updatedAt: event.at })),
    acknowledge: assign(({ context, event }: Args) => ({
      acknowledgedBy: context.acknowledgedBy ?? event.actor.id,
    })),
    take: assign(({ context, event }: Args) => ({
      assignee: event.actor.id,
      acknowledgedBy: context.acknowledgedBy ?? event.actor.id,
    })),
    resolve: assign(({ event }: Args) => ({ resolution: event.type === "RESOLVE" ? event.summary : null })),
    escalate: assign(({ context, event }: Args) => ({
      contacts:
        event.type === "ESCALATE" && !context.contacts.includes(event.to)
          ? [...context.contacts, event.to]
          : context.contacts,
      reason: event.type === "ESCALATE" ? event.reason : context.reason,
      acknowledgedBy: null,
    })),
    markDuplicate: assign(({ event }: Args) => ({
      duplicateOf: event.type === "DUPLICATE" ? event.of : null,
    })),
    reject: assign(({ event }: Args) => ({ reason: event.type === "REJECT" ? event.reason : null })),
  },
}).createMachine({
  id: "ticket",
  context: ({ input }) => ({
    ticketId: input.ticketId,
    reporter: input.reporter,
    contacts: [...input.contacts],
    assignee: null,
    acknowledgedBy: null,
    resolution: null,
    reason: null,
    duplicateOf: null,
    lastActor: null,
    updatedAt: input.at,
  }),
  initial: "new",
  states: {
    new: {
      on: {
        ACK: { guard: "mayAct", target: "acknowledged", actions: ["acknowledge", "touch"] },
        TAKE: { guard: "mayAct", target: "in_progress", actions: ["take", "touch"] },
        // Asking the reporter something is a sign of life: it acknowledges the ticket too.
        ASK: { guard: "mayAct", target: "waiting_reporter", actions: ["acknowledge", "touch"] },
        ESCALATE: { guard: "mayAct", target: "escalated", actions: ["escalate", "touch"] },
        DUPLICATE: { guard: "mayAct", target: "duplicate", actions: ["markDuplicate", "touch"] },
        REJECT: { guard: "mayAct", target: "rejected", actions: ["reject", "touch"] },
      },
    },
    acknowledged: {
      on: {
        TAKE: { guard: "mayAct", target: "in_progress", actions: ["take", "touch"] },
        ASK: { guard: "mayAct", target: "waiting_reporter", actions: "touch" },
        RESOLVE: { guard: "mayAct", target: "resolved", actions: ["resolve", "touch"] },
        ESCALATE: { guard: "mayAct", target: "escalated", actions: ["escalate", "touch"] },
        DUPLICATE: { guard: "mayAct", target: "duplicate", actions: ["markDuplicate", "touch"] },
        REJECT: { guard: "mayAct", target: "rejected", actions: ["reject", "touch"] },
      },
    },
    in_progress: {
      on: {
        TAKE: { guard: "mayAct", target: "in_progress", actions: ["take", "touch"] },
        ASK: { guard: "mayAct", target: "waiting_reporter", actions: "touch" },
        RESOLVE: { guard: "mayAct", target: "resolved", actions: ["resolve", "touch"] },
        ESCALATE: { guard: "mayAct", target: "escalated", actions: ["escalate", "touch"] },
      },
    },
    waiting_reporter: {
      on: {
        REPLY: { guard: "isReporter", target: "in_progress", actions: "touch" },
        ASK: { guard: "mayAct", target: "waiting_reporter", actions: "touch" },
        RESOLVE: { guard: "mayAct", target: "resolved", actions: ["resolve", "touch"] },
        ESCALATE: { guard: "mayAct", target: "escalated", actions: ["escalate", "touch"] },
      },
    },
    escalated: {
      on: {
        ACK: { guard: "mayAct", target: "acknowledged", actions: ["acknowledge", "touch"] },
        ASK: { guard: "mayAct", target: "waiting_reporter", actions: ["acknowledge", "touch"] },
        ESCALATE: { guard: "mayAct", target: "escalated", actions: ["escalate", "touch"] },
        TAKE: { guard: "mayAct", target: "in_progress", actions: ["take", "touch"] },
        RESOLVE: { guard: "mayAct", target: "resolved", actions: ["resolve", "touch"] },
      },
    },
    resolved: {
      on: {
        CLOSE: { guard: "mayAct", target: "closed", actions: "touch" },
        REOPEN: { guard: "mayAct", target: "in_progress", actions: "touch" },
      },
    },
    closed: { type: "final" },
    duplicate: { type: "final" },
    rejected: { type: "final" },
  },
});

/** The status stored on the incident for a ticket snapshot's state. */
export function ticketStatus(value: unknown): string {
  return typeof value === "string" ? value : "new";
}
