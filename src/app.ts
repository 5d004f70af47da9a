import { type DestinationStream, type LoggerOptions, type Logger as PinoLogger, pino } from "pino";
import { notifyRoutingGaps } from "./admin/routing-gaps-notice.ts";
import {
  armStaleContactsReminder,
  fireStaleContactsReminder,
  STALE_CONTACTS_JOB,
} from "./admin/stale-reminder.ts";
import type { Config } from "./config.ts";
import { DRAFT_EXPIRY, DRAFT_REMINDER } from "./conversation/drafts.ts";
import { Engine } from "./conversation/engine.ts";
import { deadLetterNotifier } from "./delivery/dead-letters.ts";
import { createEmailTransport, domainOf } from "./delivery/email.ts";
import { EmailSender } from "./delivery/email-sender.ts";
import { DUTY_JOB_KINDS, DutyDesk } from "./duty/desk.ts";
import {
  createEvidenceKeeper,
  EVIDENCE_JOB,
  type EvidenceKeeper,
  evidenceRetention,
} from "./evidence/index.ts";
import { createTranslator, type Translator } from "./i18n.ts";
import { InboundRouter } from "./inbound/route.ts";
import { type AppMetrics, createMetrics } from "./metrics/metrics.ts";
import { Dispatcher } from "./outbox/dispatch.ts";
import type { LaneOptions } from "./outbox/lane.ts";
import { Scheduler } from "./outbox/scheduler.ts";
import { redactSecrets } from "./redact.ts";
import { armRetentionPurge, fireRetentionPurge, RETENTION_JOB } from "./retention/job.ts";
import type { PurgeOptions } from "./retention/purge.ts";
import { withAlertPeriods } from "./roster/periods.ts";
import { StoredDeadlineSettings, seedFromConfig } from "./settings/deadline-settings.ts";
import { BackgroundCheckpointer } from "./store/checkpointer.ts";
import { type Db, openDatabase } from "./store/db.ts";
import type { OutboxRow } from "./store/store.ts";
import { Store } from "./store/store.ts";

export type Logger = PinoLogger;

/** The parts every entry point shares, built once from the parsed configuration. */
export interface App {
  config: Config;
  db: Db;
  store: Store;
  translator: Translator;
  engine: Engine;
  desk: DutyDesk;
  /** Decides what every inbound event is and applies it: the one entry for every channel. */
  router: InboundRouter;
  /** Sends what was committed: channels register their lane here (e-mail is registered when configured). */
  dispatcher: Dispatcher;
  scheduler: Scheduler;
  /** Downloads and keeps reporters' files after the commit; channels register how to fetch theirs. */
  evidence: EvidenceKeeper;
  /** The retry settings every channel's lane uses, with the admins told of each message given up on. */
  laneOptions: LaneOptions;
  logger: Logger;
  /** This app's Prometheus registry (served at /metrics) and the delivery counters its lanes feed. */
  metrics: AppMetrics;
  /** Starts delivery and timers (after the channels registered their lanes). */
  start(): Promise<void>;
  /**
   * Stops timers and delivery, waits for sends in flight, then closes the database and waits for the
   * checkpoint worker to let go of its files (so the folder can be removed at once).
   */
  close(): Promise<void>;
}

/**
 * A logger that never writes tokens, secrets or message text (personal data) even if a caller passes them:
 * known fields are censored, and every written line is scrubbed of the given secrets and of anything shaped
 * like a Bot API token, because libraries put the request URL (`…/bot<TOKEN>/…`) into their error messages.
 */
export function createLogger(
  level: Config["logLevel"],
  destination?: DestinationStream,
  secrets: readonly (string | undefined)[] = [],
): Logger {
  const options: LoggerOptions = {
    level,
    hooks: { streamWrite: (line) => redactSecrets(line, secrets) },
    redact: {
      paths: [
        "token",
        "*.token",
        "secret",
        "*.secret",
        "text",
        "*.text",
        "phone",
        "*.phone",
        "email",
        "*.email",
      ],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Opens the database (migrating it) and builds and wires every part; channels only add their lanes. */
export function createApp(
  config: Config,
  logger: Logger = createLogger(config.logLevel, undefined, [
    config.telegram.token,
    config.telegram.webhookSecret,
    config.zalo.token,
  ]),
): App {
  const db = openDatabase(config.databasePath);
  const checkpointer =
    config.databasePath === ":memory:" ? undefined : new BackgroundCheckpointer(db, config.databasePath);
  const store = new Store(db);
  const translator = createTranslator(config.defaultLocale);
  const engine = new Engine({
    store,
    translator,
    timeZone: config.timeZone,
    defaultLocale: config.defaultLocale,
    drafts: config.drafts,
    admin: {
      configAdmins: config.adminIds,
      changeApproval: config.contactChangeApproval,
      staleMs: config.contactStaleMs,
    },
    templateDir: config.templateDir,
    ...(config.smtp ? { email: { messageIdDomain: domainOf(config.smtp.from) } } : {}),
  });
  const metrics = createMetrics({ store });
  // Deadlines are admin data; the environment's values only seed them on the first start (a restart with other
  // values changes nothing an admin set).
  const deadlineSettings = new StoredDeadlineSettings(store, seedFromConfig(config));
  store.transaction(() => deadlineSettings.seed(new Date().toISOString()));
  const desk = new DutyDesk({
    store,
    translator,
    timeZone: config.timeZone,
    defaultLocale: config.defaultLocale,
    detail: config.dutyMessageDetail,
    configAdmins: config.adminIds,
    ackDeadlines: config.ackDeadlines,
    unresolvedReminderMs: config.unresolvedReminderMs,
    legalWarningMs: config.legalWarningMs,
    finalReportReminderMs: config.finalReportReminderMs,
    periodWarningMs: config.alertPeriodWarningMs,
    onPage: () => metrics.pagesSent.inc(),
    // An alert period an admin declared (Tết) answers with its tighter values while it lasts.
    settings: withAlertPeriods(store, deadlineSettings),
    templateDir: config.templateDir,
    ...(config.smtp ? { email: { messageIdDomain: domainOf(config.smtp.from) } } : {}),
  });
  const router = new InboundRouter(engine, desk);
  const dispatcher = new Dispatcher({ logger, fanOut: (now, channels) => desk.fanOut(now, channels) });
  // Admins hear of every message given up on, whichever channel or mailbox it was for.
  const onDeadLetter: (row: OutboxRow, error: string) => void = deadLetterNotifier({
    store,
    translator,
    locale: config.defaultLocale,
    channel: "telegram",
    configAdmins: config.adminTelegramIds,
  });
  const laneOptions: LaneOptions = {
    maxAttempts: config.deliveryMaxAttempts,
    onDeadLetter,
    counters: metrics.counters,
  };
  if (config.smtp) {
    const email = new EmailSender(store, createEmailTransport(config.smtp.url), logger, {
      from: config.smtp.from,
      ...laneOptions,
    });
    dispatcher.register(email, { dutyChats: false });
  }
  // What the jobs queued (reminders, escalations and the tickets they route) goes out at once.
  const sendQueued = () => {
    dispatcher
      .fanOut()
      .then(() => dispatcher.flushAll())
      .catch((error: unknown) =>
        logger.error({ err: error instanceof Error ? error.message : String(error) }, "job dispatch failed"),
      );
  };
  const scheduler = new Scheduler({ store, logger, afterFire: sendQueued });
  const evidence = createEvidenceKeeper(config, { store, logger, translator, afterSettle: sendQueued });
  registerJobs(
    scheduler,
    engine,
    desk,
    {
      service: engine.admin.service,
      translator,
      defaultLocale: config.defaultLocale,
    },
    {
      store,
      purge: { retention: config.retention, evidence: evidenceRetention(store, evidence.files) },
      logger,
    },
  );
  scheduler.on(EVIDENCE_JOB, (job, now) => evidence.fireJob(job, now));
  let closed: Promise<void> | undefined;
  return {
    config,
    db,
    store,
    translator,
    engine,
    desk,
    router,
    dispatcher,
    scheduler,
    evidence,
    laneOptions,
    logger,
    metrics,
    start: async () => {
      const now = new Date();
      armStaleContactsReminder(engine.admin.service, now);
      armRetentionPurge(store, now);
      // Rules that route into a unit out of use (R3 and R5 until the police are filled in) are told at start.
      const channels = [
        ...(config.telegram.token ? ["telegram"] : []),
        ...(config.zalo.token ? ["zalo"] : []),
      ];
      const gaps = notifyRoutingGaps(engine.admin.service, translator, config.defaultLocale, channels, now);
      if (gaps > 0) logger.warn({ rules: gaps }, "routing rules name a unit that is out of use; admins told");
      // Messages committed before a crash or restart go out first; then the loops run.
      await dispatcher.start();
      scheduler.start();
    },
    close: () => {
      closed ??= (async () => {
        // Also when never started: sends handed over in the background finish before the database closes.
        scheduler.stop();
        // Downloads in flight are cut: their jobs come due again after the next start.
        await evidence.stop();
        dispatcher.stop();
        await dispatcher.drain();
        store.flushSentMarks();
        db.close();
        await checkpointer?.stop();
      })();
      return closed;
    },
  };
}

/**
 * Every job kind and its owner, registered explicitly: draft reminders and expiry to the engine, ticket
 * deadlines to the duty desk, the monthly contacts check to contact administration.
 */
export function registerJobs(
  scheduler: Scheduler,
  engine: Engine,
  desk: DutyDesk | undefined,
  stale: Parameters<typeof fireStaleContactsReminder>[0] | undefined,
  retention?: { store: Store; purge: PurgeOptions; logger?: Logger },
): Scheduler {
  for (const kind of [DRAFT_REMINDER, DRAFT_EXPIRY])
    scheduler.on(kind, (job, now) => engine.fireJob(job, now));
  if (desk) for (const kind of DUTY_JOB_KINDS) scheduler.on(kind, (job, now) => desk.fireJob(job, now));
  if (stale) scheduler.on(STALE_CONTACTS_JOB, fireStaleContactsReminder(stale));
  if (retention)
    scheduler.on(RETENTION_JOB, fireRetentionPurge(retention.store, retention.purge, retention.logger));
  return scheduler;
}
