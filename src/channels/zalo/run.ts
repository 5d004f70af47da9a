/**
 * Runtime wiring of the Zalo channel: the client, the update handler (normalize → the app's router → the
 * dispatcher), polling or the /zalo/hook webhook, and Zalo's lane in the dispatcher. It runs alone or beside
 * Telegram on one database: the router, the duty desk and the dispatcher are the app's, shared by both.
 */
import type { FastifyInstance } from "fastify";
import type { App } from "../../app.ts";
import { isLoopbackHttp, zaloEvidenceSource } from "../../evidence/sources.ts";
import { type Locale, resolveLocale } from "../../i18n.ts";
import { OutboxLane } from "../../outbox/lane.ts";
import { type HttpServerOptions, startHttpServer } from "../../server/http.ts";
import { ZaloBot } from "./client.ts";
import { normalizeZaloUpdate, ZALO_CHANNEL } from "./normalize.ts";
import { quotaNotifier, ZaloSendCounter } from "./quota.ts";
import { ZaloSender, type ZaloSenderOptions } from "./sender.ts";

export const ZALO_WEBHOOK_PATH = "/zalo/hook";

export interface ZaloRunOptions {
  /** Zalo is the only channel: it starts the HTTP server (/healthz, the webhook) and the app's loops. */
  ownServer?: boolean;
  /** Seconds of one long poll (default 30). */
  pollTimeoutSeconds?: number;
  /** Milliseconds between polls (default 300). */
  pollIntervalMs?: number;
  sender?: Partial<ZaloSenderOptions>;
  /** First retry delay of Zalo's lane (tests shorten it). */
  baseDelayMs?: number;
}

export interface RunningZalo {
  bot: ZaloBot;
  sender: ZaloSender;
  lane: OutboxLane;
  /** One update, as polled or pushed: applied once, answered, sent. */
  handle(body: unknown): Promise<void>;
  /** The webhook route for the HTTP server, in webhook mode. */
  webhook: HttpServerOptions["zaloWebhook"];
  server: FastifyInstance | undefined;
  /** Stops taking updates (and, alone, closes the server); the app's close() finishes the sends. */
  stop(): Promise<void>;
}

/** Starts the Zalo channel in the configured mode. Webhook mode needs the route on a server (own or Telegram's). */
export async function startZalo(app: App, options: ZaloRunOptions = {}): Promise<RunningZalo> {
  const { zalo } = app.config;
  if (!zalo.token) throw new Error("ZALO_BOT_TOKEN is not set");
  const bot = new ZaloBot(zalo.token, {
    baseApiUrl: zalo.apiRoot,
    polling: {
      autoStart: false,
      interval: options.pollIntervalMs ?? 300,
      params: { timeout: options.pollTimeoutSeconds ?? 30 },
    },
    logger: { error: (line) => app.logger.warn(line) },
  });
  const me = await bot.getMe();
  const botNames = [me.display_name, me.account_name].filter((n): n is string => Boolean(n));
  const sender = new ZaloSender(app.store, bot, app.logger, {
    translator: app.translator,
    defaultLocale: app.config.defaultLocale,
    counter: new ZaloSendCounter(app.store, zalo.monthlyQuota, app.config.timeZone),
    onQuota: quotaNotifier({
      store: app.store,
      translator: app.translator,
      locale: app.config.defaultLocale,
      configAdmins: app.config.adminIds,
    }),
    ...options.sender,
  });
  // Zalo's rows go through the same lane, order and retry policy as every channel's.
  const lane = new OutboxLane(app.store, sender, app.logger, {
    ...app.laneOptions,
    ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
  });
  app.dispatcher.register(lane);
  // Images reporters send are kept as evidence: their CDN URL is fetched (https only) after the commit. A Zalo API
  // root on plain http at this machine is a local stand-in (a test server), whose images are local plain http too.
  app.evidence.registerSource(ZALO_CHANNEL, zaloEvidenceSource({ localHttp: isLoopbackHttp(zalo.apiRoot) }));
  // A webhook is answered once the update is committed; polling waits for the chat's own answer to go out.
  const waitForSends = zalo.mode !== "webhook";

  const localeOf = (userId: string): Locale => {
    return resolveLocale(app.store.userLocale(ZALO_CHANNEL, userId), undefined, app.config.defaultLocale);
  };
  const background = (work: Promise<void>) => {
    work.catch((error: unknown) =>
      app.logger.error({ err: error instanceof Error ? error.message : String(error) }, "zalo send failed"),
    );
  };

  const handle = async (body: unknown): Promise<void> => {
    const inbound = normalizeZaloUpdate(body, new Date(), botNames);
    if (inbound.kind === "ignore") return;
    if (inbound.kind === "notice") {
      if (inbound.chatType !== "private") return;
      // A note sent once per update (its key), through the outbox like every message; nothing else changes.
      const at = inbound.at.toISOString();
      const fresh = app.store.transaction(() => {
        if (!app.store.markProcessed(ZALO_CHANNEL, inbound.dedupeKey, at)) return false;
        app.store.enqueue(
          `zalo-note:${inbound.dedupeKey}`,
          ZALO_CHANNEL,
          inbound.chatId,
          { kind: "chat", text: app.translator.t(localeOf(inbound.userId), inbound.key) },
          at,
        );
        return true;
      });
      if (fresh) {
        const sent = lane.flushChat(inbound.chatId);
        if (waitForSends) await sent;
        else background(sent);
      }
      return;
    }
    const { event } = inbound;
    // Zalo never says which message a person quoted, and a group only delivers messages that quote the
    // assistant or name it: a message answers the assistant's newest message in its chat. The router then reads
    // a number as that duty post's numbered action, or text as the answer to the desk's question.
    const replyTo = sender.lastRef(event.chatId);
    if (event.chatType === "private") background(sender.typing(event.chatId));
    const routed = app.router.handle({
      ...event,
      userName: inbound.userName,
      ...(replyTo !== undefined ? { replyTo } : {}),
    });
    if (routed.kind === "nothing") return;
    await app.dispatcher.dispatch({ channel: ZALO_CHANNEL, chatId: event.chatId }, routed, {
      wait: waitForSends,
    });
  };

  let server: FastifyInstance | undefined;
  const webhook =
    zalo.mode === "webhook" && zalo.webhookSecret
      ? { path: ZALO_WEBHOOK_PATH, secret: zalo.webhookSecret, onUpdate: handle }
      : undefined;
  if (options.ownServer) {
    server = await startHttpServer({
      port: app.config.port,
      host: app.config.host,
      logger: app.logger,
      health: () => app.store.ping(),
      metrics: () => app.metrics.scrape(),
      ...(webhook ? { zaloWebhook: webhook } : {}),
    });
    // Alone in the process: messages committed before a stop go out first, then the app's loops run.
    await app.start();
  }
  if (zalo.mode === "webhook") {
    await bot.setWebhook(zalo.webhookUrl ?? "", { secret_token: zalo.webhookSecret ?? "" });
  } else {
    // Polling and a webhook exclude each other on Zalo.
    await bot.deleteWebhook().catch(() => undefined);
    bot.onUpdate(handle);
    bot.on("polling_error", (error: Error) => app.logger.warn({ err: error.message }, "zalo polling error"));
    await bot.startPolling();
  }
  app.logger.info({ mode: zalo.mode, bot: me.account_name }, "zalo channel started");

  let stopped: Promise<void> | undefined;
  return {
    bot,
    sender,
    lane,
    handle,
    webhook,
    server,
    stop: () => {
      stopped ??= (async () => {
        await bot.stopPolling({ cancel: true });
        await server?.close();
      })();
      return stopped;
    },
  };
}
