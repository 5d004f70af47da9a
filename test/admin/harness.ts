import { Engine } from "../../src/conversation/engine.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { ChatMessage, InboundPayload } from "../../src/messages.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

/** The configured admins of these tests (ADMIN_TELEGRAM_IDS=1,2). */
export const ADMINS = ["1", "2"];

/** An engine with contact administration configured, on a fresh in-memory database, played by several users. */
export function createAdminHarness(options: { changeApproval?: boolean; now?: Date } = {}) {
  const store = new Store(openDatabase(":memory:"));
  const engine = new Engine({
    store,
    translator: createTranslator("vi"),
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    drafts: { reminderMs: 86_400_000, expiryMs: 86_400_000 },
    admin: {
      configAdmins: { telegram: ADMINS },
      changeApproval: options.changeApproval ?? false,
      staleMs: 180 * 86_400_000,
    },
  });
  let clock = options.now ?? new Date("2026-11-21T03:00:00Z");
  let seq = 0;

  /** Sends one payload as `userId` (in its private chat) and returns what the bot wrote to that chat. */
  function send(userId: string, payload: InboundPayload, languageCode = "vi"): ChatMessage[] {
    const result = engine.handle({
      channel: "telegram",
      chatId: userId,
      userId,
      chatType: "private",
      languageCode,
      dedupeKey: `u${++seq}`,
      at: clock,
      payload,
      messageRef: payload.kind === "choice" ? "77" : undefined,
    });
    return result.outbox
      .map((id) => store.outboxRow(id))
      .filter((row) => row?.channel === "telegram" && row.chatId === userId)
      .map((row) => row?.payload as ChatMessage)
      .filter((m) => m.kind === "chat");
  }

  const user = (userId: string, languageCode = "vi") => ({
    command: (name: string, args = "") =>
      send(userId, { kind: "command", command: name, args }, languageCode),
    text: (text: string) => send(userId, { kind: "text", text }, languageCode),
    press: (token: string, value: string) => send(userId, { kind: "choice", token, value }, languageCode),
  });

  /** Every message queued for a chat so far (to see notices sent by someone else's update). */
  const inbox = (chatId: string): string[] =>
    (
      store.db
        .prepare("SELECT payload FROM outbox WHERE channel = 'telegram' AND chat_id = ? ORDER BY id")
        .all(chatId) as Array<{ payload: string }>
    ).map((r) => (JSON.parse(r.payload) as { text: string }).text);

  const audit = (actor: string) =>
    store.db
      .prepare("SELECT action, subject, outcome FROM audit_log WHERE actor = ? ORDER BY id")
      .all(actor) as Array<{ action: string; subject: string; outcome: string }>;

  return {
    store,
    engine,
    user,
    inbox,
    audit,
    setClock: (d: Date) => {
      clock = d;
    },
  };
}

/** All texts of a batch of messages, joined. */
export const texts = (messages: ChatMessage[]) => messages.map((m) => m.text).join("\n---\n");

/** The last message that carries buttons: the question on screen. */
export const onScreen = (messages: ChatMessage[]) => [...messages].reverse().find((m) => m.token);
