import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_RULES } from "../../src/domain/routing.ts";
import { MIGRATIONS, migrate } from "../../src/store/migrations/index.ts";
import { Store } from "../../src/store/store.ts";

describe("migration: rule R7's recipients", () => {
  const migration = MIGRATIONS.find((m) => m.name === "final-report-recipients");
  if (!migration) throw new Error("final-report-recipients migration missing");
  const previousSchema = () => {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, migration.version - 1));
    return db;
  };
  const r7 = (db: Database.Database) => new Store(db).routingRules().find((r) => r.id === "R7");
  const destinations = (db: Database.Database) => r7(db)?.actions.map((a) => a.contact);

  it("sends the final report to VNCERT/CC only (the owner's address comes from the flow), unless an admin edited R7", () => {
    // As an older release left it: R7 also names the provincial unit.
    const db = previousSchema();
    expect(destinations(db)).toEqual(["vncert", "provincial"]);
    const old = db.prepare("SELECT version FROM routing_rules WHERE id = 'R7'").get() as { version: number };
    expect(migrate(db, MIGRATIONS.slice(0, migration.version))).toEqual([migration.version]);
    expect(r7(db)).toEqual(DEFAULT_ROUTING_RULES.find((r) => r.id === "R7"));
    expect(destinations(db)).toEqual(["vncert"]);
    // A new version an audit can show, keeping the rule's place and use.
    expect(
      db
        .prepare(
          "SELECT version, changed_by, active, position IS NOT NULL AS placed FROM routing_rule_versions WHERE rule_id = 'R7' ORDER BY version DESC LIMIT 1",
        )
        .get(),
    ).toEqual({
      version: old.version + 1,
      changed_by: "system:migration-final-report-recipients",
      active: 1,
      placed: 1,
    });

    // A new database takes the same path and ends where the domain's defaults are.
    const fresh = new Database(":memory:");
    migrate(fresh);
    expect(r7(fresh)).toEqual(DEFAULT_ROUTING_RULES.find((r) => r.id === "R7"));

    // An R7 an admin changed (here: a shorter deadline) stays as the admin made it, recipients included.
    const edited = previousSchema();
    const mine = { ...r7(edited), deadlineHours: 72 };
    edited.prepare("UPDATE routing_rules SET definition = ? WHERE id = 'R7'").run(JSON.stringify(mine));
    expect(migrate(edited, MIGRATIONS.slice(0, migration.version))).toEqual([migration.version]);
    expect(r7(edited)).toEqual(mine);
    expect(destinations(edited)).toEqual(["vncert", "provincial"]);
  });
});
