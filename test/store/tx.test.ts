import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.ts";
import { SqliteTransactions } from "../../src/store/tx.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-tx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(path = ":memory:") {
  const db = openDatabase(path);
  db.exec("CREATE TABLE t (v TEXT NOT NULL) STRICT");
  const tx = new SqliteTransactions(db);
  const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
  const values = () =>
    (db.prepare("SELECT v FROM t ORDER BY rowid").all() as Array<{ v: string }>).map((r) => r.v);
  return { db, tx, add: (v: string) => insert.run(v), values };
}

describe("the transaction boundary (one reused transaction function)", () => {
  it("commits what the function wrote and returns its result", () => {
    const { tx, add, values } = setup();
    const addThen =
      <T>(v: string, result: T) =>
      () => {
        add(v);
        return result;
      };
    expect(tx.transaction(addThen("a", 7))).toBe(7);
    expect(tx.transaction(addThen("b", "x"))).toBe("x");
    expect(values()).toEqual(["a", "b"]);
  });

  it("a failed transaction writes nothing, and the next one runs its own function", () => {
    const { tx, add, values } = setup();
    expect(() =>
      tx.transaction(() => {
        add("lost");
        throw new Error("boom");
      }),
    ).toThrow("boom");
    tx.transaction(() => add("kept"));
    expect(values()).toEqual(["kept"]);
  });

  it("a nested transaction is a savepoint: its failure undoes only itself, the outer one goes on", () => {
    const { db, tx, add, values } = setup();
    const result = tx.transaction(() => {
      add("outer-1");
      expect(() =>
        tx.transaction(() => {
          add("inner");
          throw new Error("inner fails");
        }),
      ).toThrow("inner fails");
      tx.transaction(() => add("inner-ok"));
      // The outer function is still the one running after the inner ones returned.
      add("outer-2");
      return db.inTransaction;
    });
    expect(result).toBe(true);
    expect(db.inTransaction).toBe(false);
    expect(values()).toEqual(["outer-1", "inner-ok", "outer-2"]);
  });

  it("takes the write lock up front (IMMEDIATE): another connection cannot write until it commits", () => {
    const path = join(dir, "lock.db");
    const { tx, add, values } = setup(path);
    const other = new Database(path);
    other.pragma("busy_timeout = 0");
    let refused = "";
    tx.transaction(() => {
      // Nothing written yet, and still the lock is held: a deferred BEGIN would let the other writer in.
      try {
        other.exec("INSERT INTO t (v) VALUES ('other')");
      } catch (error) {
        refused = (error as { code?: string }).code ?? "";
      }
      add("mine");
    });
    expect(refused).toBe("SQLITE_BUSY");
    other.exec("INSERT INTO t (v) VALUES ('other')");
    other.close();
    expect(values()).toEqual(["mine", "other"]);
  });
});
