import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "./migrations/index.ts";
import { ensurePrivateFile, ensurePrivateFolder, tightenIfExists } from "./private-files.ts";

export type Db = Database.Database;

/** Opens (creating if needed) the SQLite database with the pragmas the invariants rely on, and migrates it. */
export function openDatabase(path: string, options: { migrate?: boolean } = {}): Db {
  if (path !== ":memory:") {
    ensurePrivateFolder(dirname(path));
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode.
    ensurePrivateFile(path);
    for (const suffix of ["-wal", "-shm"]) tightenIfExists(`${path}${suffix}`);
  }
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
