import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_RULES } from "../../src/domain/routing.ts";
import { rulesWithoutRecipient } from "../../src/domain/routing-gaps.ts";
import { openDatabase } from "../../src/store/db.ts";
import {
  DatabaseTooNewError,
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
  schemaVersion,
} from "../../src/store/migrations/index.ts";
import { Store } from "../../src/store/store.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "incident-bot-mig-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe("opening the database", () => {
  it("creates the folder, uses WAL and enforces foreign keys", () => {
    const path = join(dir, "nested", "deeper", "bot.db");
    const db = openDatabase(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
  });

  it("re-running the migrations on a current database is a no-op", () => {
    const path = join(dir, "bot.db");
    openDatabase(path).close();
    const db = openDatabase(path, { migrate: false });
    const before = db.prepare("SELECT count(*) AS n FROM contact_versions").get();
    expect(migrate(db)).toEqual([]);
    expect(db.prepare("SELECT count(*) AS n FROM contact_versions").get()).toEqual(before);
    db.close();
  });

  it("refuses a database written by a newer version and leaves it untouched", () => {
    const path = join(dir, "bot.db");
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(path)).toThrow(/newer release/);
    const check = new Database(path);
    expect(schemaVersion(check)).toBe(LATEST_VERSION + 1);
    expect(tables(check)).toEqual([]);
    check.close();
  });

  it("applies pending migrations in one transaction: a failing one leaves nothing behind", () => {
    const db = new Database(":memory:");
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: "broken",
        up(d: Database.Database) {
          d.exec("CREATE TABLE half_done (x INTEGER) STRICT; SELECT * FROM no_such_table;");
        },
      },
    ];
    expect(() => migrate(db, broken)).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
  });
});

describe("migration 1: schema", () => {
  it("creates every table as STRICT", () => {
    const db = new Database(":memory:");
    migrate(db, MIGRATIONS.slice(0, 1));
    const expected = [
      "audit_log",
      "contact_versions",
      "contacts",
      "conversations",
      "duty_bindings",
      "incidents",
      "outbox",
      "processed_updates",
      "reporter_profiles",
      "routing_rule_versions",
      "routing_rules",
      "scheduled_jobs",
      "ticket_sequences",
      "ticket_timeline",
      "user_roles",
      "users",
    ];
    expect(tables(db)).toEqual(expected);
    for (const name of expected) {
      const sql = (db.prepare("SELECT sql FROM sqlite_schema WHERE name = ?").get(name) as { sql: string })
        .sql;
      expect(sql, name).toMatch(/\)\s*STRICT$/);
    }
    // STRICT rejects a value of the wrong type instead of storing it.
    expect(() =>
      db.prepare("INSERT INTO ticket_sequences (year, last) VALUES (?, ?)").run("two thousand", 1),
    ).toThrow(/datatype mismatch|cannot store/);
  });
});

describe("migration 2: directive contacts and routing rules", () => {
  function seeded() {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, 2));
    return db;
  }

  it("seeds vncert, ncsc and provincial with the 2024 values current", () => {
    const db = seeded();
    const rows = db.prepare("SELECT id, version, data, last_verified FROM contacts ORDER BY id").all() as {
      id: string;
      version: number;
      data: string;
      last_verified: string;
    }[];
    expect(rows.map((r) => r.id)).toEqual(["ncsc", "provincial", "vncert"]);
    const vncert = rows.find((r) => r.id === "vncert");
    const data = JSON.parse(vncert?.data ?? "{}");
    expect(vncert?.version).toBe(2);
    expect(data.phones).toEqual(["024.3640.4421"]);
    expect(data.hotlines).toEqual(["086.9100.317"]);
    expect(data.emails).toEqual(["ir@vncert.vn"]);
    expect(vncert?.last_verified).toBe("2024-01-01");
    const provincial = JSON.parse(rows.find((r) => r.id === "provincial")?.data ?? "{}");
    expect(provincial.emails).toEqual(["sotttt@laichau.gov.vn"]);
    expect(provincial.phones).toEqual(["0213.3798.798"]);
    const ncsc = JSON.parse(rows.find((r) => r.id === "ncsc")?.data ?? "{}");
    expect(ncsc.hotlines).toEqual(["038.994.2878"]);
  });

  it("keeps the 2021 VNCERT/CC phone and e-mail as history, closed when the 2024 letter took over", () => {
    const db = seeded();
    const history = db
      .prepare(
        "SELECT version, data, valid_from, valid_to FROM contact_versions WHERE contact_id = 'vncert' ORDER BY version",
      )
      .all() as { version: number; data: string; valid_from: string; valid_to: string | null }[];
    expect(history).toHaveLength(2);
    expect(JSON.parse(history[0]?.data ?? "{}")).toMatchObject({
      phones: ["024.3640.4424"],
      emails: ["thongbaosuco@vncert.vn"],
    });
    expect(history[0]?.valid_to).toBe("2024-01-01");
    expect(history[1]?.valid_to).toBeNull();
  });

  it("seeds the routing rules R1–R8 in order", () => {
    const db = seeded();
    const ids = (db.prepare("SELECT id FROM routing_rules ORDER BY position").all() as { id: string }[]).map(
      (r) => r.id,
    );
    expect([...ids].sort()).toEqual(["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"]);
  });

  it("is never re-applied: an admin's change survives the next start", () => {
    const path = join(dir, "bot.db");
    const db = openDatabase(path);
    db.prepare(
      "UPDATE contacts SET data = json_set(data, '$.phones', json('[\"0213.0000.000\"]')) WHERE id = 'provincial'",
    ).run();
    db.close();
    const again = openDatabase(path);
    const data = JSON.parse(
      (again.prepare("SELECT data FROM contacts WHERE id = 'provincial'").get() as { data: string }).data,
    );
    expect(data.phones).toEqual(["0213.0000.000"]);
    again.close();
  });
});

describe("store caches", () => {
  it("a change to the rules or contacts made through another connection is seen at once", async () => {
    const { Store } = await import("../../src/store/store.ts");
    const path = join(dir, "cache.db");
    const store = new Store(openDatabase(path));
    expect(store.routingRules().map((r) => r.id)).toContain("R6");
    expect(store.contact("provincial")?.phones).toEqual(["0213.3798.798"]);
    expect(store.contacts().find((c) => c.id === "provincial")?.phones).toEqual(["0213.3798.798"]);
    const other = openDatabase(path);
    other.prepare("UPDATE routing_rules SET active = 0 WHERE id = 'R6'").run();
    other
      .prepare(
        "UPDATE contacts SET version = version + 1, data = json_set(data, '$.phones', json('[\"0213.1111.111\"]')) WHERE id = 'provincial'",
      )
      .run();
    other.close();
    expect(store.routingRules().map((r) => r.id)).not.toContain("R6");
    expect(store.contacts().find((c) => c.id === "provincial")?.phones).toEqual(["0213.1111.111"]);
    store.db.close();
  });
});

describe("migration 3: ticket lifecycle", () => {
  it("upgrades a version-2 database in place: existing incidents keep their data and gain lifecycle columns", () => {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, 2));
    db.prepare(
      `INSERT INTO incidents (ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
        incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at, updated_at)
       VALUES ('SC-2026-000001', 'k', 'telegram', '1', '1', 'vi', 'malware', 3, '[]', 0, '{}', '{}', 'new', 'x', 'x', 'x')`,
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, 3))).toEqual([3]);
    expect(db.prepare("SELECT ticket_id, status, ticket_snapshot, assignee FROM incidents").get()).toEqual({
      ticket_id: "SC-2026-000001",
      status: "new",
      ticket_snapshot: null,
      assignee: null,
    });
    expect(tables(db)).toContain("duty_posts");
    expect(() =>
      db
        .prepare(
          "INSERT INTO duty_posts (incident_id, contact_id, channel, chat_id, outbox_key, posted_at) VALUES (99, 'vncert', 't', '1', 'k', 'x')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });
});

describe("migration 4: duty prompts", () => {
  it("adds the prompts table to a version-3 database, tied to an existing incident, one prompt per outbox row", () => {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, 3));
    db.prepare(
      `INSERT INTO incidents (ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
        incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at, updated_at)
       VALUES ('SC-2026-000001', 'k', 'telegram', '1', '1', 'vi', 'malware', 3, '[]', 0, '{}', '{}', 'new', 'x', 'x', 'x')`,
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, 4))).toEqual([4]);
    const insert = db.prepare(
      "INSERT INTO duty_prompts (outbox_key, incident_id, channel, chat_id, purpose, user_id, created_at) VALUES (?, ?, 'telegram', '1', ?, '7', 'x')",
    );
    insert.run("p1", 1, "ask");
    expect(() => insert.run("p1", 1, "ask")).toThrow(/UNIQUE/);
    expect(() => insert.run("p2", 99, "ask")).toThrow(/FOREIGN KEY/);
    expect(() => insert.run("p3", 1, "shout")).toThrow(/CHECK/);
  });
});

describe("migration 5: contact administration", () => {
  it("adds pending contact changes and records each rule version's active flag and position", () => {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, 4));
    expect(migrate(db, MIGRATIONS.slice(0, 5))).toEqual([5]);
    expect(
      db
        .prepare("SELECT rule_id, active, position FROM routing_rule_versions ORDER BY position LIMIT 2")
        .all(),
    ).toEqual([
      { rule_id: "R8", active: 1, position: 0 },
      { rule_id: "R6", active: 1, position: 1 },
    ]);
    const insert = db.prepare(
      "INSERT INTO pending_contact_changes (contact_id, base_version, data, proposed_by, proposed_at, status) VALUES ('vncert', 2, ?, 'telegram:1', 'x', ?)",
    );
    insert.run("{}", "pending");
    expect(() => insert.run("not json", "pending")).toThrow(/CHECK/);
    expect(() => insert.run("{}", "maybe")).toThrow(/CHECK/);
  });
});

describe("migration 6: lean write path", () => {
  const indexes = (db: Database.Database, table: string) =>
    (
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
        .all(table) as { name: string }[]
    ).map((r) => r.name);

  it("drops the age index of update keys and keeps only pending outbox rows in the due index", () => {
    const db = new Database(":memory:");
    migrate(db, MIGRATIONS.slice(0, 5));
    const queue = db.prepare(
      "INSERT INTO outbox (idempotency_key, channel, chat_id, payload, status, next_attempt_at, created_at) VALUES (?, 'telegram', '1', '{}', ?, 'x', 'x')",
    );
    queue.run("a", "pending");
    queue.run("b", "sent");
    expect(migrate(db, MIGRATIONS.slice(0, 6))).toEqual([6]);
    expect(indexes(db, "processed_updates")).toEqual([]);
    expect(indexes(db, "outbox")).toEqual(["outbox_pending_due"]);
    const due = db.prepare(
      "SELECT idempotency_key AS k FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND channel = 'telegram' ORDER BY id",
    );
    expect(due.all("y")).toEqual([{ k: "a" }]);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${due.source}`).all("y") as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING INDEX outbox_pending_due/);
  });

  it("still forgets update keys by age, oldest first, without the index", () => {
    const db = openDatabase(join(dir, "bot.db"));
    const store = new Store(db);
    const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;
    for (let m = 0; m < 10; m++) expect(store.markProcessed("telegram", String(m), at(m))).toBe(true);
    expect(store.pruneProcessed(at(4))).toBe(4);
    expect(store.markProcessed("telegram", "3", at(11))).toBe(true);
    expect(store.markProcessed("telegram", "4", at(11))).toBe(false);
    expect(store.pruneProcessed(at(59))).toBe(7);
    expect(store.pruneProcessed(at(59))).toBe(0);
    expect(store.markProcessed("telegram", "9", at(59))).toBe(true);
    db.close();
  });
});

describe("migration 7: one page per table", () => {
  it("keeps every outbox row and update key, indexes keys only when present, and keeps the key table alone", () => {
    const db = new Database(":memory:");
    migrate(db, MIGRATIONS.slice(0, 6));
    const queue = db.prepare(
      "INSERT INTO outbox (idempotency_key, channel, chat_id, payload, status, next_attempt_at, created_at) VALUES (?, 'telegram', '1', '{}', ?, 'x', 'x')",
    );
    queue.run("a", "pending");
    queue.run("b", "sent");
    db.prepare(
      "INSERT INTO processed_updates (channel, dedupe_key, processed_at) VALUES ('telegram', '42', 'x')",
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, 7))).toEqual([7]);

    const rows = db.prepare("SELECT id, idempotency_key AS k, status FROM outbox ORDER BY id").all();
    expect(rows).toEqual([
      { id: 1, k: "a", status: "pending" },
      { id: 2, k: "b", status: "sent" },
    ]);
    const store = new Store(db);
    // A turn's own messages carry no key and are always queued; keyed rows are still queued once.
    expect(store.enqueue(null, "telegram", "1", { kind: "chat", text: "x" }, "x")).toBe(3);
    expect(store.enqueue(null, "telegram", "1", { kind: "chat", text: "x" }, "x")).toBe(4);
    expect(store.enqueue("a", "telegram", "1", {}, "x")).toBeUndefined();
    expect(store.enqueue("c", "telegram", "1", {}, "x")).toBe(5);
    expect(store.markProcessed("telegram", "42", "y")).toBe(false);
    expect(store.markProcessed("telegram", "43", "y")).toBe(true);

    const keyIndex = db.prepare(
      "SELECT count(*) AS n FROM outbox INDEXED BY outbox_key WHERE idempotency_key IS NOT NULL",
    );
    expect(keyIndex.get()).toEqual({ n: 3 });
    const sql = (name: string) =>
      (db.prepare("SELECT sql FROM sqlite_schema WHERE name = ?").get(name) as { sql: string }).sql;
    expect(sql("processed_updates")).toMatch(/WITHOUT ROWID/);
    expect(
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'processed_updates'")
        .all(),
    ).toEqual([]);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM outbox WHERE idempotency_key = ?").all("a") as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING INDEX outbox_key/);
  });
});

describe("migration 8: the 2025 reorganisation", () => {
  // R3 and R5 as releases up to migration 7 seeded them (src/domain/routing.ts before issue 17).
  const OLD_R3 = {
    id: "R3",
    stage: "submitted",
    when: { fact: "severity", gte: 4 },
    actions: [
      { contact: "vncert", kind: "emergency" },
      { contact: "provincial", kind: "emergency" },
    ],
    advice: [
      "routing:advice.phoneHotlinesNow",
      "routing:advice.informSteeringCommittee",
      "routing:advice.progressReports",
    ],
    exclusive: false,
  };
  const OLD_R5 = {
    id: "R5",
    stage: "submitted",
    when: {
      any: [
        { fact: "incidentType", in: ["ransomware", "data_leak", "phishing", "account_compromise"] },
        { fact: "dataExposed", in: ["personal", "state_secret"] },
        { fact: "dangerousSituation", eq: true },
      ],
    },
    actions: [{ contact: "provincial", kind: "notify" }],
    advice: ["routing:advice.reportToPolice"],
    exclusive: false,
  };

  /** A version-7 database as an older release left it: its R3 and R5 are the old defaults. */
  function version7(): Database.Database {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, 7));
    const set = db.prepare("UPDATE routing_rules SET definition = ? WHERE id = ?");
    set.run(JSON.stringify(OLD_R3), "R3");
    set.run(JSON.stringify(OLD_R5), "R5");
    return db;
  }

  it("adds the police and the Sở KH&CN without numbers and out of use, flags the Sở TT&TT, routes R3 and R5 to the police", () => {
    const db = version7();
    const provincialBefore = JSON.parse(
      (db.prepare("SELECT data FROM contacts WHERE id = 'provincial'").get() as { data: string }).data,
    );
    expect(migrate(db, MIGRATIONS.slice(0, 8))).toEqual([8]);

    const store = new Store(db);
    const contacts = store.contacts();
    for (const id of ["police", "provincial_dost"]) {
      const c = contacts.find((x) => x.id === id);
      // Never an invented number or address: all empty, and nothing routes there until an admin says so.
      expect(c, id).toMatchObject({
        version: 1,
        active: false,
        phones: [],
        hotlines: [],
        emails: [],
        address: "",
      });
      expect(c?.notes).toMatch(/^CHƯA XÁC MINH/);
      expect(db.prepare("SELECT active FROM contacts WHERE id = ?").get(id)).toEqual({ active: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM contact_versions WHERE contact_id = ?").get(id)).toEqual({
        n: 1,
      });
    }
    expect(contacts.find((c) => c.id === "police")).toMatchObject({
      role: "police",
      nameVi: "Công an tỉnh – Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (PA05)",
    });

    const provincial = contacts.find((c) => c.id === "provincial");
    expect(provincial?.version).toBe(2);
    expect(provincial?.notes).toMatch(/^ĐẦU MỐI CŨ/);
    expect(provincial?.phones).toEqual(provincialBefore.phones);
    expect(provincial?.active).toBe(true);
    expect(
      db
        .prepare(
          "SELECT version, valid_to IS NULL AS open FROM contact_versions WHERE contact_id = 'provincial' ORDER BY version",
        )
        .all(),
    ).toEqual([
      { version: 1, open: 0 },
      { version: 2, open: 1 },
    ]);

    // The rules now say what the domain's defaults say, with a version an audit can show.
    const rules = store.routingRules();
    for (const id of ["R3", "R5"]) {
      expect(
        rules.find((r) => r.id === id),
        id,
      ).toEqual(DEFAULT_ROUTING_RULES.find((r) => r.id === id));
      expect(
        db
          .prepare(
            "SELECT version, changed_by, active, position IS NOT NULL AS placed FROM routing_rule_versions WHERE rule_id = ? ORDER BY version DESC LIMIT 1",
          )
          .get(id),
      ).toEqual({ version: 2, changed_by: "system:migration-008", active: 1, placed: 1 });
    }
    // And the admins are told that R3 and R5 have no police to go to yet.
    expect(rulesWithoutRecipient(rules, contacts).map((g) => g.ruleId)).toEqual(["R3", "R5"]);

    // A new database takes the same path: migration 2's frozen seed, then this one.
    const fresh = new Database(":memory:");
    migrate(fresh);
    for (const id of ["R3", "R5"]) {
      expect(
        new Store(fresh).routingRules().find((r) => r.id === id),
        `fresh ${id}`,
      ).toEqual(DEFAULT_ROUTING_RULES.find((r) => r.id === id));
    }

    // What an admin changed stays as the admin made it: a hand-edited R5, a police contact already added, a
    // provincial entry that is no longer the Sở TT&TT.
    const edited = version7();
    const editedR5 = { ...OLD_R5, actions: [{ contact: "provincial", kind: "initial_report" }] };
    edited.prepare("UPDATE routing_rules SET definition = ? WHERE id = 'R5'").run(JSON.stringify(editedR5));
    const police = {
      ...JSON.parse(
        (db.prepare("SELECT data FROM contacts WHERE id = 'police'").get() as { data: string }).data,
      ),
      active: true,
      phones: ["0912 345 678"],
    };
    edited
      .prepare(
        "INSERT INTO contacts (id, version, data, active, updated_at, updated_by) VALUES ('police', 3, ?, 1, 'x', 'telegram:1')",
      )
      .run(JSON.stringify(police));
    edited
      .prepare(
        "UPDATE contacts SET data = json_set(data, '$.shortName', 'Công an tỉnh Lai Châu', '$.nameVi', 'Công an tỉnh Lai Châu') WHERE id = 'provincial'",
      )
      .run();
    expect(migrate(edited, MIGRATIONS.slice(0, 8))).toEqual([8]);
    const again = new Store(edited);
    expect(again.routingRules().find((r) => r.id === "R5")).toEqual(editedR5);
    expect(again.contacts().find((c) => c.id === "police")).toMatchObject({
      version: 3,
      active: true,
      phones: ["0912 345 678"],
    });
    expect(again.contacts().find((c) => c.id === "provincial")?.version).toBe(1);
    expect(again.routingRules().find((r) => r.id === "R3")).toEqual(
      DEFAULT_ROUTING_RULES.find((r) => r.id === "R3"),
    );
  });
});

describe("migration: deadline settings", () => {
  const migration = MIGRATIONS.find((m) => m.name === "deadline-settings");
  it("adds one versioned table for the deadlines and the work calendar, refusing unknown names and bad JSON", () => {
    if (!migration) throw new Error("deadline-settings migration missing");
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, migration.version - 1));
    expect(tables(db)).not.toContain("setting_versions");
    expect(migrate(db, MIGRATIONS.slice(0, migration.version))).toEqual([migration.version]);
    const sql = (
      db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'setting_versions'").get() as { sql: string }
    ).sql;
    expect(sql).toMatch(/\)\s*STRICT$/);
    const insert = db.prepare(
      "INSERT INTO setting_versions (name, version, data, changed_by, changed_at, via) VALUES (?, ?, ?, 'cli', 'x', ?)",
    );
    insert.run("deadlines", 1, '{"high":"1h"}', "seed");
    insert.run("work_calendar", 1, '{"daysOff":[]}', "chat");
    // One row per version: a second writer of the same version fails instead of overwriting.
    expect(() => insert.run("deadlines", 1, "{}", "chat")).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run("colour", 1, "{}", "chat")).toThrow(/CHECK/);
    expect(() => insert.run("deadlines", 2, "not json", "chat")).toThrow(/CHECK/);
    expect(() => insert.run("deadlines", 2, "{}", "telepathy")).toThrow(/CHECK/);
    // Nothing is seeded by the migration: the environment seeds version 1 at the first start.
    const fresh = new Database(":memory:");
    migrate(fresh);
    expect(fresh.prepare("SELECT count(*) AS n FROM setting_versions").get()).toEqual({ n: 0 });
  });
});

describe("migration: evidence", () => {
  it("adds the evidence table to the previous schema: one row per attachment of an existing ticket, STRICT, checked", () => {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    const at = MIGRATIONS.findIndex((m) => m.name === "evidence");
    const migration = MIGRATIONS[at];
    if (!migration) throw new Error("evidence migration missing");
    migrate(db, MIGRATIONS.slice(0, at));
    db.prepare(
      `INSERT INTO incidents (ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
        incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at, updated_at)
       VALUES ('SC-2026-000001', 'k', 'telegram', '1', '1', 'vi', 'malware', 3, '[]', 0, '{}', '{}', 'new', 'x', 'x', 'x')`,
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, at + 1))).toEqual([migration.version]);
    expect(tables(db)).toContain("evidence");
    const sql = (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'evidence'").get() as { sql: string })
      .sql;
    expect(sql).toMatch(/STRICT/);
    const insert = db.prepare(
      "INSERT INTO evidence (incident_id, position, channel, file_ref, name, mime, status, sha256, created_at) VALUES (?, ?, 'telegram', 'f', 'a.log', 'text/plain', ?, ?, 'x')",
    );
    insert.run(1, 0, "pending", null);
    expect(() => insert.run(1, 0, "pending", null)).toThrow(/UNIQUE/);
    expect(() => insert.run(99, 1, "pending", null)).toThrow(/FOREIGN KEY/);
    expect(() => insert.run(1, 2, "lost", null)).toThrow(/CHECK/);
    expect(() => insert.run(1, 3, "stored", "not-a-hash")).toThrow(/CHECK/);
    insert.run(1, 4, "stored", "a".repeat(64));
  });
});

describe("migration: rosters, lead role, alert periods, page chains", () => {
  const roster = MIGRATIONS.find((m) => m.name === "roster");
  it("keeps every granted role, accepts the lead role, and ties shifts to an existing unit", () => {
    if (!roster) throw new Error("the roster migration is registered");
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    migrate(db, MIGRATIONS.slice(0, roster.version - 1));
    const grant = db.prepare(
      "INSERT INTO user_roles (channel, user_id, role, contact_id, granted_by, granted_at) VALUES ('telegram', ?, ?, ?, 'x', 'x')",
    );
    grant.run("1", "duty", "vncert");
    expect(() => grant.run("2", "lead", "vncert")).toThrow(/CHECK/);
    expect(migrate(db, MIGRATIONS.slice(0, roster.version))).toEqual([roster.version]);
    expect(db.prepare("SELECT user_id, role, contact_id FROM user_roles").all()).toEqual([
      { user_id: "1", role: "duty", contact_id: "vncert" },
    ]);
    grant.run("2", "lead", "vncert");
    expect(() => grant.run("3", "owner", "vncert")).toThrow(/CHECK/);
    const shift = db.prepare(
      "INSERT INTO roster_shifts (contact_id, position, person, start_min, end_min, days, dates, created_by, created_at) VALUES (?, 0, 'telegram:1', ?, ?, ?, '[]', 'x', 'x')",
    );
    shift.run("vncert", 480, 1020, "[1,2]");
    expect(() => shift.run("nobody", 480, 1020, "[1]")).toThrow(/FOREIGN KEY/);
    expect(() => shift.run("vncert", 1440, 1020, "[1]")).toThrow(/CHECK/);
    expect(() => shift.run("vncert", 480, 1020, "[]")).toThrow(/CHECK/);
    const period = db.prepare(
      "INSERT INTO alert_periods (name, starts_at, ends_at, ack_deadlines, reminder_minutes, created_by, created_at) VALUES ('Tết', ?, ?, '{}', 60, 'x', 'x')",
    );
    period.run("2026-02-13T17:00:00.000Z", "2026-02-22T17:00:00.000Z");
    expect(() => period.run("2026-02-22T17:00:00.000Z", "2026-02-13T17:00:00.000Z")).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO page_chains (incident_id, contact_id, step, updated_at) VALUES (99, 'vncert', 'next', 'x')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });
});

describe("migration: preliminary tickets", () => {
  it("adds the preliminary mark to the previous version's database: existing tickets are complete, new ones can be marked", () => {
    const db = new Database(join(dir, "before-preliminary.db"));
    const mPrelim = MIGRATIONS.find((m) => m.name === "preliminary-tickets");
    if (!mPrelim) throw new Error("migration missing");
    migrate(db, MIGRATIONS.slice(0, mPrelim.version - 1));
    const base = new Store(db);
    // A ticket written before the migration, through the columns that existed then.
    db.prepare(
      `INSERT INTO incidents (ticket_id, submission_key, channel, chat_id, reporter_user_id, reporter_locale,
         incident_type, severity, severity_reasons, serious, answers, routing, status, detected_at, created_at,
         updated_at)
       VALUES ('SC-2026-000001', 'k1', 'telegram', '1', '1', 'vi', 'malware', 2, '[]', 0, '{}',
         '{"destinations":[],"advice":[],"firedRules":[]}', 'new', 'x', 'x', 'x')`,
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, mPrelim.version))).toEqual([mPrelim.version]);
    const store = new Store(db);
    expect(store.incidentByTicket("SC-2026-000001")?.preliminary).toBe(false);
    const { row } = store.insertIncident({
      ...(base.incidentByTicket("SC-2026-000001") as NonNullable<ReturnType<Store["incidentByTicket"]>>),
      ticketId: "SC-2026-000002",
      submissionKey: "k2",
      preliminary: true,
    });
    expect(row.preliminary).toBe(true);
    store.saveReport(row.id, { ...row, preliminary: false }, "y");
    expect(store.incidentByTicket("SC-2026-000002")?.preliminary).toBe(false);
    db.close();
  });
});
