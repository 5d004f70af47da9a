import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INCIDENT_TYPES, incidentTypeLabelKey } from "../src/domain/incident-types.ts";
import { createTranslator, LOCALES, LOCALES_DIR, loadResources } from "../src/i18n.ts";

function flatten(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

function keysOf(lng: string): string[] {
  const resources = loadResources();
  const byNs = resources[lng as (typeof LOCALES)[number]];
  return Object.entries(byNs)
    .flatMap(([ns, tree]) => flatten(tree).map((k) => `${ns}:${k}`))
    .sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("locales", () => {
  it("vi and en have the same namespace files", () => {
    const files = LOCALES.map((lng) => readdirSync(join(LOCALES_DIR, lng)).sort());
    expect(files[1]).toEqual(files[0]);
  });

  it("vi and en have identical key sets", () => {
    const vi = keysOf("vi");
    const en = keysOf("en");
    expect(
      en.filter((k) => !vi.includes(k)),
      "keys only in en",
    ).toEqual([]);
    expect(
      vi.filter((k) => !en.includes(k)),
      "keys only in vi",
    ).toEqual([]);
  });

  it("no translation is empty and placeholders match between languages", () => {
    const resources = loadResources();
    const t = (lng: "vi" | "en") =>
      Object.fromEntries(
        Object.entries(resources[lng]).flatMap(([ns, tree]) =>
          flatten(tree).map((k) => [
            `${ns}:${k}`,
            k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], tree),
          ]),
        ),
      ) as Record<string, string>;
    const vi = t("vi");
    const en = t("en");
    for (const [key, text] of Object.entries(vi)) {
      expect(typeof text === "string" && text.trim().length > 0, `vi ${key}`).toBe(true);
      const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
      expect(placeholders(en[key] ?? ""), `placeholders of ${key}`).toEqual(placeholders(text));
    }
  });

  it("every key literal used in the code exists", () => {
    const translator = createTranslator("vi");
    const namespaces = readdirSync(join(LOCALES_DIR, "vi")).map((f) => f.replace(/\.json$/, ""));
    const pattern = new RegExp(`["'\`](${namespaces.join("|")}):([A-Za-z0-9_.]+)["'\`]`, "g");
    const files = [...sourceFiles("src"), ...sourceFiles("flows")];
    const missing: string[] = [];
    let seen = 0;
    for (const file of files) {
      for (const match of readFileSync(file, "utf8").matchAll(pattern)) {
        seen++;
        const key = `${match[1]}:${match[2]}`;
        if (!translator.exists(key, "vi") || !translator.exists(key, "en")) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
    expect(seen).toBeGreaterThan(10);
  });

  it("every incident type has a label in both languages", () => {
    const translator = createTranslator("vi");
    for (const type of INCIDENT_TYPES) {
      for (const lng of LOCALES)
        expect(translator.exists(incidentTypeLabelKey(type), lng), `${lng} ${type}`).toBe(true);
    }
  });

  it("Vietnamese strings keep the civil-service conventions (vi-wording-review.md)", () => {
    const resources = loadResources();
    const strings = Object.entries(resources.vi).flatMap(([ns, tree]) =>
      flatten(tree).map((k) => {
        const value = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], tree);
        // Placeholder names ({{email}}) and the command-line program's name are code, not wording.
        const text = String(value)
          .replace(/\{\{[^}]*\}\}/g, "")
          .replaceAll("incident-bot", "");
        return [`${ns}:${k}`, text] as const;
      }),
    );
    const forbidden: Array<[string, RegExp]> = [
      ["a form of address other than «Anh/Chị»", /(?<!\p{L})(?!Anh\/Chị)[aA]nh\/[cC]hị/u],
      ["«bot» (the assistant is «trợ lý»)", /(?<!\p{L})bots?(?!\p{L})/iu],
      ["«email» (write «thư điện tử»)", /(?<!\p{L})e-?mails?(?!\p{L})/iu],
      ["«website» (write «trang thông tin điện tử»)", /website/iu],
      ["«IP public» (write «địa chỉ IP công khai»)", /IP public/iu],
    ];
    const problems: string[] = [];
    for (const [key, text] of strings) {
      for (const [what, pattern] of forbidden) {
        if (pattern.test(text)) problems.push(`${key}: ${what}`);
      }
      if (text.includes("Anh/Chị") && /Quý cơ quan/iu.test(text)) {
        problems.push(`${key}: both «Anh/Chị» and «Quý cơ quan»`);
      }
    }
    expect(problems).toEqual([]);
    // The check itself must bite: each form it forbids is caught in a sample sentence.
    const samples = [
      "Đề nghị anh/chị trả lời.",
      "Bot sẽ nhắc.",
      "Gửi email.",
      "Trang website.",
      "Địa chỉ IP public.",
    ];
    for (const [i, [what, pattern]] of forbidden.entries())
      expect(pattern.test(samples[i] ?? ""), what).toBe(true);
    expect(forbidden.some(([, p]) => p.test("Anh/Chị, mạng botnet, thư điện tử, IP công khai"))).toBe(false);
  });

  it("escapes interpolated text for HTML but leaves slashes readable", () => {
    const translator = createTranslator("vi", {
      vi: { common: { echo: "Bạn viết: {{text}}" } },
      en: { common: { echo: "You wrote: {{text}}" } },
    });
    expect(translator.t("en", "common:echo", { text: '<b>x</b> & "y" 21/11/2026' })).toBe(
      "You wrote: &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot; 21/11/2026",
    );
  });
});
