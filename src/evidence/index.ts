import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { domainOf } from "../delivery/email.ts";
import type { Translator } from "../i18n.ts";
import type { Store } from "../store/store.ts";
import { defaultEvidenceDir, EvidenceFiles } from "./files.ts";
import { EvidenceKeeper } from "./keeper.ts";

export { EvidenceFiles } from "./files.ts";
export { EvidenceKeeper, evidenceForGroupChats } from "./keeper.ts";
export { EVIDENCE_JOB, evidenceJobKey, recordEvidence } from "./record.ts";
export { evidenceRetention } from "./retention.ts";
export { telegramEvidenceSource, zaloEvidenceSource } from "./sources.ts";

/** EVIDENCE_DIR, or `evidence` beside the database. */
export function evidenceDirOf(config: Pick<Config, "evidence" | "databasePath">): string {
  // An in-memory database (tests, a trial) keeps its files in a folder of the system's temporary space.
  return (
    config.evidence.dir ??
    defaultEvidenceDir(config.databasePath) ??
    join(tmpdir(), `incident-bot-evidence-${process.pid}`)
  );
}

/** The evidence keeper as configured: folder, size limits, the delivery retry policy, e-mail when SMTP is set. */
export function createEvidenceKeeper(
  config: Config,
  parts: {
    store: Store;
    logger: Logger;
    translator: Translator;
    afterSettle?: () => void;
    /** Tests drive time by hand (retries and leases are due times). */
    clock?: () => Date;
    random?: () => number;
  },
): EvidenceKeeper {
  const dir = evidenceDirOf(config);
  return new EvidenceKeeper({
    ...parts,
    defaultLocale: config.defaultLocale,
    files: new EvidenceFiles(dir),
    maxBytes: config.evidence.maxBytes,
    emailMaxBytes: config.evidence.emailMaxBytes,
    retry: { maxAttempts: config.deliveryMaxAttempts, baseDelayMs: 30_000 },
    email: config.smtp ? { messageIdDomain: domainOf(config.smtp.from) } : undefined,
    finalReport: config.smtp
      ? {
          rc: { t: parts.translator, locale: config.defaultLocale, timeZone: config.timeZone },
          templateDir: config.templateDir,
          messageIdDomain: domainOf(config.smtp.from),
        }
      : undefined,
  });
}
