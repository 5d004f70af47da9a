import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "./db.ts";
import { ensurePrivateFile } from "./private-files.ts";

/** A backup that could not be written, with one line an operator can act on. */
export class BackupError extends Error {}

/** Why SQLite could not write the copy, in words (its own codes mean little to an operator). */
function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "SQLITE_FULL") return "the disk is full";
  if (code === "SQLITE_NOTADB") return "the target is not a database";
  if (code === "SQLITE_READONLY" || code === "EACCES") return "no permission to write there";
  if (code === "SQLITE_CANTOPEN") return "the file cannot be opened";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes a consistent copy of the database to `target` (0600, it holds personal data). An existing file is
 * refused unless `force`: overwriting the last good backup with today's broken state loses it silently.
 */
export async function backupDatabase(
  db: Db,
  target: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const fail = (why: string) => new BackupError(`Cannot back up to ${target}: ${why}.`);
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw fail(`the folder ${folder} does not exist`);
  const existed = existsSync(target);
  if (existed) {
    if (statSync(target).isDirectory()) throw fail("it is a folder; give a file name");
    if (!options.force) throw fail("the file exists (add --force to overwrite it)");
  }
  // Written beside the target and renamed over it: a failed copy (disk full) leaves no half-written file and,
  // with --force, keeps the previous backup.
  const partial = `${target}.partial-${process.pid}`;
  try {
    ensurePrivateFile(partial);
    await db.backup(partial);
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    throw fail(reason(error));
  }
}
