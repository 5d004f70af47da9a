import { performance } from "node:perf_hooks";
import type { AxiosAdapter, InternalAxiosRequestConfig } from "axios";
import { pino } from "pino";
import { ZaloBot } from "../src/channels/zalo/client.ts";
import { normalizeZaloUpdate } from "../src/channels/zalo/normalize.ts";
import { ZaloSender } from "../src/channels/zalo/sender.ts";
import type { Locale, Translator } from "../src/i18n.ts";
import type { InboundRouter } from "../src/inbound/route.ts";
import type { Store } from "../src/store/store.ts";

const TOKEN = "1234567890:bench-zalo-token-NOT-REAL";

/**
 * Zalo's sendMessage answered inside axios (an adapter), as the Telegram side's calls are answered by a fake
 * fetch under grammY's client: both paths pay their own client's request building and answer parsing,
 * neither a socket. It
 * refuses what Zalo refuses (no chat, an empty text or one over 2,000 UTF-16 units), so a rendering that
 * breaks the limit shows up as refused sends.
 */
export const zaloCalls = { sendMessage: 0, refused: 0 };
let messageSeq = 0;
const fakeZaloAdapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
  const body = JSON.parse(String(config.data ?? "{}")) as { chat_id?: string; text?: string };
  const length = body.text?.length ?? 0;
  const ok = Boolean(body.chat_id) && length >= 1 && length <= 2000;
  if (ok) zaloCalls.sendMessage++;
  else zaloCalls.refused++;
  const data = ok
    ? { ok: true, result: { message_id: (++messageSeq).toString(16).padStart(20, "0"), date: Date.now() } }
    : { ok: false, error_code: 400, description: "Bad request: The text must be 1-2000 characters" };
  return { data: JSON.stringify(data), status: ok ? 200 : 400, statusText: "", headers: {}, config };
};

/** A Zalo text update as the webhook or getUpdates delivers it (raw shape). */
export function zaloTextUpdate(chatId: string, text: string, seq: number) {
  return {
    event_name: "message.text.received",
    message: {
      message_id: seq.toString(16).padStart(20, "0"),
      date: Date.now(),
      from: { id: chatId, display_name: "Bench", is_bot: false },
      chat: { id: chatId, chat_type: "PRIVATE" },
      text,
    },
  };
}

/**
 * The product's Zalo path for one update, as the bench measures it: normalize → the router (the engine) → the chat's
 * rows rendered as Zalo text (numbered options, split at 2,000 units) → the client's sendMessage → markSent.
 * The runtime also sends a typing action and flushes through the outbox reader; those are the same per channel
 * and left out on both sides.
 */
export function createZaloBenchBot(deps: {
  router: InboundRouter;
  store: Store;
  translator: Translator;
  defaultLocale: Locale;
}) {
  const bot = new ZaloBot(TOKEN, {
    baseApiUrl: "http://zalo.bench.invalid",
    request: { adapter: fakeZaloAdapter },
  });
  const sender = new ZaloSender(deps.store, bot, pino({ level: "silent" }), {
    translator: deps.translator,
    defaultLocale: deps.defaultLocale,
  });
  return {
    async handleUpdate(body: unknown): Promise<void> {
      const inbound = normalizeZaloUpdate(body, new Date());
      if (inbound.kind !== "event") return;
      const result = deps.router.handle(inbound.event);
      for (const { id, payload } of result.own) {
        if (payload.kind !== "chat") continue;
        const messageIds: string[] = [];
        for (const text of sender.render(inbound.event.chatId, payload)) {
          messageIds.push((await bot.sendMessage(inbound.event.chatId, text)).message_id);
        }
        deps.store.markSent(id, new Date().toISOString(), { messageIds });
      }
    },
  };
}

let nextZaloChat = 0;
let nextZaloMessage = 1;

/** Drives `chats` fresh Zalo chats through `script` round-robin, like the Telegram side's drive(). */
export async function driveZalo(
  bot: ReturnType<typeof createZaloBenchBot>,
  script: readonly string[],
  chats: number,
): Promise<{ updates: number; wallMs: number; latencies: number[] }> {
  const ids = Array.from({ length: chats }, () => `b${(nextZaloChat++).toString(16).padStart(19, "0")}`);
  const updates: unknown[] = [];
  for (const line of script) for (const id of ids) updates.push(zaloTextUpdate(id, line, nextZaloMessage++));
  const latencies = new Array<number>(updates.length);
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) {
    const t0 = performance.now();
    await bot.handleUpdate(updates[i]);
    latencies[i] = performance.now() - t0;
  }
  return { updates: updates.length, wallMs: performance.now() - start, latencies };
}
