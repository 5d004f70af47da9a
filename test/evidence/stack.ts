import { join } from "node:path";
import { Api } from "grammy";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { createTelegramDeps } from "../../src/channels/telegram/deps.ts";
import { grammyPort } from "../../src/channels/telegram/grammy.ts";
import { handleTelegramUpdate } from "../../src/channels/telegram/handler.ts";
import { parseConfig } from "../../src/config.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import {
  createEvidenceKeeper,
  EVIDENCE_JOB,
  type EvidenceKeeper,
  telegramEvidenceSource,
} from "../../src/evidence/index.ts";
import { Scheduler } from "../../src/outbox/scheduler.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import type { FakeBotApi } from "../support/fake-bot-api.ts";

export const REPORTER = 7001;

/** Update ids stay unique across the stacks of one test file (a restarted stack shares the database). */
let updateSeq = 0;

/**
 * The real app (engine, desk, outbox, grammY port, Telegram lane) against the fake Bot API, on a database file
 * in `dir`, with the evidence keeper and a scheduler on a clock moved by hand: a retry or a lease falls due
 * only when the test says time has passed. Updates go through the real Telegram handler (normalize → router).
 */
export function evidenceStack(dir: string, fake: FakeBotApi, env: Record<string, string> = {}) {
  let now = new Date("2026-11-21T03:00:00Z");
  const clock = () => now;
  const config = parseConfig({
    DATABASE_PATH: join(dir, "bot.db"),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    LOG_LEVEL: "silent",
    ...env,
  });
  const app: App = createApp(config, createLogger("silent"));
  const port = grammyPort(new Api(fake.token, { apiRoot: fake.apiRoot }));
  const deps = createTelegramDeps(app, port, "fake_incident_bot", {
    baseDelayMs: 50,
    limiter: new RateLimiter({ timeScale: 100 }),
  });
  deps.clock = clock;
  const sendQueued = () => {
    app.dispatcher
      .fanOut()
      .then(() => app.dispatcher.flushAll())
      .catch(() => undefined);
  };
  const keeper: EvidenceKeeper = createEvidenceKeeper(config, {
    store: app.store,
    logger: app.logger,
    translator: app.translator,
    afterSettle: sendQueued,
    clock,
    random: () => 0.5,
  });
  keeper.registerSource("telegram", telegramEvidenceSource(port, fake.apiRoot, fake.token));
  const scheduler = new Scheduler({ store: app.store, logger: app.logger, clock });
  scheduler.on(EVIDENCE_JOB, (job, at) => keeper.fireJob(job, at));

  let messageId = 100 + updateSeq;
  const message = (extra: Record<string, unknown>, chatId = REPORTER, userId = chatId) => ({
    update_id: ++updateSeq,
    message: {
      message_id: ++messageId,
      date: Math.floor(now.getTime() / 1000),
      chat:
        chatId === userId
          ? { id: chatId, type: "private" }
          : { id: chatId, type: "supergroup", title: "Trực" },
      from: {
        id: userId,
        is_bot: false,
        first_name: chatId === REPORTER ? "An" : "Bình",
        language_code: "vi",
      },
      ...extra,
    },
  });

  return {
    app,
    config,
    keeper,
    scheduler,
    deps,
    evidenceDir: join(dir, "evidence"),
    now: clock,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    /** One update through the real handler; resolves when the reporter's answer was sent. */
    async update(extra: Record<string, unknown>): Promise<number> {
      const m = message(extra);
      await handleTelegramUpdate(m as never, deps);
      return m.message.message_id;
    },
    /** One update from someone else (a duty officer, in a group or a private chat). */
    async updateFrom(chatId: number, userId: number, extra: Record<string, unknown>): Promise<number> {
      const m = message(extra, chatId, userId);
      await handleTelegramUpdate(m as never, deps);
      return m.message.message_id;
    },
    /** A document message with a file the fake serves. */
    sendDocument(file: { fileId: string; uniqueId: string }, name: string, mime = "text/plain") {
      return this.update({
        document: { file_id: file.fileId, file_unique_id: file.uniqueId, file_name: name, mime_type: mime },
      });
    },
    /** The whole report typed in (confidential answered as asked), submitted at the end. */
    async walk(options: { confidential: boolean }): Promise<void> {
      const answers = [...REPORT_WALK];
      answers[22] = options.confidential ? "1" : "2";
      for (const text of answers) await this.update({ text });
    },
    async close() {
      await keeper.stop();
      await app.close();
    },
  };
}

export type EvidenceStack = ReturnType<typeof evidenceStack>;
