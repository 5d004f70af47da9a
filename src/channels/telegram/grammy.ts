import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import { type Api, Bot, Composer, type Context, InputFile } from "grammy";
import type { App } from "../../app.ts";
import { errorText } from "../../redact.ts";
import { handleTelegramUpdate, type TelegramHandlerDeps } from "./handler.ts";
import type { TelegramPort } from "./port.ts";
import { checkUpdate, logMalformed } from "./update-schema.ts";

/** The Bot API port over grammY's Api. */
export function grammyPort(api: Api): TelegramPort {
  return {
    sendMessage: (chatId, text, options) => api.sendMessage(chatId, text, options),
    editMessageText: (chatId, messageId, text, options) =>
      api.editMessageText(chatId, messageId, text, options),
    copyMessage: (chatId, fromChatId, messageId, options) =>
      api.copyMessage(chatId, fromChatId, messageId, options),
    sendDocument: (chatId, file, options) =>
      api.sendDocument(chatId, new InputFile(file.bytes, file.filename), options),
    answerCallbackQuery: (id, text) => api.answerCallbackQuery(id, text ? { text } : {}),
    getFile: (fileId) => api.getFile(fileId),
    setMyCommands: (commands, languageCode) =>
      api.setMyCommands(commands, languageCode ? { language_code: languageCode } : {}),
  };
}

/**
 * The incident flows as grammY middleware, so an agency's existing grammY bot can mount them with
 * `bot.use(incidentComposer(deps))`; updates that are not the flows' go on to the next handler.
 */
export function incidentComposer(deps: TelegramHandlerDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.use(async (ctx, next) => {
    const checked = checkUpdate(ctx.update);
    if (!checked.ok) return logMalformed(deps.logger, ctx.update, checked.problems);
    if (!(await handleTelegramUpdate(ctx.update, deps))) await next();
  });
  return composer;
}

/** A grammY bot configured from the app: API root, flood-limit retries, the incident flows. */
export function createGrammyBot(app: App, token: string): Bot {
  // A request that hangs (Telegram unreachable) fails after a minute and is retried by the outbox, instead of
  // holding its chat's slot in the rate limiter for grammY's default of 500 seconds.
  const bot = new Bot(token, { client: { apiRoot: app.config.telegram.apiRoot, timeoutSeconds: 60 } });
  // Short 429 waits (retry_after up to 5 s) are waited out inside the call; longer ones fall back to the outbox.
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 1,
      maxDelaySeconds: 5,
      // Network and server errors go back to the outbox, whose backoff, attempt count and dead letter apply.
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );
  // The runner retries failed getUpdates calls on its own; it is started silent (its console output carries
  // the request URL, i.e. the token), so each failure is logged here instead, redacted.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      if (method === "getUpdates" && !signal?.aborted) {
        app.logger.warn({ err: errorText(error, [token]) }, "polling failed (getUpdates); retrying");
      }
      throw error;
    }
  });
  bot.catch((err) => app.logger.error({ err: errorText(err.error, [token]) }, "update failed"));
  return bot;
}

/** Long polling with @grammyjs/runner: updates of one chat in order, different chats concurrently. */
export function startGrammyPolling(bot: Bot, deps: TelegramHandlerDeps): RunnerHandle {
  bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  bot.use(incidentComposer(deps));
  const runner = run(bot, {
    runner: { fetch: { allowed_updates: ["message", "callback_query"] }, silent: true },
  });
  // The runner gives up after its longest retry time; that end is logged, not an unhandled rejection.
  runner.task()?.catch((error: unknown) => deps.logger.error({ err: errorText(error) }, "polling stopped"));
  return runner;
}
