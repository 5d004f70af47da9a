import { describe, expect, it } from "vitest";
import { createI18next, createTranslator, LOCALES, loadResources } from "../src/i18n.ts";

const resources = loadResources();

/** Every key of a locale as "namespace:path", with its resource string. */
function leaves(locale: (typeof LOCALES)[number]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (ns: string, path: string, value: unknown) => {
    if (typeof value === "string") out.push([`${ns}:${path}`, value]);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) walk(ns, path ? `${path}.${k}` : k, v);
  };
  for (const [ns, tree] of Object.entries(resources[locale])) walk(ns, "", tree);
  return out;
}

// What people type and what i18next might read as syntax: markup, entities, nesting, `$` patterns.
const NASTY = ['Sở <b>KH&CN</b> "Lai Châu"', "$t(common:help.text) $& $1 $$", "🚨 mã độc", "", 42, 0];

describe("the translator's own interpolation", () => {
  const translator = createTranslator("vi");
  const i18next = createI18next("vi", resources);

  it("gives exactly what i18next gives, for every key with parameters, in both languages", () => {
    let compared = 0;
    for (const locale of LOCALES) {
      const t = i18next.getFixedT(locale);
      for (const [key, raw] of leaves(locale)) {
        const names = [...raw.matchAll(/\{\{-?\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1] ?? "");
        if (names.length === 0) continue;
        for (const [i, value] of NASTY.entries()) {
          const params = Object.fromEntries(names.map((n, j) => [n, NASTY[(i + j) % NASTY.length] ?? value]));
          expect(translator.t(locale, key, params), `${locale} ${key}`).toBe(t(key, params));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("never reads a placeholder inside a parameter (i18next would fill it from the other parameters)", () => {
    const [key, raw] = leaves("vi").find(([, r]) => (r.match(/\{\{/g) ?? []).length >= 2) ?? ["", ""];
    const names = [...raw.matchAll(/\{\{-?\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1] ?? "");
    const [first = "", second = ""] = names;
    const text = translator.t("vi", key, { [first]: `{{${second}}}`, [second]: "SC-2026-000001" });
    expect(text).toContain(`{{${second}}}`);
    expect(text.split("SC-2026-000001")).toHaveLength(2);
  });

  it("leaves to i18next what it cannot do the same: a missing parameter, an option, an unknown key", () => {
    const t = i18next.getFixedT("en");
    const [key] = leaves("en").find(([, raw]) => raw.includes("{{")) ?? [""];
    expect(key).not.toBe("");
    for (const params of [{}, { count: 3 }, { lng: "vi" }]) {
      expect(translator.t("en", key, params)).toBe(t(key, params));
    }
    expect(translator.t("en", "common:no.such.key", { x: 1 })).toBe(t("common:no.such.key", { x: 1 }));
  });
});
