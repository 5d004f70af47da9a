import type { Update } from "grammy/types";
import { type Context, type MiddlewareFn, Telegraf } from "telegraf";
import type { App } from "../../app.ts";
import { errorText } from "../../redact.ts";
import { handleTelegramUpdate, type TelegramHandlerDeps } from "./handler.ts";
import type { TelegramPort } from "./port.ts";
import { checkUpdate, logMalformed } from "./update-schema.ts";

/** The Bot API port over Telegraf's Telegram client. */
export function telegrafPort(telegram: Telegraf["telegram"]): TelegramPort {
  return {
    sendMessage: (chatId, text, options) => telegram.sendMessage(chatId, text, options),
    editMessageText: (chatId, messageId, text, options) =>
      telegram.editMessageText(chatId, messageId, undefined, text, options),
    copyMessage: (chatId, fromChatId, messageId, options) =>
      telegram.copyMessage(chatId, fromChatId, messageId, options),
    sendDocument: (chatId, file, options) =>
      telegram.sendDocument(chatId, { source: file.bytes, filename: file.filename }, options),
    answerCallbackQuery: (id, text) => telegram.answerCbQuery(id, text),
    getFile: (fileId) => telegram.getFile(fileId),
    setMyCommands: (commands, languageCode) =>
      telegram.setMyCommands(commands, languageCode ? { language_code: languageCode } : {}),
  };
}

/**
 * The incident flows as Telegraf middleware (`bot.use(incidentMiddleware(deps))` in an existing Telegraf bot);
 * updates that are not the flows' go on to the next handler.
 */
export function incidentMiddleware(deps: TelegramHandlerDeps): MiddlewareFn<Context> {
  // Telegraf handles a polled batch concurrently; a chain per chat keeps one chat's updates in order.
  const chains = new Map<string, Promise<unknown>>();
  return async (ctx, next) => {
    const checked = checkUpdate(ctx.update);
    if (!checked.ok) return logMalformed(deps.logger, ctx.update, checked.problems);
    const key = String(ctx.chat?.id ?? ctx.from?.id ?? "");
    const previous = chains.get(key) ?? Promise.resolve();
    // Both runtimes receive the raw Bot API update; the handler reads only its JSON fields.
    const current = previous.then(() => handleTelegramUpdate(ctx.update as unknown as Update, deps));
    const settled = current.catch(() => undefined);
    chains.set(key, settled);
    try {
      if (!(await current)) await next();
    } finally {
      if (chains.get(key) === settled) chains.delete(key);
    }
  };
}

/** A Telegraf bot configured from the app (API root); the flows are added by the caller. */
export function createTelegrafBot(app: App, token: string): Telegraf {
  const bot = new Telegraf(token, { telegram: { apiRoot: app.config.telegram.apiRoot } });
  bot.catch((error) => app.logger.error({ err: errorText(error, [token]) }, "update failed"));
  // Telegraf's polling retries failed getUpdates calls silently (only its debug channel hears of them); the
  // failures are logged here, redacted, so an operator sees that Telegram is unreachable.
  const callApi = bot.telegram.callApi.bind(bot.telegram);
  bot.telegram.callApi = (async (method: string, ...rest: unknown[]) => {
    try {
      return await (callApi as (m: string, ...r: unknown[]) => Promise<unknown>)(method, ...rest);
    } catch (error) {
      const aborted = error instanceof Error && error.name === "AbortError";
      if (method === "getUpdates" && !aborted) {
        app.logger.warn({ err: errorText(error, [token]) }, "polling failed (getUpdates); retrying");
      }
      throw error;
    }
  }) as typeof bot.telegram.callApi;
  return bot;
}
