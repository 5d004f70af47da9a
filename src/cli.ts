import { Command } from "commander";
import { createApp } from "./app.ts";
import { startTelegram } from "./channels/telegram/run.ts";
import { runTerminalChat } from "./channels/terminal/run-chat.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./store/db.ts";
import { DatabaseTooNewError, LATEST_VERSION, migrate, schemaVersion } from "./store/migrations/index.ts";
import { Store } from "./store/store.ts";

/** Builds the `incident-bot` command line. */
export function buildCli(): Command {
  const program = new Command("incident-bot").description(
    "Incident-reporting chatbot for Vietnamese government staff (Circular 20/2017, form Mẫu 03)",
  );

  program
    .command("start")
    .description("run the bot on the configured channels")
    .action(async () => {
      const config = loadConfig();
      if (!config.telegram.token && !config.zalo.token) {
        throw new UsageError(
          "No channel is configured: set TELEGRAM_BOT_TOKEN (or ZALO_BOT_TOKEN) in the environment or .env.\n" +
            "To try the report flow without a token, run: npm run chat",
        );
      }
      if (!config.telegram.token) {
        throw new UsageError(
          "The Zalo channel is not in this build yet; set TELEGRAM_BOT_TOKEN or use: npm run chat",
        );
      }
      const app = createApp(config);
      const running = await startTelegram(app);
      // Stop taking updates, finish the ones in hand and the pending sends, close the database, exit.
      const shutdown = (signal: string) => {
        app.logger.info({ signal }, "shutting down");
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);
    });

  program
    .command("chat")
    .description("file a report in the terminal with the same flows, on the configured database")
    .action(async () => {
      const app = createApp(loadConfig());
      try {
        await runTerminalChat(app);
      } finally {
        app.close();
      }
    });

  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(() => {
      const config = loadConfig();
      const db = openDatabase(config.databasePath, { migrate: false });
      const before = schemaVersion(db);
      const applied = migrate(db);
      process.stdout.write(
        applied.length
          ? `Migrated ${config.databasePath} from version ${before} to ${LATEST_VERSION}.\n`
          : `${config.databasePath} is already at version ${LATEST_VERSION}.\n`,
      );
      db.close();
    });

  program
    .command("backup <file>")
    .description("write a consistent copy of the database (safe while the bot runs)")
    .action(async (file: string) => {
      const config = loadConfig();
      const db = openDatabase(config.databasePath);
      await db.backup(file);
      db.close();
      process.stdout.write(`Backed up ${config.databasePath} to ${file}.\n`);
    });

  const contacts = program.command("contacts").description("the contact table routed to");
  contacts
    .command("list")
    .description("print every contact with its current version")
    .action(() => {
      const config = loadConfig();
      const db = openDatabase(config.databasePath);
      for (const c of new Store(db).contacts()) {
        process.stdout.write(
          `${c.id}\tv${c.version}\t${c.active ? "active" : "inactive"}\t${c.shortName}\t` +
            `phones: ${[...c.hotlines, ...c.phones].join(", ") || "-"}\temails: ${c.emails.join(", ") || "-"}\t` +
            `verified ${c.lastVerified}\n`,
        );
      }
      db.close();
    });

  return program;
}

/** An operator error: printed as is, without a stack trace. */
class UsageError extends Error {}

/** Runs the CLI; operator errors print their message and exit 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseTooNewError || error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv);
