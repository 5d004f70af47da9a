import { describe, expect, it } from "vitest";
import { createI18next, createTranslator, LOCALES, loadResources, resolveLocale } from "../src/i18n.ts";

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

  it("picks a key's context variant as i18next does, for every context in the files and one that is not", () => {
    let compared = 0;
    for (const locale of LOCALES) {
      const t = i18next.getFixedT(locale);
      for (const [variant] of leaves(locale)) {
        const cut = variant.lastIndexOf("_");
        if (cut < 0 || variant.indexOf(".", cut) >= 0) continue;
        const key = variant.slice(0, cut);
        const context = variant.slice(cut + 1);
        for (const ctx of [context, "nosuchcontext", ""]) {
          for (const value of NASTY) {
            const params = { units: value, tools: value, context: ctx };
            expect(translator.t(locale, key, params), `${locale} ${key} ${ctx}`).toBe(t(key, params));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
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

describe("t() for HTML, text() for plain text", () => {
  const tr = createTranslator("vi");

  it("text() leaves parameters as typed, where t() escapes them", () => {
    const params = { file: 'a<b>&"c".yaml', count: 2 };
    expect(tr.t("vi", "admin:file.rejected", params)).toContain("a&lt;b&gt;&amp;&quot;c&quot;.yaml");
    expect(tr.text("vi", "admin:file.rejected", params)).toBe(
      'Không nhập tệp a<b>&"c".yaml: có 2 lỗi, chưa thay đổi gì trong cơ sở dữ liệu.',
    );
  });

  it("text() decodes the resource's own entities, and never decodes what a parameter carries", () => {
    expect(tr.t("vi", "duty:bind.usage", { ids: "&lt;x&gt;" })).toContain("/bind &lt;mã đầu mối&gt;");
    expect(tr.text("vi", "duty:bind.usage", { ids: "&lt;x&gt;" })).toBe(
      "Cách dùng: /bind <mã đầu mối>, ví dụ /bind vncert. Các mã hiện có: &lt;x&gt;",
    );
  });

  it("text() keeps plural and number formatting (numbers pass as they are)", () => {
    expect(tr.text("vi", "email:files", { count: 3 })).toBe(tr.t("vi", "email:files", { count: 3 }));
  });
});

describe("resolveLocale", () => {
  it("takes the chosen language, else the client's, else the default", () => {
    expect(resolveLocale("en", "vi", "vi")).toBe("en");
    expect(resolveLocale(null, "en-GB", "vi")).toBe("en");
    expect(resolveLocale("fr", "EN", "vi")).toBe("en");
    expect(resolveLocale(undefined, "fr", "vi")).toBe("vi");
    expect(resolveLocale(undefined, undefined, "en")).toBe("en");
  });
});
