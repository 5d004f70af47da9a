/**
 * Mẫu 03, question I8: the reporter may ask that the report be kept confidential. Duty groups sit on chat
 * services hosted abroad and every member reads them, so a confidential report shows there only what
 * identifies it (ticket id, severity, type, unit); its details (description, the reporter's name, phone and
 * e-mail, addresses, files, replies) reach only officers with authority over the ticket, in a private chat, and
 * by e-mail. This is the one place that decides it, for every channel.
 */

/** Who reads a message: everyone in a group chat, or one person in a private chat with the assistant. */
export type Audience = "group" | "private";

/** The answer id of question I8 in the report flow (its value is "yes" or "no"). */
export const CONFIDENTIAL_ANSWER = "confidential";

/** True when the reporter answered I8 "yes". */
export function isConfidential(answers: Readonly<Record<string, unknown>>): boolean {
  return answers[CONFIDENTIAL_ANSWER] === "yes";
}

/**
 * Whether a ticket's details may be shown to this audience. A report that is not confidential follows the
 * configured detail (DUTY_MESSAGE_DETAIL) everywhere; a confidential one is never detailed in a group.
 */
export function detailsAllowed(answers: Readonly<Record<string, unknown>>, audience: Audience): boolean {
  return audience === "private" || !isConfidential(answers);
}
