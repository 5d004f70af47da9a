import { ADMIN_COMMANDS } from "../conversation/commands.ts";
import type { Engine } from "../conversation/engine.ts";
import type { DutyDesk, DutyEvent } from "../duty/desk.ts";
// A storm digest's buttons: the value names the ticket to open.
import { DIGEST_TOKEN } from "../duty/storm.ts";
import type { ChatMessage, InboundEvent as ConversationEvent, EditMessage } from "../messages.ts";
import type { InboundEvent } from "./event.ts";
import { ticketCommand, typedNumber } from "./ticket-commands.ts";

export type { InboundEvent, InboundPayload } from "./event.ts";

/** A chat on a channel. */
export interface ChatRef {
  channel: string;
  chatId: string;
}

/** What an inbound event is, decided once for every channel. */
export type Decision =
  | { kind: "conversation" | "admin" | "group_command"; event: ConversationEvent }
  | { kind: "duty"; event: DutyEvent }
  | { kind: "nothing" };

/** What routing and applying one event did: what the dispatcher has to send after the commit. */
export interface RouteResult {
  kind: Decision["kind"];
  duplicate: boolean;
  /** Chats with new messages; the event's own chat first when it has any. */
  chats: ChatRef[];
  /** The rows queued for the event's own chat, as written: sent without reading them back. */
  own: Array<{ id: number; payload: ChatMessage | EditMessage }>;
  /** A routed ticket may be waiting for its duty chats (a new ticket, an escalation). */
  fanOut: boolean;
  /** The ticket this event created, if any. */
  ticketId?: string;
}

/** The duty desk's commands, whatever the chat, with their aliases (rosters and alert periods: issue 15). */
const DUTY_COMMANDS: ReadonlyMap<string, Extract<DutyEvent["payload"], { kind: "command" }>["command"]> =
  new Map([
    ["bind", "bind"],
    ["unbind", "unbind"],
    ["tickets", "tickets"],
    ["ticket", "ticket"],
    ["lichtruc", "roster"],
    ["roster", "roster"],
    ["truc", "oncall"],
    ["oncall", "oncall"],
    ["caodiem", "period"],
    ["alertperiod", "period"],
  ]);
/** Commands that start a report: in a group they get the "private chats only" answer. */
const REPORT_COMMANDS = new Set(["start", "report", "baocao"]);
/** The desk's token on a ticket's buttons (see duty/render.ts ticketToken). */
const TICKET_TOKEN_PREFIX = "t.";

/**
 * Decides, for an event from any channel, whether it is the reporter's conversation (the engine), a duty action
 * or reply (the desk), an admin command, a command in a group, or nothing of ours; then applies it in its
 * owner's transaction. Adapters only normalize; no channel decides any of this itself.
 */
export class InboundRouter {
  constructor(
    private readonly engine: Engine,
    private readonly desk: DutyDesk,
  ) {}

  decide(e: InboundEvent): Decision {
    const p = e.payload;
    if (p.kind === "action") return this.duty(e, { kind: "action", ticketId: p.ticketId, action: p.action });
    if (p.kind === "choice" && p.token.startsWith(TICKET_TOKEN_PREFIX)) {
      // A ticket's button: pressed in a duty group or in a duty officer's private chat.
      return this.duty(e, {
        kind: "action",
        ticketId: p.token.slice(TICKET_TOKEN_PREFIX.length),
        action: p.value,
      });
    }
    if (p.kind === "choice" && p.token === DIGEST_TOKEN)
      return this.duty(e, { kind: "action", ticketId: p.value, action: "open" });
    if (p.kind === "command") {
      const command = p.command.toLowerCase();
      const dutyCommand = DUTY_COMMANDS.get(command);
      if (dutyCommand) return this.duty(e, { kind: "command", command: dutyCommand, args: p.args });
      const typed = ticketCommand(command, p.args);
      if (typed) return this.duty(e, { kind: "action", ...typed });
      if (e.chatType === "group") {
        return REPORT_COMMANDS.has(command) ? this.conversation("group_command", e, p) : { kind: "nothing" };
      }
      return this.conversation(ADMIN_COMMANDS.has(command) ? "admin" : "conversation", e, p);
    }
    if (e.replyTo !== undefined && (p.kind === "text" || p.kind === "file")) {
      const text = p.kind === "text" ? p.text : (p.caption ?? "");
      // Without buttons, a number typed in reply to a ticket's duty post picks that post's numbered action.
      const n = p.kind === "text" ? typedNumber(text) : undefined;
      const picked =
        n === undefined ? undefined : this.desk.numberedAction(e.channel, e.chatId, e.replyTo, n);
      if (picked) return this.duty(e, { kind: "action", ...picked });
      const reply = this.duty(e, {
        kind: "reply",
        replyTo: e.replyTo,
        text,
        hasFile: p.kind === "file",
        ...(p.kind === "file" ? { file: p.file } : {}),
      });
      // In a group, only answers to the assistant's own messages are the desk's (it ignores other chatter); in a
      // private chat, a reply is the desk's when it answers something the desk asked or posted there.
      if (e.chatType === "group" || this.desk.claimsReply(e.channel, e.chatId, e.replyTo)) return reply;
    }
    // Reporting happens in private chats only; other group traffic is the group's own business.
    return e.chatType === "group" ? { kind: "nothing" } : this.conversation("conversation", e, p);
  }

  /** Decides and applies one event (one transaction in its owner); returns what to send after the commit. */
  handle(e: InboundEvent): RouteResult {
    const decision = this.decide(e);
    const own: ChatRef = { channel: e.channel, chatId: e.chatId };
    switch (decision.kind) {
      case "nothing":
        return { kind: "nothing", duplicate: false, chats: [], own: [], fanOut: false };
      case "duty": {
        const result = this.desk.handle(decision.event);
        const chats = result.targets.filter((c) => !(c.channel === own.channel && c.chatId === own.chatId));
        const mine = result.targets.length > chats.length ? [own] : [];
        // An action can escalate a ticket: the new organisation's duty chats get it at once.
        return {
          kind: "duty",
          duplicate: result.duplicate,
          chats: [...mine, ...chats],
          own: [],
          fanOut: !result.duplicate,
        };
      }
      default: {
        const result = this.engine.handle(decision.event);
        const rows = result.own ?? [];
        return {
          kind: decision.kind,
          duplicate: result.duplicate,
          chats: [...(result.outbox.length > 0 ? [own] : []), ...(result.elsewhere ?? [])],
          own: rows,
          // A new ticket goes to the duty chats at once, not at the next tick of the dispatcher.
          fanOut: result.ticketId !== undefined || result.fanOut === true,
          ...(result.ticketId !== undefined ? { ticketId: result.ticketId } : {}),
        };
      }
    }
  }

  private duty(e: InboundEvent, payload: DutyEvent["payload"]): Decision {
    return {
      kind: "duty",
      event: {
        channel: e.channel,
        chatId: e.chatId,
        chatType: e.chatType,
        userId: e.userId,
        userName: e.userName ?? e.userId,
        dedupeKey: e.dedupeKey,
        at: e.at,
        messageRef: e.messageRef,
        payload,
      },
    };
  }

  private conversation(
    kind: "conversation" | "admin" | "group_command",
    e: InboundEvent,
    payload: Exclude<InboundEvent["payload"], { kind: "action" }>,
  ): Decision {
    return {
      kind,
      event: {
        channel: e.channel,
        chatId: e.chatId,
        userId: e.userId,
        chatType: e.chatType,
        userName: e.userName,
        languageCode: e.languageCode,
        dedupeKey: e.dedupeKey,
        at: e.at,
        // The engine edits a question in place when one of its buttons is pressed; typed input edits nothing.
        ...(payload.kind === "choice" ? { messageRef: e.messageRef } : {}),
        payload,
      },
    };
  }
}
