import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import type { Store } from "../store/store.ts";
import { applyPurge, describePurge, type EvidenceRetention, planPurge } from "./purge.ts";

export interface PurgeCliDeps {
  /** Opens the configured database for the command and closes it afterwards. */
  withStore: (fn: (store: Store) => void) => void;
  /** The operator at the shell, as the audit log names them. */
  actor: string;
  /** The evidence store's retention (src/evidence/retention.ts over EVIDENCE_DIR). */
  evidence?: (store: Store) => EvidenceRetention | undefined;
  write?: (text: string) => void;
  clock?: () => Date;
}

/** `incident-bot purge [--dry-run]`: applies the retention settings now, or shows what they would remove. */
export function registerPurge(program: Command, deps: PurgeCliDeps): void {
  program
    .command("purge")
    .description(
      "apply the retention settings (RETENTION_*_DAYS): empty old delivered messages, delete stale conversations, old evidence and settled tickets",
    )
    .option("--dry-run", "show what would be removed and change nothing")
    .action((options: { dryRun?: boolean }) => {
      const config = loadConfig();
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      const now = (deps.clock ?? (() => new Date()))();
      deps.withStore((store) => {
        const purge = { retention: config.retention, evidence: deps.evidence?.(store) };
        const report = options.dryRun
          ? planPurge(store, purge, now)
          : applyPurge(store, purge, now, deps.actor);
        write(`${describePurge(report, options.dryRun === true)}\n`);
      });
    });
}
