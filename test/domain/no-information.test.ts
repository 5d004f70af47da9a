import { describe, expect, it } from "vitest";
import { validateText } from "../../src/domain/validators/index.ts";
import { createTranslator } from "../../src/i18n.ts";
import { createHarness } from "../engine/harness.ts";

const t = createTranslator("vi");

describe("answers that carry no information (issue 16.6)", () => {
  it.each(["😱😱🙏", "...", "!!!", "🙏", "?!", "—", "👍🏻 👍🏻", "«»", "&<>"])("«%s» is refused", (input) => {
    const r = validateText(input, { min: 2, max: 100, field: "fullName" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.key).toBe("validation:text.noInformation");
  });
  it.each(["An", "Sở KH&CN", "12", "Nguyễn Văn An 😱", "<b>An</b>"])("«%s» is kept", (input) => {
    expect(validateText(input, { min: 2, max: 100, field: "fullName" }).ok).toBe(true);
  });
  it("says why in both languages", () => {
    const r = validateText("😱😱🙏", { min: 2, max: 100, field: "fullName" });
    if (r.ok) throw new Error("accepted");
    expect(t.t("vi", r.error.key, r.error.params)).toContain("chưa có thông tin");
    expect(t.t("en", r.error.key, r.error.params)).toContain("no information");
  });
  it("the profile refuses an emoji-only name and keeps asking it (engine)", () => {
    const h = createHarness();
    h.command("hoso");
    const reply = h.text("😱😱🙏");
    const shown = reply.messages.map((m) => m.text).join("\n");
    expect(shown).toContain("chưa có thông tin");
    expect(shown).toContain("Họ và tên");
    const conv = h.store.conversation("telegram", "1001");
    const snapshot = conv?.stack.at(-1)?.snapshot as { context?: { answers: object } } | undefined;
    expect(snapshot?.context?.answers).toBeDefined();
    expect(snapshot?.context?.answers).not.toHaveProperty("fullName");
  });
});

describe("the «too short» example fits the question it is shown on (issue 16.8)", () => {
  it.each([
    ["fullName", "Nguyễn Văn An", "Nguyen Van An"],
    ["province", "Lai Châu", "Lai Chau"],
    ["description", "Trang chủ", "home page"],
  ])("%s", (field, vi, en) => {
    const r = validateText("x", { min: 10, max: 100, field });
    if (r.ok) throw new Error("accepted");
    expect(t.t("vi", r.error.key, r.error.params)).toContain(vi);
    expect(t.t("en", r.error.key, r.error.params)).toContain(en);
  });
  it("a question without its own example gets the general message", () => {
    const r = validateText("x", { min: 10, max: 100, field: "purpose" });
    if (r.ok) throw new Error("accepted");
    expect(t.t("vi", r.error.key, r.error.params)).toContain("Nội dung quá ngắn");
  });
});
