import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { createTranslator } from "../i18n.ts";
import { ensurePrivateFile } from "../store/private-files.ts";
import { rosterRepo } from "../store/repos/roster.ts";
import type { Store } from "../store/store.ts";
import { applyRosters, checkRosterCsv, describeRosterChange, planRosters, rosterCsv } from "./roster-file.ts";

export interface RosterCliDeps {
  withStore: (fn: (store: Store) => void) => void;
  usageError: (message: string) => Error;
  write?: (text: string) => void;
}

/** A roster CSV is a few kilobytes; a bigger file is refused before it is read. */
const MAX_CSV_BYTES = 1024 * 1024;

/** `incident-bot roster export FILE | import FILE [--dry-run]`: every unit's shifts as CSV. */
export function registerRosterCli(program: Command, deps: RosterCliDeps): void {
  const write = deps.write ?? ((text: string) => process.stdout.write(text));
  const roster = program.command("roster").description("on-call rosters (shifts per unit) as CSV");
  roster
    .command("export <file>")
    .description("write every unit's shifts as CSV: unit,person,days,from,to")
    .action((file: string) => {
      const t = createTranslator(loadConfig().defaultLocale);
      const locale = loadConfig().defaultLocale;
      deps.withStore((store) => {
        ensurePrivateFile(file);
        writeFileSync(file, rosterCsv(store));
        write(
          `${t.text(locale, "roster:file.exported", { count: rosterRepo(store.db).allShifts().length, file })}\n`,
        );
      });
    });
  roster
    .command("import <file>")
    .description(
      "check a roster CSV completely, then replace the rosters of the units it names (all or nothing)",
    )
    .option("--dry-run", "show what would change without changing anything")
    .action((file: string, options: { dryRun?: boolean }) => {
      const locale = loadConfig().defaultLocale;
      const t = createTranslator(locale);
      const say = (key: string, params?: Record<string, string | number>) => t.text(locale, key, params);
      let text: string;
      try {
        const buffer = readFileSync(file);
        if (buffer.length > MAX_CSV_BYTES) throw deps.usageError(`${file} is larger than 1 MB.`);
        text = buffer.toString("utf8");
      } catch (error) {
        if (error instanceof Error && !("code" in error)) throw error;
        throw deps.usageError(`Cannot read ${file}.`);
      }
      deps.withStore((store) => {
        const checked = checkRosterCsv(store, text);
        if (!checked.ok) {
          const lines = checked.issues.map(
            (i) => `  ${say("admin:file.line", { line: i.line })}: ${say(i.reason.key, i.reason.params)}`,
          );
          throw deps.usageError(
            `${say("roster:file.rejected", { file, count: checked.issues.length })}\n${lines.join("\n")}`,
          );
        }
        const changes = planRosters(store, checked.rosters, false);
        if (changes.length === 0) {
          write(`${say("roster:file.noChanges")}\n`);
          return;
        }
        const diff = changes.map((c) => describeRosterChange(c, say)).join("\n");
        if (options.dryRun) {
          write(`${say("admin:file.dryRun")}\n${diff}\n`);
          return;
        }
        store.transaction(() => applyRosters(store, "cli", changes, new Date().toISOString()));
        write(`${say("roster:file.applied")}\n${diff}\n`);
      });
    });
}
