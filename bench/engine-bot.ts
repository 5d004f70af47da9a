import { performance } from "node:perf_hooks";
import { Bot, type Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { ChatMessage, HandleResult, InboundEvent, InboundPayload } from "../src/messages.ts";
import type { Store } from "../src/store/store.ts";
import { BOT_INFO, BOT_TOKEN, fakeFetch } from "./fake-telegram.ts";

export const TELEGRAM = "telegram";

/** Turns a Telegram update into the engine's payload: a command, typed text, or a pressed button. */
function payloadOf(ctx: Context): BenchEvent["payload"] | undefined {
  const text = ctx.message?.text;
  if (text !== undefined) {
    const command = /^\/(\w+)(?:@\w+)?\s*(.*)$/s.exec(text.trim());
    return command
      ? { kind: "command", command: command[1] ?? "", args: command[2] ?? "" }
      : { kind: "text", text };
  }
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) {
    const bar = data.indexOf("|");
    return bar < 0 ? undefined : { kind: "choice", token: data.slice(0, bar), value: data.slice(bar + 1) };
  }
  return undefined;
}

/** Choices as one inline button per row; the callback data names the question (token) and the value. */
function keyboardOf(message: ChatMessage): { reply_markup: InlineKeyboardMarkup } | object {
  if (!message.choices?.length || !message.token) return {};
  const token = message.token;
  return {
    reply_markup: {
      inline_keyboard: message.choices.map((c) => [{ text: c.label, callback_data: `${token}|${c.value}` }]),
    },
  };
}

/**
 * Sends the chat's outbox rows written by one engine call, each marked sent after its send succeeded. The
 * engine hands back the rows it queued for this chat, so they are not read back from the database.
 */
export async function sendOutbox(ctx: Context, store: Store, result: Handled, chatId: string) {
  for (const { id, payload } of result.own ?? []) {
    if (payload.kind !== "chat") continue;
    const message: ChatMessage = payload;
    const sent = await ctx.api.sendMessage(Number(chatId), message.text, {
      parse_mode: "HTML",
      ...keyboardOf(message),
    });
    store.markSent(id, new Date().toISOString(), { messageId: sent.message_id });
  }
}

/**
 * A minimal grammY adapter for the engine, the bench's own: update → InboundEvent (dedupeKey = update_id) →
 * `router.handle` (the product's inbound router, which hands a reporter's message to the engine: one SQLite
 * transaction) → this chat's queued rows sent with `ctx.api.sendMessage` → `store.markSent`. The product's
 * channel (src/channels/telegram) adds Telegram's rate limits, retries and the duty desk, which would measure
 * the limiter rather than the engine; routed tickets (channel "duty") stay here for the dispatcher.
 */
/** Time spent in the adapter's two parts, summed over updates, to show where an update's time goes. */
export interface EngineBotTimes {
  updates: number;
  handleMs: number;
  sendMs: number;
}

/** What the adapter drives: the product's inbound router (as the Zalo path does), or an engine directly. */
export interface Handler {
  handle(event: BenchEvent): Handled;
}
/** The events this adapter makes: typed text, commands and pressed buttons, which every handler takes. */
type BenchEvent = InboundEvent & {
  payload: Extract<InboundPayload, { kind: "command" | "text" | "choice" }>;
};
type Handled = Pick<HandleResult, "own">;

export function createEngineBot(engine: Handler, store: Store, times?: EngineBotTimes): Bot {
  // The replies go through grammY's client to the fake fetch, as the peer's do from inside its conversations
  // and as the Zalo path's go through axios to its adapter: every side pays its own client's request building
  // and answer parsing, none a socket.
  const bot = new Bot(BOT_TOKEN, { botInfo: BOT_INFO, client: { fetch: fakeFetch } });
  bot.use(async (ctx) => {
    const chat = ctx.chat;
    const from = ctx.from;
    if (!chat || !from || chat.type !== "private") return;
    const payload = payloadOf(ctx);
    if (!payload) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const chatId = String(chat.id);
    const event: BenchEvent = {
      channel: TELEGRAM,
      chatId,
      userId: String(from.id),
      chatType: "private",
      languageCode: from.language_code,
      dedupeKey: String(ctx.update.update_id),
      at: new Date(),
      payload,
    };
    const t0 = performance.now();
    const result = engine.handle(event);
    const t1 = performance.now();
    await sendOutbox(ctx, store, result, chatId);
    if (times) {
      times.updates++;
      times.handleMs += t1 - t0;
      times.sendMs += performance.now() - t1;
    }
  });
  return bot;
}
