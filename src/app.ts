import { type DestinationStream, type LoggerOptions, type Logger as PinoLogger, pino } from "pino";
import type { Config } from "./config.ts";
import { Engine } from "./conversation/engine.ts";
import { createTranslator, type Translator } from "./i18n.ts";
import { redactSecrets } from "./redact.ts";
import { BackgroundCheckpointer } from "./store/checkpointer.ts";
import { type Db, openDatabase } from "./store/db.ts";
import { Store } from "./store/store.ts";

export type Logger = PinoLogger;

/** The parts every entry point shares, built once from the parsed configuration. */
export interface App {
  config: Config;
  db: Db;
  store: Store;
  translator: Translator;
  engine: Engine;
  logger: Logger;
  close(): void;
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

/** Opens the database (migrating it) and builds the engine. */
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
      configAdmins: { telegram: config.adminTelegramIds },
      changeApproval: config.contactChangeApproval,
      staleMs: config.contactStaleMs,
    },
  });
  return {
    config,
    db,
    store,
    translator,
    engine,
    logger,
    close: () => {
      store.flushSentMarks();
      checkpointer?.stop();
      db.close();
    },
  };
}
