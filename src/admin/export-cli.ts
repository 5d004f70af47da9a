import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Command } from "commander";
import { type Config, loadConfig } from "../config.ts";
import type { Translator } from "../i18n.ts";
import { AdminStore } from "../store/admin-store.ts";
import { type Db, openDatabase } from "../store/db.ts";
import { ensurePrivateFile } from "../store/private-files.ts";
import { Store } from "../store/store.ts";
import { auditCsv } from "./audit-export.ts";

export interface ExportCliDeps {
  /** Opens the configured database; a file that cannot be opened is one line for the operator. */
  openConfigured: (path: string) => Db;
  cliTranslator: (config: Config) => Translator;
  usageError: (message: string) => Error;
}

/** `audit export` and `report export`: what the command line writes out as files, readable by the operator only. */
export function registerExports(program: Command, deps: ExportCliDeps): void {
  program
    .command("audit")
    .description("the audit log")
    .command("export <file>")
    .description("write the whole audit log as CSV (UTF-8)")
    .action(async (file: string) => {
      const db = deps.openConfigured(loadConfig().databasePath);
      try {
        ensurePrivateFile(file);
        const out = createWriteStream(file);
        let rows = -1;
        for (const line of auditCsv(new AdminStore(db).allAudit())) {
          rows++;
          if (!out.write(line)) await once(out, "drain");
        }
        out.end();
        await once(out, "finish");
        process.stdout.write(`Wrote ${rows} audit entries to ${file}.\n`);
      } finally {
        db.close();
      }
    });

  program
    .command("report")
    .description("reports as documents")
    .command("export <ticketId>")
    .description(
      "write a ticket's initial report (Mẫu 03) as a Word or PDF file to sign, readable by you only",
    )
    .option("--format <format>", "docx or pdf (default: from the file name)")
    .requiredOption("--out <file>", "the file to write")
    .action(async (ticketId: string, options: { format?: string; out: string }) => {
      // Loaded on use: the PDF and Word libraries would slow the start of every other command.
      const { ExportError, exportInitialReport } = await import("../delivery/documents/export.ts");
      const config = loadConfig();
      const db = openDatabase(config.databasePath);
      try {
        const rc = { t: deps.cliTranslator(config), locale: config.defaultLocale, timeZone: config.timeZone };
        const done = exportInitialReport(new Store(db), ticketId, options, rc, config.templateDir);
        process.stdout.write(
          `Wrote the initial report of ${done.ticketId} to ${options.out} (${done.format}).\n`,
        );
      } catch (error) {
        throw error instanceof ExportError ? deps.usageError(error.message) : error;
      } finally {
        db.close();
      }
    });
}
