import type { FastifyInstance } from "fastify";
import {
  armStaleContactsReminder,
  fireStaleContactsReminder,
  STALE_CONTACTS_JOB,
} from "../../admin/stale-reminder.ts";
import type { App } from "../../app.ts";
import { createEmailTransport, EmailSender } from "../../delivery/email.ts";
import { Scheduler } from "../../delivery/scheduler.ts";
import { DUTY_JOB_KINDS } from "../../duty/desk.ts";
import { errorText } from "../../redact.ts";
import { startHttpServer } from "../../server/http.ts";
import { registerCommands } from "./commands.ts";
import { adminDeadLetterNotifier, createTelegramDeps } from "./deps.ts";
import { createGrammyBot, grammyPort, incidentComposer, startGrammyPolling } from "./grammy.ts";
import { dispatchRoutedTickets, type TelegramHandlerDeps } from "./handler.ts";
import { untilReachable } from "./reach.ts";
import type { SenderOptions } from "./sender.ts";
import { createTelegrafBot, incidentMiddleware, telegrafPort } from "./telegraf.ts";
import { edgeChecked } from "./update-schema.ts";

const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** A running bot: its HTTP server (webhook, /healthz) and a graceful stop. */
export interface RunningBot {
  server: FastifyInstance;
  deps: TelegramHandlerDeps;
  /** Stops taking updates, finishes the ones in hand and pending sends, then closes the database. */
  stop(): Promise<void>;
}

/** Starts the Telegram channel on the configured runtime (grammY or Telegraf) and mode (polling or webhook). */
export async function startTelegram(app: App, senderOptions: SenderOptions = {}): Promise<RunningBot> {
  const { telegram } = app.config;
  const token = telegram.token;
  if (!token) throw new Error("TELEGRAM_BOT_TOKEN is not set");
  const health = () => {
    app.store.ping();
  };
  const webhookPath = telegram.webhookUrl ? new URL(telegram.webhookUrl).pathname : "/telegram";
  let deps: TelegramHandlerDeps;
  let stopUpdates: () => Promise<void>;
  let onUpdate: ((update: unknown) => Promise<void>) | undefined;
  let setWebhook: (() => Promise<unknown>) | undefined;

  if (telegram.framework === "grammy") {
    const bot = createGrammyBot(app, token);
    // bot.init() retries getMe forever in silence; our own loop logs each failure and what to check.
    bot.botInfo = await untilReachable(() => bot.api.getMe(), app.logger);
    deps = createTelegramDeps(app, grammyPort(bot.api), bot.botInfo.username, senderOptions);
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
    deps = createTelegramDeps(app, telegrafPort(bot.telegram), bot.botInfo.username, senderOptions);
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

  const server = await startHttpServer({
    port: app.config.port,
    host: app.config.host,
    logger: app.logger,
    health,
    ...(onUpdate && telegram.webhookSecret
      ? { webhook: { path: webhookPath, secret: telegram.webhookSecret, onUpdate } }
      : {}),
  });
  if (setWebhook) await setWebhook();
  await registerCommands(deps.port, app.translator, app.config.defaultLocale, app.logger);
  // Messages committed before a crash or restart go out first; then retries run every second.
  await deps.sender.flushAll();
  deps.sender.start();
  const email = app.config.smtp
    ? new EmailSender(app.store, createEmailTransport(app.config.smtp.url), app.logger, {
        from: app.config.smtp.from,
        maxAttempts: app.config.deliveryMaxAttempts,
        onDeadLetter: adminDeadLetterNotifier(app),
      })
    : undefined;
  // A slow mail server must not hold up the bot's start: the first pass runs in the background.
  email
    ?.flushAll()
    .catch((error: unknown) =>
      app.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        "e-mail flush failed",
      ),
    );
  email?.start(5000);
  // Routed tickets waiting for a duty chat (none bound yet, or posted before a restart) go out every second.
  const dutyLoop = setInterval(() => {
    dispatchRoutedTickets(deps, new Date()).catch((error: unknown) =>
      app.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        "duty dispatch failed",
      ),
    );
  }, 1000);
  dutyLoop.unref();
  const scheduler = new Scheduler(app.engine, app.store, app.logger, () => {
    dispatchRoutedTickets(deps, new Date())
      .then(() => deps.sender.flushAll())
      .catch(() => undefined);
  });
  for (const kind of DUTY_JOB_KINDS) scheduler.on(kind, (job, now) => deps.desk.fireJob(job, now));
  scheduler.on(
    STALE_CONTACTS_JOB,
    fireStaleContactsReminder({
      service: app.engine.admin.service,
      translator: app.translator,
      defaultLocale: app.config.defaultLocale,
    }),
  );
  // Registered above first: a job of a kind nobody handles would fall through to the engine.
  armStaleContactsReminder(app.engine.admin.service, new Date());
  scheduler.start();
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
        clearInterval(dutyLoop);
        scheduler.stop();
        deps.sender.stop();
        email?.stop();
        await Promise.all([deps.sender.drain(), email?.drain()]);
        app.close();
      })();
      return stopped;
    },
  };
}
