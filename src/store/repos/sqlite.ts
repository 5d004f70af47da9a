import type Database from "better-sqlite3";

/** Helpers shared by the SQLite repositories: a row as the driver returns it, and JSON columns. */
export type Db = Database.Database;
export type Raw = Record<string, unknown>;
export const json = (v: unknown): string => JSON.stringify(v);
export const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
export const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
