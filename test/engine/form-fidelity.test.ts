import { describe, expect, it } from "vitest";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { createHarness, type Harness } from "./harness.ts";

const textOf = (reply: { messages: { text: string }[] }) => reply.messages.map((m) => m.text).join("\n");
const BAD = ["", "x".repeat(5000), "😱😱🙏", "&<>", "abc@"];

/** Plays the standard walk until the question with this token is on screen. */
function walkTo(h: Harness, token: string, walk: readonly string[] = REPORT_WALK) {
  h.command("baocao");
  let reply = h.text(walk[0] ?? "");
  for (const line of walk.slice(1)) {
    if (h.lastQuestion(reply.messages)?.token === token) return reply;
    reply = h.text(line);
  }
  if (h.lastQuestion(reply.messages)?.token !== token) throw new Error(`never reached ${token}`);
  return reply;
}

const profileOf = (h: Harness) => h.store.profile("telegram", "1001") as Record<string, unknown> | undefined;

describe("Mẫu 03 form fidelity in the conversation (issue 14.2)", () => {
  it("a Defence-owned system is sent to its own channel at the third answer (rule R8)", () => {
    const h = createHarness();
    h.command("baocao");
    h.text("Cổng thông tin điện tử của Bộ chỉ huy quân sự tỉnh");
    h.text("2");
    const reply = h.text("2"); // Ministry of Defence
    expect(h.lastQuestion(reply.messages)?.token).toBe("r.outOfScope");
  });

  it("the organisation's phone and e-mail are asked apart, the person's offered as the default", () => {
    const h = createHarness();
    const atPhone = walkTo(h, "p.orgPhone");
    const shown = h.lastQuestion(atPhone.messages);
    expect(shown?.choices?.[0]).toEqual({ value: "prefill", label: expect.stringContaining("0912 345 678") });
    for (const bad of BAD) {
      const refused = h.text(bad);
      expect(textOf(refused), JSON.stringify(bad.slice(0, 10))).toContain("⚠️");
      expect(h.lastQuestion(refused.messages)?.token).toBe("p.orgPhone");
    }
    h.text("024 1234 5678");
    const atEmail = h.lastQuestion(h.text("?").messages);
    expect(atEmail?.token).toBe("p.orgEmail");
    for (const bad of BAD) expect(textOf(h.text(bad))).toContain("⚠️");
    h.text("vanthu@laichau.gov.vn");
    h.text("Lai Châu");
    h.text("1"); // save
    expect(profileOf(h)).toMatchObject({
      phone: "0912 345 678",
      email: "an.nv@laichau.gov.vn",
      orgPhone: "024 1234 5678",
      orgEmail: "vanthu@laichau.gov.vn",
    });
  });

  it("«other» in G asks what it was, and the text is kept with the answer", () => {
    const h = createHarness();
    const walk = REPORT_WALK.map((line, i) => (i === 6 ? "2,8" : line)); // detection: log review + other
    walkTo(h, "r.systemLevel", [...walk.slice(0, 7), "Đối tác <CNTT> & nhà cung cấp báo", ...walk.slice(7)]);
    expect(h.draft()?.answers).toMatchObject({
      detection: ["log_review", "other"],
      detectionOther: "Đối tác <CNTT> & nhà cung cấp báo",
    });
  });

  it("«Đơn vị khác» in H asks which, refusing empty or emoji-only answers", () => {
    const h = createHarness();
    const walk = REPORT_WALK.map((line, i) => (i === 20 ? "1,6" : line)); // notified: provincial unit + other
    const reply = walkTo(h, "r.notifiedOther", walk);
    expect(textOf(reply)).toContain("Đơn vị khác");
    for (const bad of ["", "😱😱🙏", "..."]) expect(textOf(h.text(bad))).toContain("⚠️");
    h.text("Ban Cơ yếu Chính phủ");
    expect(h.draft()?.answers).toMatchObject({
      notified: ["dost", "other"],
      notifiedOther: "Ban Cơ yếu Chính phủ",
    });
  });

  it("I8 defaults to «yes»: skipping the question keeps the report confidential", () => {
    const h = createHarness();
    walkTo(h, "r.confidential");
    h.text("bỏ qua");
    expect(h.draft()?.answers.confidential).toBe("yes");
  });
});
