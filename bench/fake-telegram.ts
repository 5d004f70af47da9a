import type { Transformer } from "grammy";
import type { InlineKeyboardMarkup, Update, UserFromGetMe } from "grammy/types";

/**
 * A local stand-in for the Telegram Bot API: no HTTP, no sockets. Every bot of the bench is built with
 * `botInfo` (so `bot.init()` never calls getMe) and answers API calls from here.
 */

export const BOT_TOKEN = "123456:bench-token-not-real-aaaaaaaaaaaa";

export const BOT_INFO: UserFromGetMe = {
  id: 123456,
  is_bot: true,
  first_name: "Incident bench bot",
  username: "incident_bench_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** Counts of the calls the fake answered, per method, so the run can show both sides sent alike. */
export const apiCalls = new Map<string, number>();
let messageSeq = 0;

/** What Telegram would answer: for sendMessage a full Message echoing the text and keyboard, as the real API. */
function fakeResult(method: string, payload: Record<string, unknown>): unknown {
  apiCalls.set(method, (apiCalls.get(method) ?? 0) + 1);
  if (method === "sendMessage") {
    const chatId = Number(payload.chat_id);
    const message: Record<string, unknown> = {
      message_id: ++messageSeq,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Cán bộ" },
      from: { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name, username: BOT_INFO.username },
      text: String(payload.text ?? ""),
    };
    // A refused answer is re-asked with a warning; the scripted flows must never see one.
    if (String(payload.text ?? "").includes("⚠️")) apiCalls.set("refused", (apiCalls.get("refused") ?? 0) + 1);
    const markup = payload.reply_markup as InlineKeyboardMarkup | undefined;
    if (markup) message.reply_markup = markup;
    return message;
  }
  return true;
}

/** The API transformer installed on `bot.api`: answers every method locally, never calling `prev`. */
export const fakeTransformer: Transformer = async (_prev, method, payload) => ({
  ok: true,
  result: fakeResult(method, (payload ?? {}) as Record<string, unknown>) as never,
});

/**
 * A `fetch` for grammY's client that answers like the transformer. Needed only for @grammyjs/conversations:
 * for each replayed update it builds its own `new Api(token, options)` (to log API results in the replay
 * log), which copies the client options but not the transformers of `bot.api`. Without this, the calls made
 * inside a conversation would go to api.telegram.org. It returns a minimal object with `json()`, no HTTP.
 */
export const fakeFetch = (async (url: string | URL, init?: { body?: unknown }) => {
  const method = String(url).slice(String(url).lastIndexOf("/") + 1);
  const payload = typeof init?.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : {};
  const body = { ok: true, result: fakeResult(method, payload) };
  return { json: async () => body };
}) as unknown as typeof fetch;

let updateSeq = 0;
let inboundMessageSeq = 0;

/** A private-chat text message from user `chatId` (user id = chat id), as Telegram delivers it. */
export function textUpdate(chatId: number, text: string): Update {
  const command = /^\/\w+/.exec(text);
  return {
    update_id: ++updateSeq,
    message: {
      message_id: ++inboundMessageSeq,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Cán bộ" },
      from: { id: chatId, is_bot: false, first_name: "Cán bộ", language_code: "vi" },
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    },
  } as Update;
}
