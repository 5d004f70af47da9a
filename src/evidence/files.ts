import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from "../store/private-files.ts";

/** SHA-256 of the bytes, lower-case hex: the name under which they are kept and what the receipt shows. */
export const sha256Hex = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/**
 * The evidence folder, content-addressed: `ab/abcdef…` by SHA-256, so the same file sent twice (or a retry
 * that downloads it again) is stored once and a stored file can be checked against its name. Folders 0700 and
 * files 0600 like the database: screenshots and logs of an incident are confidential.
 */
export class EvidenceFiles {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** A stored path inside the folder; a path that would leave it (a tampered row) is refused. */
  private full(path: string): string {
    const full = resolve(this.dir, path);
    if (!full.startsWith(`${this.dir}/`)) throw new Error("evidence path outside the evidence folder");
    return full;
  }

  /** Keeps the bytes (idempotent) and returns their hash and path relative to the folder. */
  put(bytes: Buffer): { sha256: string; path: string; size: number } {
    const sha256 = sha256Hex(bytes);
    const path = `${sha256.slice(0, 2)}/${sha256}`;
    const full = join(this.dir, path);
    if (!existsSync(full)) {
      ensurePrivateFolder(this.dir);
      ensurePrivateFolder(dirname(full));
      // Written aside and renamed: a crash mid-write never leaves a partial file under the hash's name.
      const temp = `${full}.${randomBytes(6).toString("hex")}.part`;
      try {
        writeFileSync(temp, bytes, { mode: PRIVATE_FILE_MODE });
        renameSync(temp, full);
      } finally {
        rmSync(temp, { force: true });
      }
    }
    return { sha256, path, size: bytes.length };
  }

  /** Deletes a kept file (retention); a file already gone is no error. */
  remove(path: string): void {
    rmSync(this.full(path), { force: true });
  }

  /** The bytes kept under a relative path (undefined when missing). */
  read(path: string): Buffer | undefined {
    const full = this.full(path);
    return existsSync(full) ? readFileSync(full) : undefined;
  }
}

/** The default folder: `evidence` beside the database file (none for an in-memory database). */
export function defaultEvidenceDir(databasePath: string): string | undefined {
  return databasePath === ":memory:" ? undefined : join(dirname(databasePath), "evidence");
}
