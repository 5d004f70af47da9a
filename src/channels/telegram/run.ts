import type { FastifyInstance } from "fastify";
import type { App } from "../../app.ts";
import { telegramEvidenceSource } from "../../evidence/sources.ts";
import { errorText } from "../../redact.ts";
import { type HttpServerOptions, startHttpServer } from "../../server/http.ts";
import { registerCommands } from "./commands.ts";
import { createTelegramDeps } from "./deps.ts";
import { createGrammyBot, grammyPort, incidentComposer, startGrammyPolling } from "./grammy.ts";
import type { TelegramHandlerDeps } from "./handler.ts";
import { untilReachable } from "./reach.ts";
import type { SenderOptions } from "./sender.ts";
import { createTelegrafBot, incidentMiddleware, telegrafPort } from "./telegraf.ts";
import { edgeChecked } from "./update-schema.ts";

const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** A running bot: its HTTP server (webhook, /healthz) and a graceful stop. */
export interface RunningBot {
  server: FastifyInstance;
  deps: TelegramHandlerDeps;
  /** Stops taking updates, finishes the ones in hand and pending sends, then closes the app (database). */
  stop(): Promise<void>;
}

/** Starts the Telegram channel on the configured runtime (grammY or Telegraf) and mode (polling or webhook). */
export async function startTelegram(
  app: App,
  senderOptions: SenderOptions = {},
  /** Other channels' routes on the same server (the Zalo webhook). */
  extraHttp: { zaloWebhook?: HttpServerOptions["zaloWebhook"] } = {},
): Promise<RunningBot> {
  const { telegram } = app.config;
  const token = telegram.token;
  if (!token) throw new Error("TELEGRAM_BOT_TOKEN is not set");
  const health = () => {
    app.store.ping();
  };
  const webhookPath = telegram.webhookUrl ? new URL(telegram.webhookUrl).pathname : "/telegram";
  // A webhook is answered once the update is committed; polling waits for the chat's own answer to go out.
  const waitForSends = telegram.mode !== "webhook";
  let deps: TelegramHandlerDeps;
  let stopUpdates: () => Promise<void>;
  let onUpdate: ((update: unknown) => Promise<void>) | undefined;
  let setWebhook: (() => Promise<unknown>) | undefined;

  if (telegram.framework === "grammy") {
    const bot = createGrammyBot(app, token);
    // bot.init() retries getMe forever in silence; our own loop logs each failure and what to check.
    bot.botInfo = await untilReachable(() => bot.api.getMe(), app.logger);
    deps = createTelegramDeps(app, grammyPort(bot.api), bot.botInfo.username, senderOptions, waitForSends);
    if (telegram.mode === "polling") {
      await bot.api.deleteWebhook().catch(() => undefined);
      const runner = startGrammyPolling(bot, deps);
      stopUpdates = async () => {
        if (runner.isRunning()) await runner.stop();
      };
    } else {
      bot.use(incidentComposer(deps));
      onUpdate = edgeChecked(app.logger, (update) => bot.handleUpdate(update));
      setWebhook = () =>
        bot.api.setWebhook(telegram.webhookUrl ?? "", {
          secret_token: telegram.webhookSecret ?? "",
          allowed_updates: [...ALLOWED_UPDATES],
        });
      stopUpdates = async () => {};
    }
  } else {
    const bot = createTelegrafBot(app, token);
    bot.botInfo = await untilReachable(() => bot.telegram.getMe(), app.logger);
    deps = createTelegramDeps(
      app,
      telegrafPort(bot.telegram),
      bot.botInfo.username,
      senderOptions,
      waitForSends,
    );
    bot.use(incidentMiddleware(deps));
    if (telegram.mode === "polling") {
      // launch() resolves only when polling ends; a failure there is logged, not thrown into the void.
      bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).catch((error: unknown) => {
        app.logger.error({ err: errorText(error, [token]) }, "polling stopped");
      });
      stopUpdates = async () => {
        try {
          bot.stop("shutdown");
        } catch {
          // Already stopped.
        }
      };
    } else {
      onUpdate = edgeChecked(app.logger, (update) => bot.handleUpdate(update as never));
      setWebhook = () =>
        bot.telegram.setWebhook(telegram.webhookUrl ?? "", {
          secret_token: telegram.webhookSecret ?? "",
          allowed_updates: [...ALLOWED_UPDATES],
        });
      stopUpdates = async () => {};
    }
  }

  // Reporters' files are fetched through the same port (getFile), from the file URL that carries the token.
  app.evidence.registerSource("telegram", telegramEvidenceSource(deps.port, telegram.apiRoot, token));
  const server = await startHttpServer({
    port: app.config.port,
    host: app.config.host,
    logger: app.logger,
    health,
    metrics: () => app.metrics.scrape(),
    ...extraHttp,
    ...(onUpdate && telegram.webhookSecret
      ? { webhook: { path: webhookPath, secret: telegram.webhookSecret, onUpdate } }
      : {}),
  });
  if (setWebhook) await setWebhook();
  await registerCommands(deps.port, app.translator, app.config.defaultLocale, app.logger);
  // Messages committed before a crash or restart go out first; then the delivery loops and timers run.
  await app.start();
  app.logger.info(
    { framework: telegram.framework, mode: telegram.mode, bot: deps.botUsername },
    "telegram channel started",
  );

  let stopped: Promise<void> | undefined;
  return {
    server,
    deps,
    stop: () => {
      stopped ??= (async () => {
        await stopUpdates();
        await server.close();
        await app.close();
      })();
      return stopped;
    },
  };
}
