import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { freePort, waitFor } from "../e2e/telegram-harness.ts";
import { FakeBotApi } from "./fake-bot-api.ts";

/** A bot process as an operator runs it (`incident-bot start`), so that a test may SIGKILL it. */
export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<void>;
  out: () => string;
}

/** The bot as an operator runs it (`incident-bot start`), in its own process, with only this environment. */
export function startBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, out: () => stdout };
}

/** A private text message from `userId`, as Telegram posts it to the webhook. */
export function privateTextUpdate(userId: number, updateId: number, text: string, messageId = updateId) {
  const user = { id: userId, is_bot: false, first_name: "An", language_code: "vi" };
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: "private", first_name: "An" },
      from: user,
      text,
    },
  };
}

const STARTED = "telegram channel started";

/**
 * A webhook-mode bot process against the fake Bot API, on one database, for crash tests: the database is seeded
 * before the process runs, the process is killed while a send is in flight, and started again on the same
 * database. While sends are blocked the fake API swallows each request before Telegram would process it, so the
 * bot's request hangs.
 */
export async function restartRig(options: { dbPath: string; secret: string }) {
  let blocked = false;
  const api = await FakeBotApi.start({ limits: false, faultFor: () => (blocked ? "drop" : undefined) });
  const port = await freePort();
  const env = {
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    TELEGRAM_MODE: "webhook",
    WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
    WEBHOOK_SECRET: options.secret,
    PORT: String(port),
    DATABASE_PATH: options.dbPath,
    LOG_LEVEL: "info",
  };
  /** Telegram's request for an update, with the webhook's secret. */
  const post = (update: object) =>
    fetch(env.WEBHOOK_URL, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": options.secret },
      body: JSON.stringify(update),
    });
  /**
   * On the database, before any bot process: `group` bound to vncert, and the reporter's lines (commands or
   * texts) handled by the engine in a private chat, every message they queued counted as delivered.
   */
  const seed = async (reporter: number, group: number, lines: readonly string[]) => {
    const app = createApp(parseConfig(env), createLogger("silent"));
    app.store.bindChat("vncert", "telegram", String(group), "test", new Date().toISOString());
    lines.forEach((text, i) => {
      app.engine.handle({
        channel: "telegram",
        chatId: String(reporter),
        userId: String(reporter),
        chatType: "private",
        languageCode: "vi",
        dedupeKey: String(i + 1),
        at: new Date(),
        payload: text.startsWith("/")
          ? { kind: "command", command: text.slice(1), args: "" }
          : { kind: "text", text },
      });
    });
    app.db.prepare("UPDATE outbox SET status = 'sent', result = '{\"messageIds\":[1]}'").run();
    await app.close();
  };
  /**
   * Starts the bot, blocks sends, posts `update` (Telegram's request is never answered) and SIGKILLs the process
   * once a send is in flight, after the update's work was committed.
   */
  const crashWhileSending = async (update: object, startMs: number) => {
    const first = startBot(env);
    try {
      await waitFor(() => first.out().includes(STARTED), "the bot to start", startMs);
      blocked = true;
      const sendsBefore = api.stats.sendCalls;
      post(update).catch(() => undefined);
      await waitFor(() => api.stats.sendCalls > sendsBefore, "a send in flight after the commit", 10_000);
    } finally {
      first.child.kill("SIGKILL");
      await first.exited;
    }
  };
  /** Stops the restarted bot and the fake API. */
  const stop = async (bot: BotProcess) => {
    bot.child.kill("SIGTERM");
    await bot.exited;
    await api.close();
  };
  /** Lets sends through again and starts the bot on the same database; resolves once it listens. */
  const restart = async (startMs: number) => {
    blocked = false;
    const second = startBot(env);
    try {
      await waitFor(() => second.out().includes(STARTED), "the bot to restart", startMs);
    } catch (error) {
      await stop(second);
      throw error;
    }
    return second;
  };
  return { api, env, post, seed, crashWhileSending, restart, stop };
}
