import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";

// The database, its WAL and shared-memory files, backups and exports hold names, phone numbers and e-mail
// addresses: only the service account may read them, whatever the umask of the shell that started it.

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** Creates the folder (and missing parents) readable by the owner only; an existing folder is left alone. */
export function ensurePrivateFolder(path: string): void {
  // Only folders created here are set: an existing one may be shared (e.g. the working directory).
  const created = mkdirSync(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  if (created) chmodSync(path, PRIVATE_FOLDER_MODE);
}

/** Creates the file empty if missing, and makes it (new or old) readable and writable by the owner only. */
export function ensurePrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, "a", PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Tightens the file if it exists (an old database's -wal and -shm). */
export function tightenIfExists(path: string): void {
  if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
}
