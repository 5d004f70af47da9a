import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../../src/store/migrations/index.ts";
import { Store } from "../../src/store/store.ts";

describe("repositories of later tables prepare their statements on first use", () => {
  it("a Store opens on a database from before the evidence table, and its evidence works once migrated", () => {
    const db = new Database(":memory:");
    const evidence = MIGRATIONS.find((m) => m.name === "evidence");
    if (!evidence) throw new Error("no evidence migration");
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < evidence.version),
    );
    // What a migration test or an admin inspecting an older backup does: the Store itself opens.
    const store = new Store(db);
    expect(store.routingRules().length).toBeGreaterThan(0);
    // Only using the missing table fails, and the failure is not kept: after the migration it works.
    expect(() => store.evidence.ofIncident(1)).toThrow(/no such table: evidence/);
    migrate(db);
    expect(store.evidence.ofIncident(1)).toEqual([]);
  });
});
