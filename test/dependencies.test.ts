import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

/** The package a module specifier loads ("@scope/name/sub" → "@scope/name"), or undefined for relative/built-in. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:"))
    return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? "");
  return builtinModules.includes(name) ? undefined : name;
}

/**
 * Packages loaded at run time by a source text: static imports and re-exports (not `import type`, which the
 * compiler erases), dynamic import() and require()/resolve() calls.
 */
function runtimePackages(source: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\b(?:require|resolve)\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const name = packageOf(match[1] ?? "");
      if (name) found.add(name);
    }
  }
  return [...found];
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs|cjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe("a production install (npm ci --omit=dev) has every package the product loads", () => {
  it("src/ and flows/ import only packages listed in dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const missing = [...sourcesUnder("src"), ...sourcesUnder("flows")].flatMap((file) =>
      runtimePackages(readFileSync(file, "utf8"))
        .filter((name) => !(name in pkg.dependencies))
        .map((name) => `${name} (${file.slice(ROOT.length + 1)})`),
    );
    expect(missing).toEqual([]);
  });

  it("the check sees every way a module is loaded, and lets type-only imports and built-ins pass", () => {
    const source = [
      'import { Bot } from "grammy";',
      'import type { Update } from "grammy/types";',
      'import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";',
      'export { x } from "@scope/pkg/sub";',
      'import "side-effect";',
      'const m = await import("dynamic-pkg");',
      'const d = createRequire(import.meta.url).resolve("better-sqlite3");',
      'import { readFileSync } from "node:fs";',
      'import { join } from "path";',
      'import { a } from "./local.ts";',
    ].join("\n");
    expect(runtimePackages(source).sort()).toEqual(
      ["@scope/pkg", "better-sqlite3", "dynamic-pkg", "grammy", "side-effect", "telegram-test-api"].sort(),
    );
  });
});
