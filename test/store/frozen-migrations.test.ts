import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LATEST_VERSION, MIGRATIONS } from "../../src/store/migrations/index.ts";

const DIR = join(import.meta.dirname, "../../src/store/migrations");
const files = readdirSync(DIR)
  .filter((f) => /^\d{3}-.+\.ts$/.test(f))
  .sort();

/** Every module a file names: static imports and re-exports, dynamic import() and require(). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gms))
    found.push(m[1] ?? "");
  for (const m of source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) found.push(m[1] ?? "");
  for (const m of source.matchAll(/\b(?:import|require)\s*\(\s*["'`]([^"'`]+)["'`]/g)) found.push(m[1] ?? "");
  return found;
}

describe("migrations are frozen", () => {
  it("run 1..n without gaps, one file per version, in file order", () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    expect(LATEST_VERSION).toBe(versions.length);
    expect(files.map((f) => Number(f.slice(0, 3)))).toEqual(versions);
  });

  it("no migration imports live code (the domain, the flows or anything outside the migrations)", () => {
    expect(files.length).toBe(MIGRATIONS.length);
    const offending = files.flatMap((file) =>
      specifiers(readFileSync(join(DIR, file), "utf8"))
        // The Migration type from the index, and packages (the driver's types), are all a migration may name.
        .filter((s) => s !== "./index.ts" && (s.startsWith(".") || s.startsWith("/")))
        .map((s) => `${file}: ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it("the import check sees the forms an import can take", () => {
    const source = [
      'import { DIRECTIVE_CONTACTS } from "../../domain/contacts.ts";',
      "import {\n  a,\n  b,\n} from '../../../flows/report.ts';",
      'export { x } from "../store.ts";',
      'import "../side-effect.ts";',
      'const m = await import("../../domain/routing.ts");',
      'import type { Migration } from "./index.ts";',
    ].join("\n");
    expect(specifiers(source)).toEqual([
      "../../domain/contacts.ts",
      "../../../flows/report.ts",
      "../store.ts",
      "./index.ts",
      "../side-effect.ts",
      "../../domain/routing.ts",
    ]);
  });
});
