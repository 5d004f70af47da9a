import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n as I18nInstance } from "i18next";

export const LOCALES = ["vi", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** The folder holding locales/<lng>/<namespace>.json: beside src/ when run from source, two levels up from dist/src/. */
export const LOCALES_DIR =
  [new URL("../locales/", import.meta.url), new URL("../../locales/", import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(join(dir, "vi"))) ?? fileURLToPath(new URL("../locales/", import.meta.url));

export type Resources = Record<Locale, Record<string, Record<string, unknown>>>;

/** True when a value names a supported locale. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Reads every namespace file of every locale from disk (once, at start). */
export function loadResources(dir: string = LOCALES_DIR): Resources {
  const resources = {} as Resources;
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith(".json"))) {
      resources[lng][basename(file, ".json")] = JSON.parse(readFileSync(join(dir, lng, file), "utf8"));
    }
  }
  return resources;
}

/**
 * Escapes the characters that matter in Telegram's HTML parse mode and nothing else, so dates such as
 * 21/11/2026 stay readable on every channel (invariant 6: user text never becomes markup).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;",
  );
}

export type Params = Record<string, string | number | boolean | undefined>;

/** Renders keys in a given language; parameters are HTML-escaped unless passed through `raw`. */
export interface Translator {
  t(locale: Locale, key: string, params?: Params): string;
  exists(key: string, locale?: Locale): boolean;
  readonly defaultLocale: Locale;
}

/** Builds the translator from the locale files; Vietnamese is the fallback for any missing English key. */
export function createTranslator(
  defaultLocale: Locale = "vi",
  resources: Resources = loadResources(),
): Translator {
  const instance: I18nInstance = i18next.createInstance();
  void instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: "vi",
    ns: Object.keys(resources.vi),
    defaultNS: "common",
    initAsync: false,
    showSupportNotice: false,
    returnNull: false,
    interpolation: { escapeValue: true, escape: escapeHtml },
    // Keys are written as "namespace:path.to.key".
    nsSeparator: ":",
    keySeparator: ".",
  });
  const fixed = LOCALES.map((lng) => [lng, instance.getFixedT(lng)] as const);
  const byLocale = new Map(fixed);
  // Most lookups (labels, prompts) have no parameters and are asked on every update: keep their text.
  const plain = new Map<string, string>();
  return {
    defaultLocale,
    t(locale, key, params) {
      const t = byLocale.get(locale) ?? instance.t;
      if (params) return t(key, params) as string;
      const cacheKey = `${locale}\u0000${key}`;
      let text = plain.get(cacheKey);
      if (text === undefined) {
        text = t(key, {}) as string;
        plain.set(cacheKey, text);
      }
      return text;
    },
    exists(key, locale) {
      return instance.exists(key, { lng: locale ?? defaultLocale, fallbackLng: false });
    },
  };
}
