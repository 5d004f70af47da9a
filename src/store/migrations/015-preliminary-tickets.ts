import type { Migration } from "./index.ts";

/**
 * A quick alert creates the ticket before the report is complete: the duty officers learn of an ongoing incident
 * minutes earlier, and the ticket carries the mark "SƠ BỘ" (preliminary) until the reporter has answered the rest
 * of Mẫu 03. The mark is a column, not a field of the answers, so the duty views and the SLA report can filter
 * on it. Existing tickets were all submitted complete: 0.
 */
export const migration015PreliminaryTickets: Migration = {
  version: 15,
  name: "preliminary-tickets",
  up(db) {
    db.exec("ALTER TABLE incidents ADD COLUMN preliminary INTEGER NOT NULL DEFAULT 0");
  },
};
