import type { Migration } from "./index.ts";

/**
 * The final report (Báo cáo kết thúc ứng phó sự cố, TT20 Art. 9): VNCERT/CC treats an incident as closed only
 * once it has this report, so the bot keeps it, one per ticket, and its clock (rule R7's reminder) stops then.
 * The answers are the flow's (what happened, how it was resolved, what prevents it again, files named); who
 * filed it and to whom it was sent are kept beside them for the audit.
 */
export const migration013FinalReport: Migration = {
  version: 13,
  name: "final-report",
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS final_reports (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
        answers     TEXT NOT NULL,
        recipients  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
    `);
  },
};
