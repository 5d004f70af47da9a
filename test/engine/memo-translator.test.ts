import { describe, expect, it } from "vitest";
import { memoizeNumericLookups } from "../../src/conversation/memo-translator.ts";
import { createTranslator, type Params, type Translator } from "../../src/i18n.ts";

function counting(inner: Translator) {
  const calls: Array<Params | undefined> = [];
  const t: Translator = {
    defaultLocale: inner.defaultLocale,
    exists: (key, locale) => inner.exists(key, locale),
    text: (locale, key, params) => inner.text(locale, key, params),
    t(locale, key, params) {
      calls.push(params);
      return inner.t(locale, key, params);
    },
  };
  return { t, calls };
}

describe("memoized numeric lookups", () => {
  const real = createTranslator("vi");

  it("renders the same text as the translator, asking it once per locale, key and numbers", () => {
    const { t, calls } = counting(real);
    const memo = memoizeNumericLookups(t);
    const first = memo.t("vi", "flow:progress", { n: 3, of: 31 });
    expect(first).toBe(real.t("vi", "flow:progress", { n: 3, of: 31 }));
    expect(memo.t("vi", "flow:progress", { n: 3, of: 31 })).toBe(first);
    expect(memo.t("en", "flow:progress", { n: 3, of: 31 })).toBe(
      real.t("en", "flow:progress", { n: 3, of: 31 }),
    );
    expect(memo.t("vi", "flow:progress", { n: 4, of: 31 })).toBe(
      real.t("vi", "flow:progress", { n: 4, of: 31 }),
    );
    expect(calls).toHaveLength(3);
  });

  it("passes text parameters through every time, escaped as before", () => {
    const { t, calls } = counting(real);
    const memo = memoizeNumericLookups(t);
    const params = { value: "<b>x</b>" };
    expect(memo.t("vi", "flow:nav.prefill", params)).toBe(real.t("vi", "flow:nav.prefill", params));
    expect(memo.t("vi", "flow:nav.prefill", params)).not.toContain("<b>x");
    memo.t("vi", "flow:nav.prefill", params);
    expect(calls).toHaveLength(3);
  });
});
