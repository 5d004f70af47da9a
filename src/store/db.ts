import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "./migrations/index.ts";

export type Db = Database.Database;

/** Opens (creating if needed) the SQLite database with the pragmas the invariants rely on, and migrates it. */
export function openDatabase(path: string, options: { migrate?: boolean } = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets the dispatcher read while the engine writes; NORMAL sync in WAL mode survives a killed
  // process (every commit is in the WAL file before the call returns), which is invariant 1's case.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  if (options.migrate !== false) migrate(db);
  return db;
}
