import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f));
}

/** What speaking SQL looks like: a statement prepared or run on a connection, a pragma, or SQL text. */
const SQL = [
  /\.prepare\(/,
  /\.pragma\(/,
  /\bdb\.exec\(/,
  /\b(SELECT\s+[\w*]|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX))\b/,
];

/** The store's own files that may: the connection, the transaction boundary, the repositories, migrations. */
const ALLOWED = [
  /^src\/store\/db\.ts$/,
  /^src\/store\/tx\.ts$/,
  /^src\/store\/checkpointer\.ts$/,
  /^src\/store\/repos\//,
  /^src\/store\/migrations\//,
];

describe("the repositories are the only code that speaks SQL", () => {
  it("no file outside the store's connection, transaction boundary, repositories and migrations holds SQL", () => {
    const offending = [...sources("src"), ...sources("flows")]
      .map((file) => relative(ROOT, join(ROOT, file)))
      .filter((file) => !ALLOWED.some((a) => a.test(file)))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), "utf8")
          .split("\n")
          .flatMap((line, i) =>
            SQL.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(offending).toEqual([]);
  });

  it("the check recognises SQL in the forms the code used", () => {
    const hits = (line: string) => SQL.some((re) => re.test(line));
    expect(hits('    app.db.prepare("SELECT 1").get();')).toBe(true);
    expect(hits('db.pragma("journal_mode = WAL")')).toBe(true);
    expect(hits("`UPDATE outbox SET status = 'sent'`")).toBe(true);
    expect(hits("const m = /^(\\d+)$/.exec(text);")).toBe(false);
    expect(hits("// Select the contact, then update the list")).toBe(false);
  });
});
