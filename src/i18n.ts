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

/**
 * The language to answer a person in: the one they chose (stored), else the one their client reports (e.g.
 * Telegram's language_code, "en-GB" counting as "en"), else the deployment's default.
 */
export function resolveLocale(
  chosen: string | null | undefined,
  clientLanguage: string | undefined,
  fallback: Locale,
): Locale {
  if (isLocale(chosen)) return chosen;
  const code = clientLanguage?.slice(0, 2).toLowerCase();
  return isLocale(code) ? code : fallback;
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

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"' };

/** Decodes the entities the resources and escapeHtml write (&amp; &lt; &gt; &quot; and numeric ones). */
function decodeEntities(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#\d+);/g, (whole, name: string) =>
    name.startsWith("#") ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name] ?? whole),
  );
}

/**
 * Plain text from a translator's HTML rendering: text parameters go through as inert private-use markers and
 * are put back verbatim after the resource's own entities are decoded, so neither is touched twice; numbers
 * pass as they are, so plural and number formatting still work.
 */
function plainText(render: Translator["t"], locale: Locale, key: string, params?: Params): string {
  if (!params) return decodeEntities(render(locale, key));
  const raw: string[] = [];
  const marked: Params = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string") {
      marked[name] = `\uE000${raw.length}\uE001`;
      raw.push(value);
    } else {
      marked[name] = value;
    }
  }
  return decodeEntities(render(locale, key, marked)).replace(
    /\uE000(\d+)\uE001/g,
    (_, i: string) => raw[Number(i)] ?? "",
  );
}

/** Renders keys in a given language: `t` for HTML (chat messages, an e-mail's HTML), `text` for plain text. */
export interface Translator {
  /** The text as HTML: parameters escaped, the resource's own markup kept. */
  t(locale: Locale, key: string, params?: Params): string;
  /**
   * The text as plain text (the shell, an e-mail's text part, a subject line): parameters as given and the
   * resource's entities decoded, so nobody unescapes by hand. Keys read this way carry no tags.
   */
  text(locale: Locale, key: string, params?: Params): string;
  exists(key: string, locale?: Locale): boolean;
  readonly defaultLocale: Locale;
}

/** The i18next instance behind the translator, initialized synchronously. */
export function createI18next(defaultLocale: Locale, resources: Resources): I18nInstance {
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
  return instance;
}

/** Builds the translator from the locale files; Vietnamese is the fallback for any missing English key. */
export function createTranslator(
  defaultLocale: Locale = "vi",
  resources: Resources = loadResources(),
): Translator {
  const instance = createI18next(defaultLocale, resources);
  const fixed = LOCALES.map((lng) => [lng, instance.getFixedT(lng)] as const);
  const byLocale = new Map(fixed);
  // Most lookups (labels, prompts) have no parameters and are asked on every update: keep their text.
  const plain = new Map<string, string>();
  const templates = new Map<string, Template | null>();
  const templateOf = (locale: Locale, key: string, context?: string): Template | null => {
    const cacheKey = `${locale}\u0000${key}\u0000${context ?? ""}`;
    let template = templates.get(cacheKey);
    if (template === undefined) {
      template = compileTemplate(rawResource(instance, locale, key, context));
      templates.set(cacheKey, template);
    }
    return template;
  };
  const translator: Translator = {
    defaultLocale,
    text: (locale, key, params) => plainText(translator.t, locale, key, params),
    t(locale, key, params) {
      const t = byLocale.get(locale) ?? instance.t;
      if (params) {
        // A text context ("routed") picks the key's variant as i18next would; other options stay with i18next.
        const context = typeof params.context === "string" ? params.context : undefined;
        const template = templateOf(locale, key, context);
        const text = template && fillTemplate(template, params, context !== undefined);
        return text ?? (t(key, params) as string);
      }
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
  return translator;
}

/**
 * A resource string cut at its `{{name}}` and `{{- name}}` placeholders: literal text at even indices, then
 * [name, escaped] pairs. Filling it gives exactly what i18next's interpolation gives for plain parameters
 * (test/i18n.test.ts compares the two on every key), in a fraction of the time: i18next resolves the key,
 * its fallbacks and plural and context forms and runs its regular expressions on every call.
 */
type Template = Array<string | [name: string, escaped: boolean]>;

const PLACEHOLDER = /\{\{(-?)\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Parameters that i18next reads as options (plural and context forms, another language): left to it. */
const OPTION_PARAMS = new Set([
  "count",
  "context",
  "ordinal",
  "lng",
  "lngs",
  "ns",
  "defaultValue",
  "replace",
  "interpolation",
  "returnObjects",
  "joinArrays",
  "postProcess",
  "keyPrefix",
  "fallbackLng",
]);

/**
 * The resource string a key names in a locale, with i18next's fallback to Vietnamese; undefined if none. With a
 * context, i18next's order: the context's variant ("key_routed") then the key itself, in the locale, and only
 * then the same two in Vietnamese.
 */
function rawResource(instance: I18nInstance, locale: Locale, key: string, context?: string): unknown {
  const colon = key.indexOf(":");
  const ns = colon < 0 ? "common" : key.slice(0, colon);
  const path = colon < 0 ? key : key.slice(colon + 1);
  const paths = context ? [`${path}_${context}`, path] : [path];
  for (const lng of locale === "vi" ? ["vi"] : [locale, "vi"]) {
    for (const candidate of paths) {
      const found = instance.getResource(lng, ns, candidate);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Null when i18next must do it (not a string, nesting, formatting or any other placeholder syntax). */
function compileTemplate(raw: unknown): Template | null {
  if (typeof raw !== "string" || raw.includes("$t(")) return null;
  const template: Template = [];
  let last = 0;
  for (const match of raw.matchAll(PLACEHOLDER)) {
    template.push(raw.slice(last, match.index), [match[2] ?? "", match[1] !== "-"]);
    last = match.index + match[0].length;
  }
  const tail = raw.slice(last);
  if (tail.includes("{{") || template.some((part) => typeof part === "string" && part.includes("{{"))) {
    return null;
  }
  template.push(tail);
  return template;
}

/** The template filled with the parameters, or undefined when a parameter is missing or is an option. */
function fillTemplate(template: Template, params: Params, contextResolved = false): string | undefined {
  for (const name in params) {
    if (OPTION_PARAMS.has(name) && !(contextResolved && name === "context")) return undefined;
  }
  let out = "";
  for (const part of template) {
    if (typeof part === "string") {
      out += part;
      continue;
    }
    const value = params[part[0]];
    if (value === undefined) return undefined;
    out += part[1] ? escapeHtml(String(value)) : String(value);
  }
  return out;
}
