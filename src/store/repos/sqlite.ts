import type Database from "better-sqlite3";

/** Helpers shared by the SQLite repositories: a row as the driver returns it, and JSON columns. */
export type Db = Database.Database;
export type Raw = Record<string, unknown>;
export const json = (v: unknown): string => JSON.stringify(v);
export const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
export const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * Statements prepared on first use. A Store may be opened on a database an older release left, before the
 * migrations that add a repository's tables have run (the migration tests, a backup being inspected): preparing
 * them with the Store would fail there on a table that does not exist yet.
 */
export function onFirstUse<T>(prepare: () => T): () => T {
  let statements: T | undefined;
  return () => {
    statements ??= prepare();
    return statements;
  };
}
