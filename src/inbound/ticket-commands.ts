/**
 * Typed ticket actions, for channels without buttons (Zalo) and for anyone who prefers typing: a command naming
 * the ticket (`/tiepnhan SC-2026-000123`) or a number typed in reply to a ticket's duty post. Both become the
 * same desk action a button press would, and the desk checks authority exactly as for a button.
 */

/** Vietnamese commands and their English aliases, to the desk's action names. */
const TICKET_COMMANDS: Readonly<Record<string, string>> = {
  tiepnhan: "ack",
  ack: "ack",
  xuly: "take",
  take: "take",
  hoithem: "ask",
  ask: "ask",
  chuyencap: "escalate",
  escalate: "escalate",
  daxuly: "resolve",
  resolve: "resolve",
  tuchoi: "reject",
  reject: "reject",
};

const TICKET_ID = /^SC-\d{4}-\d{6}$/i;

export interface TicketAction {
  ticketId: string;
  action: string;
}

/**
 * The ticket action a command asks for, or undefined when the command is not a ticket command. `/reject`
 * without a ticket id stays the admins' (rejecting a pending contact change); the other verbs without a valid
 * id still go to the desk, which answers that it knows no such ticket. `/chuyencap SC-… ncsc` names the
 * organisation to escalate to at once (a channel without buttons cannot pick it from a list).
 */
export function ticketCommand(command: string, args: string): TicketAction | undefined {
  const verb = TICKET_COMMANDS[command.toLowerCase()];
  if (!verb) return undefined;
  const [first = "", second = ""] = args.trim().split(/\s+/);
  const valid = TICKET_ID.test(first);
  if (!valid && verb === "reject") return undefined;
  const ticketId = valid ? first.toUpperCase() : first.slice(0, 40);
  return verb === "escalate" && valid && second
    ? { ticketId, action: `esc:${second.toLowerCase().slice(0, 40)}` }
    : { ticketId, action: verb };
}

/** A message that is only a list number ("2", "2.", " 2) "), as people answer a numbered list. */
export function typedNumber(text: string): number | undefined {
  const match = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  const n = match ? Number(match[1]) : Number.NaN;
  return n >= 1 ? n : undefined;
}
