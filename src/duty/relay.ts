import type { TicketActor } from "../../flows/ticket.ts";
import type { FileRef } from "../../flows/types.ts";
import { detailsAllowed } from "../domain/confidential.ts";
import { clipForHtml, clipText } from "../domain/text-cut.ts";
import { recordLaterEvidence } from "../evidence/record.ts";
import { rosterRepo } from "../store/repos/roster.ts";
import type { IncidentRow, PromptPurpose, PromptRow } from "../store/store.ts";
import { applyPrompted } from "./actions.ts";
import type { DutyTurn } from "./desk.ts";
import { SETTLED } from "./ticket-work.ts";

// The question/answer relay between a duty chat and the reporter: replies to the assistant's messages.

/** Longest question, summary or reason kept (a Telegram message holds 4,096 characters; room for the frame). */
const MAX_TEXT = 2000;
/** Longest relayed answer once escaped for HTML, so the relay fits one Telegram message with its frame. */
const MAX_RELAY_HTML = 3500;

export function replyTo(
  turn: DutyTurn,
  replyTo: string,
  rawText: string,
  hasFile: boolean,
  file?: FileRef,
): void {
  const messageId = Number(replyTo);
  if (!Number.isSafeInteger(messageId)) return;
  const { channel, chatId } = turn.event;
  const prompt = turn.store.promptByMessage(channel, chatId, messageId);
  const text = rawText.trim();
  if (prompt?.purpose === "answer") {
    reporterAnswer(turn, prompt, text, hasFile, file);
    return;
  }
  const incident = prompt
    ? turn.store.incidentById(prompt.incidentId)
    : turn.store.incidentById(turn.store.dutyPostByMessage(channel, chatId, messageId)?.incidentId ?? 0);
  // Chatter in a duty group that answers nothing of ours is the group's own business.
  if (!incident) return;
  const purpose: PromptPurpose = prompt?.purpose ?? "ask";
  if (!text) {
    turn.reply(`duty:prompt.empty.${purpose}`, { ticketId: incident.ticketId });
    return;
  }
  if (text.length > MAX_TEXT) {
    turn.reply("duty:prompt.tooLong", { max: MAX_TEXT, length: text.length });
    return;
  }
  const actor = turn.actor();
  const done = applyPrompted(turn, incident, purpose, text, actor);
  if (done && prompt) turn.store.answerPrompt(prompt.id, turn.at);
}

/** Sends a duty officer's question to the reporter; their reply comes back under the officer's message. */
export function relayQuestion(
  turn: DutyTurn,
  incident: IncidentRow,
  question: string,
  actor: TicketActor,
): void {
  const locale = turn.work.reporterLocale(incident);
  const routedTo = incident.routing.destinations;
  const contactId =
    actor.contacts.find((c) => routedTo.some((d) => d.contactId === c)) ?? routedTo[0]?.contactId ?? "";
  const key = turn.work.post(incident.channel, incident.chatId, {
    kind: "chat",
    text: turn.work.t(locale, "duty:relay.question", {
      ticketId: incident.ticketId,
      contact: turn.work.contactName(contactId, locale),
      question,
    }),
    forceReply: true,
  });
  // A confidential report's answer must not land in a group: it goes to the private chat of the officer who
  // asked (on Telegram and Zalo a person's private chat with the assistant has their user id).
  const open = detailsAllowed(incident.answers as Record<string, unknown>, turn.event.chatType);
  turn.store.addPrompt(
    {
      outboxKey: key,
      incidentId: incident.id,
      channel: incident.channel,
      chatId: incident.chatId,
      purpose: "answer",
      userId: incident.reporterUserId,
      replyChat: `${turn.event.channel}:${open ? turn.event.chatId : turn.event.userId}`,
      replyKey: open ? (turn.event.messageRef ?? null) : null,
    },
    turn.at,
  );
  if (open) turn.reply("duty:relay.sent", { ticketId: incident.ticketId }, turn.event.messageRef);
  else
    turn.reply(
      "privacy:relay.sent",
      { ticketId: incident.ticketId, name: turn.event.userName },
      turn.event.messageRef,
    );
}

/**
 * The reporter answers a relayed question: text or a file goes back into the duty chat's thread, and a file is
 * kept as the ticket's evidence like the report's own (downloaded after the commit, hashed, a receipt).
 */
export function reporterAnswer(
  turn: DutyTurn,
  prompt: PromptRow,
  text: string,
  hasFile: boolean,
  file?: FileRef,
): void {
  const incident = turn.store.incidentById(prompt.incidentId);
  if (!incident) return;
  if (turn.event.userId !== prompt.userId) {
    turn.store.audit(turn.at, turn.actorId, "ticket.reply", incident.ticketId, "denied", {
      reason: "authority",
    });
    turn.reply("duty:action.notAllowed");
    return;
  }
  if (SETTLED.has(incident.status)) {
    turn.reply("duty:relay.closed", { ticketId: incident.ticketId });
    return;
  }
  if (!text && !hasFile) {
    turn.reply("duty:relay.empty");
    return;
  }
  // The duty chat is on its own channel (the reporter may write from another one).
  const [dutyChannel = turn.event.channel, dutyChat = ""] = (prompt.replyChat ?? "").split(/:(.*)/s);
  const threaded = prompt.replyKey ? { replyTo: prompt.replyKey } : {};
  const clipped = clipForHtml(text, MAX_RELAY_HTML);
  // A confidential answer never goes into a chat where the ticket is posted (a group): relayQuestion sends it to
  // the asking officer's private chat; a question asked before that rule (a prompt naming the group) relays nothing.
  const confidential = !detailsAllowed(incident.answers as Record<string, unknown>, "group");
  // A paged officer's private chat holds the page's post too, but it is that officer's own chat, not a group.
  const chains = rosterRepo(turn.store.db);
  const intoDutyChat = turn.store
    .dutyPosts(incident.id)
    .some(
      (p) =>
        p.channel === dutyChannel &&
        p.chatId === dutyChat &&
        !chains.chain(incident.id, p.contactId)?.paged.includes(`${dutyChannel}:${dutyChat}`),
    );
  if (!confidential || !intoDutyChat)
    relayAnswer(turn, incident.id, incident.ticketId, dutyChannel, dutyChat, clipped, hasFile, threaded);
  // The relay copied the file into the asking chat already: the keeper adds its hash line, not a second copy.
  if (file)
    recordLaterEvidence(
      turn.store,
      incident,
      [file],
      { channel: turn.event.channel, messageRef: null },
      turn.at,
    );
  const reporter: TicketActor = { id: turn.actorId, name: turn.event.userName, contacts: [], admin: false };
  const details = { text: clipText(clipped, 500), file: hasFile };
  // The first answer moves the ticket back to in progress; later ones are relayed as they come.
  const moved = turn.work.apply(
    incident,
    { type: "REPLY", actor: reporter, at: turn.at },
    {
      action: "reporter_replied",
      ...details,
    },
  );
  if (moved) turn.work.refreshDutyPosts(moved);
  else turn.store.addTimeline(incident.id, turn.at, turn.actorId, "reporter_replied", details);
  // The duty chats learn only that there is an answer, and who has it.
  if (confidential)
    turn.work.toDutyChats(incident, "privacy:relay.answered", { ticketId: incident.ticketId });
  turn.store.audit(turn.at, turn.actorId, "ticket.reply", incident.ticketId, "ok", { file: hasFile });
  turn.reply("duty:relay.delivered", { ticketId: incident.ticketId });
}

/** The reporter's answer (text, and the file copied where the channel allows) posted in one chat, in its thread. */
function relayAnswer(
  turn: DutyTurn,
  incidentId: number,
  ticketId: string,
  dutyChannel: string,
  dutyChat: string,
  clipped: string,
  hasFile: boolean,
  threaded: { replyTo?: string },
): void {
  const relayed = turn.work.post(dutyChannel, dutyChat, {
    kind: "chat",
    text: turn.work.t(turn.o.defaultLocale, hasFile ? "duty:relay.fileFromReporter" : "duty:relay.answer", {
      ticketId,
      text: clipped,
    }),
    ...threaded,
  });
  // An officer replying to the relayed answer asks a follow-up question, like a reply to the ticket message.
  turn.store.addPrompt(
    {
      outboxKey: relayed,
      incidentId,
      channel: dutyChannel,
      chatId: dutyChat,
      purpose: "ask",
      userId: "",
      replyChat: null,
      replyKey: null,
    },
    turn.at,
  );
  if (hasFile && turn.event.messageRef && dutyChannel === turn.event.channel) {
    turn.work.post(dutyChannel, dutyChat, {
      kind: "copy",
      fromChatId: turn.event.chatId,
      messageRef: turn.event.messageRef,
      ...threaded,
    });
  }
}
