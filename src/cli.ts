import { closeSync, existsSync, openSync, readSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { ContactAdmin, type RoleOutcome } from "./admin/contact-admin.ts";
import {
  applyImport,
  checkContactsYaml,
  exportContactsYaml,
  MAX_IMPORT_BYTES,
} from "./admin/contacts-file.ts";
import { describePlan, isEmptyPlan } from "./admin/contacts-plan.ts";
import { registerExports } from "./admin/export-cli.ts";
import { registerSlaReport } from "./admin/sla-report.ts";
import { createApp } from "./app.ts";
import { startTelegram } from "./channels/telegram/run.ts";
import { runTerminalChat } from "./channels/terminal/run-chat.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { parseChannelId } from "./domain/ids.ts";
import { EvidenceFiles, evidenceDirOf, evidenceRetention } from "./evidence/index.ts";
import { createTranslator, type Translator } from "./i18n.ts";
import { registerPurge } from "./retention/cli.ts";
import { registerRosterCli } from "./roster/cli.ts";
import { BackupError, backupDatabase } from "./store/backup.ts";
import { type Db, openDatabase } from "./store/db.ts";
import { DatabaseTooNewError, LATEST_VERSION, migrate, schemaVersion } from "./store/migrations/index.ts";
import { ensurePrivateFile } from "./store/private-files.ts";
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
      const app = createApp(config);
      // Both channels in one process on one database, according to which tokens are set. Zalo starts first so
      // that its webhook route can sit on the server Telegram starts; alone, it starts its own.
      // Loaded only when configured: a Telegram-only start does not pay for the Zalo client's imports.
      const zalo = config.zalo.token
        ? await (await import("./channels/zalo/run.ts")).startZalo(app, { ownServer: !config.telegram.token })
        : undefined;
      const telegram = config.telegram.token
        ? await startTelegram(app, {}, zalo?.webhook ? { zaloWebhook: zalo.webhook } : {})
        : undefined;
      // Stop taking updates, finish the ones in hand and the pending sends, close the database, exit.
      const shutdown = (signal: string) => {
        app.logger.info({ signal }, "shutting down");
        (async () => {
          await zalo?.stop();
          if (telegram) await telegram.stop();
          else await app.close();
        })().then(
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
        await app.close();
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
    .option("--force", "overwrite the file if it exists")
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadConfig();
      // Opening creates a missing database: a mistyped DATABASE_PATH would back up an empty one and say so.
      if (config.databasePath !== ":memory:" && !existsSync(config.databasePath)) {
        throw new UsageError(
          `Cannot back up ${config.databasePath}: there is no database there (check DATABASE_PATH).`,
        );
      }
      const db = openConfigured(config.databasePath);
      try {
        await backupDatabase(db, file, options);
      } catch (error) {
        throw error instanceof BackupError ? new UsageError(error.message) : error;
      } finally {
        db.close();
      }
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

  contacts
    .command("bind <contactId> <target>")
    .description("deliver a contact's tickets to a chat, e.g. contacts bind vncert telegram:-1001234567890")
    .action((contactId: string, target: string) => {
      withAdmin((service) => {
        const { channel, id } = parseTarget(target);
        const at = new Date().toISOString();
        const outcome = service.o.store.transaction(() =>
          service.bindChat(SHELL, contactId, channel, id, at),
        );
        if (outcome.status === "unknownContact")
          throw new UsageError(`No contact "${contactId}". Known: ${outcome.known.join(", ")}`);
        process.stdout.write(
          outcome.status === "bound"
            ? `Bound ${channel}:${id} to ${contactId}.\n`
            : `${channel}:${id} was already bound to ${contactId}.\n`,
        );
      });
    });
  contacts
    .command("unbind <contactId> <target>")
    .description("stop delivering a contact's tickets to a chat")
    .action((contactId: string, target: string) => {
      withAdmin((service) => {
        const { channel, id } = parseTarget(target);
        const at = new Date().toISOString();
        const outcome = service.o.store.transaction(() =>
          service.unbindChat(SHELL, contactId, channel, id, at),
        );
        process.stdout.write(
          outcome.status === "unbound"
            ? `Unbound ${channel}:${id} from ${contactId}.\n`
            : `${channel}:${id} was not bound to ${contactId}.\n`,
        );
      });
    });

  contacts
    .command("export <file>")
    .description("write contacts, duty-chat bindings and routing rules as YAML")
    .action((file: string) => {
      withAdmin((service) => {
        ensurePrivateFile(file);
        writeFileSync(file, exportContactsYaml(service, new Date()));
        process.stdout.write(`Exported ${service.contacts().length} contacts to ${file}.\n`);
      });
    });
  contacts
    .command("import <file>")
    .description(
      "check a YAML file completely, then apply all of it or nothing (--dry-run: only show the changes)",
    )
    .option("--dry-run", "show what would change without changing anything")
    .action((file: string, options: { dryRun?: boolean }) => {
      withAdmin((service, config) => {
        const t = cliTranslator(config);
        let text: string;
        try {
          // Refused before parsing: parsing a 50 MB file takes seconds and gigabytes of memory. Read with a bound,
          // not checked by stat: a pipe or a device (/dev/zero) reports size 0 and would be read without end.
          const read = readAtMost(file, MAX_IMPORT_BYTES);
          if (read === undefined) {
            throw new UsageError(
              t.text(config.defaultLocale, "admin:file.tooLarge", {
                file,
                maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
              }),
            );
          }
          text = read.toString("utf8");
        } catch (error) {
          if (error instanceof UsageError) throw error;
          throw new UsageError(`Cannot read ${file}.`);
        }
        const checked = checkContactsYaml(service, text, { adviceExists: (key) => t.exists(key) });
        if (!checked.ok) {
          const lines = checked.issues.map(
            (i) =>
              `  ${i.line === null ? "" : t.text(config.defaultLocale, "admin:file.line", { line: i.line })}` +
              `${i.field ? ` · ${i.field}` : ""}: ${t.text(config.defaultLocale, i.reason.key, i.reason.params)}`,
          );
          throw new UsageError(
            `${t.text(config.defaultLocale, "admin:file.rejected", { file, count: checked.issues.length })}\n${lines.join("\n")}`,
          );
        }
        const say = (key: string, params?: Record<string, string | number>) =>
          t.text(config.defaultLocale, key, params);
        if (isEmptyPlan(checked.plan)) {
          process.stdout.write(`${say("admin:file.noChanges")}\n`);
          return;
        }
        const diff = describePlan(checked.plan, say).join("\n");
        if (options.dryRun) {
          process.stdout.write(`${say("admin:file.dryRun")}\n${diff}\n`);
          return;
        }
        service.o.store.transaction(() =>
          applyImport(service, { kind: "shell" }, checked.plan, new Date().toISOString()),
        );
        process.stdout.write(`${say("admin:file.applied")}\n${diff}\n`);
      });
    });

  registerExports(program, {
    openConfigured,
    cliTranslator,
    usageError: (message) => new UsageError(message),
  });

  const users = program.command("users").description("roles: admin, duty (per contact), reporter");
  users
    .command("grant <user> <role> [contactId]")
    .description("grant a role, e.g. users grant telegram:123456 duty vncert")
    .action((user: string, role: string, contactId?: string) => {
      withAdmin((service) => {
        const { channel, id } = parseTarget(user);
        const at = new Date().toISOString();
        const outcome = service.o.store.transaction(() =>
          service.grant(SHELL, channel, id, role, contactId ?? "", at),
        );
        roleUsage(outcome, role);
        process.stdout.write(
          outcome.status === "granted"
            ? `Granted ${role}${contactId ? ` (${contactId})` : ""} to ${channel}:${id}.\n`
            : "Already granted.\n",
        );
      });
    });
  users
    .command("revoke <user> <role> [contactId]")
    .description("revoke a role")
    .action((user: string, role: string, contactId?: string) => {
      withAdmin((service) => {
        const { channel, id } = parseTarget(user);
        const at = new Date().toISOString();
        const outcome = service.o.store.transaction(() =>
          service.revoke(SHELL, channel, id, role, contactId ?? "", at),
        );
        roleUsage(outcome, role);
        process.stdout.write(
          outcome.status === "revoked" ? `Revoked ${role} from ${channel}:${id}.\n` : "No such grant.\n",
        );
      });
    });
  users
    .command("list")
    .description("print every granted role")
    .action(() => {
      withStore((store) => {
        const roles = store.allRoles();
        // An empty list printed as nothing reads as a hang or a failure: say what it means and what to do.
        if (roles.length === 0) {
          process.stdout.write(
            "No roles granted yet. Grant one with: incident-bot users grant telegram:<user id> admin\n",
          );
          return;
        }
        for (const r of roles) {
          process.stdout.write(
            `${r.channel}:${r.userId}\t${r.role}\t${r.contactId || "-"}\tgranted by ${r.grantedBy} at ${r.grantedAt}\n`,
          );
        }
      });
    });

  // Last, so that it joins a `report` group another command made, instead of making a second one.
  registerSlaReport(program, { withStore, usageError: (message) => new UsageError(message) });
  registerRosterCli(program, { withStore, usageError: (message) => new UsageError(message) });
  registerPurge(program, {
    withStore,
    actor: "cli",
    evidence: (store) => evidenceRetention(store, new EvidenceFiles(evidenceDirOf(loadConfig()))),
  });

  return program;
}

/** Opens the configured database; a file that cannot be opened is one line for the operator, not a trace. */
function openConfigured(path: string): Db {
  try {
    return openDatabase(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !/^(SQLITE_|E[A-Z]+$)/.test(code)) throw error;
    throw new UsageError(`Cannot open the database ${path}: ${(error as Error).message} (${code}).`);
  }
}

/** Opens the configured database for one command and closes it afterwards. */
function withStore(fn: (store: Store) => void): void {
  const db = openConfigured(loadConfig().databasePath);
  const store = new Store(db);
  try {
    fn(store);
  } finally {
    store.flushSentMarks();
    db.close();
  }
}

/** Opens the configured database with the contact administration service for one command. */
function withAdmin(fn: (service: ContactAdmin, config: Config) => void): void {
  const config = loadConfig();
  const db = openConfigured(config.databasePath);
  try {
    fn(
      new ContactAdmin({
        store: new Store(db),
        configAdmins: config.adminIds,
        changeApproval: config.contactChangeApproval,
        staleMs: config.contactStaleMs,
      }),
      config,
    );
  } finally {
    db.close();
  }
}

function cliTranslator(config: Config): Translator {
  return createTranslator(config.defaultLocale);
}

/** "telegram:-100123" → channel and id; the channel prefix is required so ids of channels never mix. */
function parseTarget(target: string): { channel: string; id: string } {
  const named = parseChannelId(target);
  if (!named) {
    throw new UsageError(
      `Expected CHANNEL:ID such as telegram:-1001234567890 or zalo:6ede9afa66b88fe6d6a9 (got "${target}")`,
    );
  }
  return { channel: named.channel, id: named.id };
}

/** The operator at the server's shell: trusted, audited as "cli". */
const SHELL = { kind: "shell" } as const;

/** A role the service refused for its arguments becomes the operator's usage error. */
function roleUsage(outcome: RoleOutcome, role: string): void {
  if (outcome.status === "badRole")
    throw new UsageError(`Unknown role "${role}": expected admin, duty, lead or reporter`);
  if (outcome.status === "badContact")
    throw new UsageError(`The duty role needs a contact id: ${outcome.known.join(", ")}`);
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

/** The file's bytes, or undefined when it holds more than `limit` (only `limit` + 1 bytes are ever read). */
function readAtMost(file: string, limit: number): Buffer | undefined {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length);
      length += n;
      if (length > limit) return undefined;
    }
  } finally {
    closeSync(fd);
  }
}
