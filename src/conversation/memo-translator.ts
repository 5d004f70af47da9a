import type { Locale, Params, Translator } from "../i18n.ts";

/** Enough for every progress line and count of both locales; past it the cache starts over. */
const MAX_ENTRIES = 4096;

/**
 * A translator that keeps the text of lookups whose parameters are all numbers ("question 7 of 31"). Those
 * are asked on nearly every update, and each i18next interpolation costs tens of microseconds, as much as
 * the rest of rendering a question. Resources never change while the process runs, so the text for the
 * same locale, key and numbers is always the same. Lookups with text parameters go straight through: they
 * carry what a person typed, which rarely repeats and must not pile up in memory.
 */
export function memoizeNumericLookups(inner: Translator): Translator {
  const cache = new Map<string, string>();
  const numericKey = (locale: Locale, key: string, params: Params): string | undefined => {
    let cacheKey = `${locale}\u0000${key}`;
    for (const name in params) {
      const value = params[name];
      if (typeof value !== "number") return undefined;
      cacheKey += `\u0000${name}=${value}`;
    }
    return cacheKey;
  };
  return {
    defaultLocale: inner.defaultLocale,
    exists: (key, locale) => inner.exists(key, locale),
    text: (locale, key, params) => inner.text(locale, key, params),
    t(locale, key, params) {
      if (!params) return inner.t(locale, key);
      const cacheKey = numericKey(locale, key, params);
      if (cacheKey === undefined) return inner.t(locale, key, params);
      let text = cache.get(cacheKey);
      if (text === undefined) {
        text = inner.t(locale, key, params);
        if (cache.size >= MAX_ENTRIES) cache.clear();
        cache.set(cacheKey, text);
      }
      return text;
    },
  };
}
