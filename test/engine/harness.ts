import { Engine } from "../../src/conversation/engine.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { ChatMessage, InboundEvent, InboundPayload } from "../../src/messages.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

/** An engine on a fresh in-memory database, with a controllable clock and helpers that play a user. */
export function createHarness(options: { now?: Date; reminderMs?: number; expiryMs?: number } = {}) {
  const db = openDatabase(":memory:");
  const store = new Store(db);
  const translator = createTranslator("vi");
  const engine = new Engine({
    store,
    translator,
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    drafts: {
      reminderMs: options.reminderMs ?? 24 * 3_600_000,
      expiryMs: options.expiryMs ?? 24 * 3_600_000,
    },
  });
  let clock = options.now ?? new Date("2026-11-21T03:00:00Z");
  let seq = 0;

  /** Sends one payload as a user and returns the chat messages this event produced for that user. */
  function send(
    payload: InboundPayload,
    user: { userId?: string; chatId?: string; languageCode?: string; dedupeKey?: string } = {},
  ): { messages: ChatMessage[]; duplicate: boolean; ticketId?: string } {
    const userId = user.userId ?? "1001";
    const event: InboundEvent = {
      channel: "telegram",
      chatId: user.chatId ?? userId,
      userId,
      chatType: "private",
      languageCode: user.languageCode ?? "vi",
      dedupeKey: user.dedupeKey ?? `u${++seq}`,
      at: clock,
      payload,
    };
    const result = engine.handle(event);
    const messages = result.outbox
      .map((id) => store.outboxRow(id))
      .filter((row) => row?.channel === "telegram")
      .map((row) => row?.payload as ChatMessage);
    return result.ticketId
      ? { messages, duplicate: result.duplicate, ticketId: result.ticketId }
      : { messages, duplicate: result.duplicate };
  }

  const text = (value: string, user?: Parameters<typeof send>[1]) =>
    send({ kind: "text", text: value }, user);
  const command = (name: string, args = "", user?: Parameters<typeof send>[1]) =>
    send({ kind: "command", command: name, args }, user);
  const press = (token: string, value: string, user?: Parameters<typeof send>[1]) =>
    send({ kind: "choice", token, value }, user);

  /** The last message that carries choices: the question on screen. */
  const lastQuestion = (messages: ChatMessage[]) => [...messages].reverse().find((m) => m.token);

  /** The report context of a chat (answers so far), read from the stored snapshot. */
  function draft(chatId = "1001") {
    const conv = store.conversation("telegram", chatId);
    const report = conv?.stack.find((e) => e.flow === "report");
    return (report?.snapshot as { context?: { answers: Record<string, unknown> } } | undefined)?.context;
  }

  return {
    db,
    store,
    engine,
    send,
    text,
    command,
    press,
    lastQuestion,
    draft,
    setClock: (d: Date) => {
      clock = d;
    },
    now: () => clock,
  };
}

export type Harness = ReturnType<typeof createHarness>;
