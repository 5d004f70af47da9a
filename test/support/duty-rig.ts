import { DutyDesk, type DutyEvent } from "../../src/duty/desk.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { ChatMessage, EditMessage } from "../../src/messages.ts";
import { createHarness } from "../engine/harness.ts";
import { OPEN_REPORT_WALK } from "../fixtures/report-walk.ts";

/** The admin the rig's desk is configured with (config admins may bind chats). */
export const ADMIN = "9000";
/** The acknowledgement deadlines by severity, as the app's defaults set them. */
export const ACK_DEADLINES = {
  4: { minutes: 15 },
  3: { minutes: 60 },
  2: { minutes: 240 },
  1: { workingDays: 1 },
} as const;

type DeskOptions = ConstructorParameters<typeof DutyDesk>[0];

/** Who speaks in a duty chat; the rig's group chat on Telegram unless told otherwise. */
export interface DutySpeaker {
  userId: string;
  chatId?: string;
  chatType?: "group" | "private";
  channel?: string;
  messageRef?: string;
  userName?: string;
}

export interface DutyRigOptions {
  /** The duty group events go to by default. */
  group?: string;
  /** The harness's clock at the start (when the rig makes the harness). */
  now?: Date;
  /** A harness the test already set up (roles, settings, rules), to put the desk on. */
  harness?: ReturnType<typeof createHarness>;
  /** Desk options that differ from the rig's (full detail, ADMIN on Telegram, ACK_DEADLINES). */
  desk?: Partial<Omit<DeskOptions, "store">>;
}

/**
 * The engine harness (hand-driven clock, in-memory store) with a duty desk on the same store, and the moves
 * duty tests make: events from duty chats, binding a chat, filing a report, reading and delivering the outbox.
 * Nothing here asserts: what a test checks stays in the test.
 */
export function dutyRig(options: DutyRigOptions = {}) {
  const h = options.harness ?? createHarness(options.now ? { now: options.now } : {});
  const group = options.group ?? "-100777";
  const desk = new DutyDesk({
    store: h.store,
    translator: createTranslator("vi"),
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    detail: "full",
    configAdmins: { telegram: [ADMIN] },
    ackDeadlines: ACK_DEADLINES,
    ...options.desk,
  });
  let seq = 0;
  /** One event from a duty chat, as the inbound router hands it to the desk (a fresh dedupe key each). */
  const event = (payload: DutyEvent["payload"], who: DutySpeaker) =>
    desk.handle({
      channel: who.channel ?? "telegram",
      chatId: who.chatId ?? group,
      chatType: who.chatType ?? "group",
      userId: who.userId,
      userName: who.userName ?? `Cán bộ ${who.userId}`,
      dedupeKey: `d${++seq}`,
      at: h.now(),
      messageRef: who.messageRef,
      payload,
    });
  /** ADMIN binds a chat (the rig's group unless told) to a contact with /bind. */
  const bind = (contact: string, where: Omit<DutySpeaker, "userId"> = {}) =>
    event({ kind: "command", command: "bind", args: contact }, { userId: ADMIN, ...where });
  /** A reporter walks a report through the engine from /start; the filed ticket's id ("" if none was filed). */
  const fileReport = (walk: readonly string[] = OPEN_REPORT_WALK) => {
    h.command("start");
    let ticketId = "";
    for (const line of walk) ticketId = h.text(line).ticketId ?? ticketId;
    return ticketId;
  };
  /** The desk's fan-out once the clock is `ms` past the harness's now (the dispatcher's later look). */
  const fanOutAfter = (ms: number, channels?: string[]) =>
    desk.fanOut(new Date(h.now().getTime() + ms), channels);
  /** The queued rows to a chat, oldest first, with their payloads parsed. */
  const rowsTo = (chatId: string, channel = "telegram") =>
    (
      h.store.db
        .prepare("SELECT id, payload FROM outbox WHERE channel = ? AND chat_id = ? ORDER BY id")
        .all(channel, chatId) as Array<{ id: number; payload: string }>
    ).map((r) => ({ id: r.id, payload: JSON.parse(r.payload) as ChatMessage | EditMessage }));
  /** The messages queued to a chat, oldest first. */
  const messagesTo = (chatId: string, channel = "telegram") => rowsTo(chatId, channel).map((r) => r.payload);
  /** What the sender does once a queued row is out: marks it sent with the channel's message id. */
  const markSent = (rowId: number, messageId: number) =>
    h.store.markSent(rowId, h.now().toISOString(), { messageIds: [messageId] });
  /** Marks a ticket's duty post in a chat (the rig's group unless told) sent as `messageId`; its row id. */
  const deliverPost = (ticketId: string, messageId: number, chatId = group) => {
    const row = h.store.db
      .prepare("SELECT id FROM outbox WHERE idempotency_key LIKE ? AND chat_id = ? ORDER BY id LIMIT 1")
      .get(`duty:${ticketId}:%`, chatId) as { id: number } | undefined;
    if (!row) throw new Error(`no duty post of ${ticketId} queued to ${chatId}`);
    markSent(row.id, messageId);
    return row.id;
  };
  return { h, desk, group, event, bind, fileReport, fanOutAfter, rowsTo, messagesTo, markSent, deliverPost };
}
