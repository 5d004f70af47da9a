import { describe, expect, it } from "vitest";
import { parseAnswer } from "../../flows/answers.ts";
import { REPORT_QUESTIONS } from "../../flows/report.ts";
import { createTranslator } from "../../src/i18n.ts";

const question = (id: string) => {
  const q = REPORT_QUESTIONS.find((x) => x.id === id);
  if (!q) throw new Error(`no question ${id}`);
  return q;
};
const text = (t: string) => ({ type: "TEXT" as const, text: t, at: "2026-11-28T08:00:00.000Z" });

describe("the yes/no hint offers only the answers the question accepts", () => {
  const translator = createTranslator("vi");

  it("a question that refuses «không rõ» does not suggest it, for «không rõ» or for an unreadable answer", () => {
    const q = question("serviceDisrupted");
    expect(q.input).toMatchObject({ kind: "yesno", allowUnknown: false });
    for (const input of ["không rõ", "có lẽ vậy"]) {
      const r = parseAnswer(q, text(input), []);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.key).toBe("validation:choice.yesNoOnly");
      for (const lng of ["vi", "en"] as const) {
        const message = translator.t(lng, r.error.key, r.error.params);
        expect(message, lng).not.toMatch(/không rõ|unknown/);
      }
    }
  });

  it("a question that accepts «không rõ» still suggests it", () => {
    const q = question("privilegedAccount");
    expect(q.input).toMatchObject({ kind: "yesno", allowUnknown: true });
    const r = parseAnswer(q, text("có lẽ vậy"), []);
    expect(r.ok ? "" : r.error.key).toBe("validation:choice.yesNo");
    expect(parseAnswer(q, text("không rõ"), [])).toEqual({ ok: true, value: "unknown" });
  });
});

describe("an empty attachment list reads «Không có»", () => {
  it("in both languages, and counts files otherwise", () => {
    const translator = createTranslator("vi");
    expect(translator.t("vi", "flow:answer.files", { count: 0 })).toBe("Không có");
    expect(translator.t("en", "flow:answer.files", { count: 0 })).toBe("None");
    expect(translator.t("vi", "flow:answer.files", { count: 2 })).toBe("Đã đính kèm 2 tệp");
  });
});
