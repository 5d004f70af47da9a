import { isDeepStrictEqual } from "node:util";
import type { Migration } from "./index.ts";

// Frozen data: a migration must mean the same thing whenever it runs, so everything it writes is a literal
// here, never imported from code that later releases may change.

const BY = "system:migration-final-report-recipients";

const WHEN = {
  all: [
    { not: { fact: "incidentType", eq: "scam_call" } },
    { not: { fact: "ownerSector", in: ["defence", "public_security"] } },
  ],
};

/** R7 exactly as releases before this one seeded it: the final report to VNCERT/CC and the provincial unit. */
const OLD_R7 = {
  id: "R7",
  stage: "closed",
  when: WHEN,
  actions: [
    { contact: "vncert", kind: "final_report" },
    { contact: "provincial", kind: "final_report" },
  ],
  advice: ["routing:advice.finalReportWithin5Days"],
  exclusive: false,
  deadlineHours: 120,
};

/** R7 as the reference says (§1.3, §7(c)): to the system owner (its address comes from the flow) and VNCERT/CC. */
const NEW_R7 = { ...OLD_R7, actions: [{ contact: "vncert", kind: "final_report" }] };

/**
 * Rule R7's recipients (issue 14): TT 20/2017 Art. 9 sends the final report to the system owner and VNCERT/CC
 * only; the seed also named the provincial unit. A stored R7 still equal to the old seed is changed, with a
 * version an audit can show; an R7 an admin has edited since is left as the admin made it.
 */
export const migration016FinalReportRecipients: Migration = {
  version: 16,
  name: "final-report-recipients",
  up(db) {
    const row = db
      .prepare("SELECT version, definition, active, position FROM routing_rules WHERE id = 'R7'")
      .get() as { version: number; definition: string; active: number; position: number } | undefined;
    if (!row || !isDeepStrictEqual(JSON.parse(row.definition), OLD_R7)) return;
    const at = new Date().toISOString();
    const json = JSON.stringify(NEW_R7);
    const version = row.version + 1;
    db.prepare(
      "UPDATE routing_rules SET version = ?, definition = ?, updated_at = ?, updated_by = ? WHERE id = 'R7'",
    ).run(version, json, at, BY);
    db.prepare(
      `INSERT INTO routing_rule_versions (rule_id, version, definition, changed_by, changed_at, active, position)
       VALUES ('R7', ?, ?, ?, ?, ?, ?)`,
    ).run(version, json, BY, at, row.active, row.position);
  },
};
