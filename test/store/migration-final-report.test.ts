import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.ts";
import { migration013FinalReport } from "../../src/store/migrations/013-final-report.ts";
import { MIGRATIONS } from "../../src/store/migrations/index.ts";
import { SqliteFinalReports } from "../../src/store/repos/final-reports.ts";

describe("migration: the final report", () => {
  it("adds one final report per ticket, tied to its incident (foreign key), the first one standing", () => {
    const before = MIGRATIONS.filter((m) => m.version < migration013FinalReport.version);
    const db = openDatabase(":memory:", { migrate: false });
    // Migrate to the version before, then this one alone, as an upgrade does.
    db.transaction(() => {
      for (const m of before) m.up(db);
    })();
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'final_reports'").get()).toBeUndefined();
    migration013FinalReport.up(db);
    const repo = new SqliteFinalReports(db);
    const row = {
      incidentId: 1,
      answers: { whatHappened: "x" },
      recipients: ["vncert"],
      createdBy: "telegram:1",
      createdAt: "2026-11-27T08:00:00.000Z",
    };
    // No incident 1 yet: the foreign key refuses the row.
    expect(() => repo.add(row)).toThrow(/FOREIGN KEY/);
    db.prepare(
      `INSERT INTO incidents (id, ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
        incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at,
        updated_at) VALUES (1, 'SC-2026-000001', 'k', 'telegram', '1', '1', 'vi', 'malware', 3, '[]', 0, '{}',
        '{"destinations":[]}', 'resolved', '2026-11-21T03:00:00Z', '2026-11-21T03:00:00Z', '2026-11-21T03:00:00Z')`,
    ).run();
    expect(repo.add(row)).toBe(true);
    expect(repo.add({ ...row, answers: { whatHappened: "y" } })).toBe(false);
    expect(repo.of(1)).toEqual(row);
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'final_reports'").get()).toEqual({
      strict: 1,
    });
    db.close();
  });
});
