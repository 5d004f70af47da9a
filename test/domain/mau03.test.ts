import { describe, expect, it } from "vitest";
import { PROFILE_QUESTIONS } from "../../flows/profile.ts";
import { REPORT_QUESTIONS } from "../../flows/report.ts";
import {
  attachmentKind,
  buildMau03,
  MAU03_LAYOUT,
  type Mau03Field,
  type Mau03Form,
  mau03Fields,
} from "../../src/domain/mau03.ts";

const REPORTER = {
  fullName: "Nguyễn Văn An",
  title: "Chuyên viên",
  organisation: "Sở Khoa học và Công nghệ tỉnh Lai Châu",
  address: "Tầng 3, Khu hành chính tỉnh",
  phone: "0912345678",
  email: "an.nv@laichau.gov.vn",
  province: "Lai Châu",
};

const ANSWERS = {
  system: "Cổng thông tin điện tử tỉnh laichau.gov.vn",
  type: "malware",
  detectedAt: "2026-11-21T01:30:00.000Z",
  description: "Nhiều máy trạm báo nhiễm virus",
  status: "ongoing",
  detection: ["log_review", "user_report"],
  systemLevel: "3",
  canHandleAlone: "no",
  operator: "Sở KH&CN tỉnh Lai Châu",
  owner: "UBND tỉnh Lai Châu",
  notified: ["none"],
  confidential: "yes",
  reporter: REPORTER,
};

function form(
  answers: Record<string, unknown> = ANSWERS,
  files: Parameters<typeof buildMau03>[1]["files"] = [],
) {
  return buildMau03(
    [
      { namespace: "report", questions: REPORT_QUESTIONS, answers },
      {
        namespace: "profile",
        questions: PROFILE_QUESTIONS,
        answers: (answers.reporter ?? {}) as Record<string, unknown>,
      },
    ],
    { ticketId: "SC-2026-000007", reportedAt: "2026-11-21T03:00:00.000Z", severity: 3, files },
  );
}

const fieldsOf = (f: Mau03Form, code: string): Mau03Field[] => mau03Fields(f).filter((x) => x.code === code);
const only = (f: Mau03Form, code: string): Mau03Field => {
  const [field, ...rest] = fieldsOf(f, code);
  if (!field || rest.length > 0) throw new Error(`expected one field ${code}`);
  return field;
};
const checked = (field: Mau03Field) =>
  field.value.kind === "choices" ? field.value.options.filter((o) => o.checked).map((o) => o.id) : undefined;

describe("Mẫu 03 model", () => {
  it("has sections A–L in the form's order, each field code once in the layout", () => {
    expect(MAU03_LAYOUT.map((s) => s.code).join("")).toBe("ABCDEFGHIJKL");
    const codes = MAU03_LAYOUT.flatMap((s) => s.fields.map((f) => f.code));
    expect(new Set(codes).size).toBe(codes.length);
    expect(
      form()
        .sections.map((s) => s.code)
        .join(""),
    ).toBe("ABCDEFGHIJKL");
  });

  it("every field code a question names is on the form (a typo would silently drop an answer)", () => {
    const codes = new Set(MAU03_LAYOUT.flatMap((s) => s.fields.map((f) => f.code)));
    for (const q of [...REPORT_QUESTIONS, ...PROFILE_QUESTIONS])
      for (const code of q.fields) expect(codes.has(code), `${q.id} → ${code}`).toBe(true);
  });

  it("fills text fields from the questions that name them, the profile included", () => {
    const f = form();
    expect(only(f, "A1").value).toEqual({ kind: "text", text: REPORTER.organisation });
    expect(only(f, "A3").value).toEqual({ kind: "text", text: REPORTER.phone });
    expect(only(f, "B3").value).toEqual({ kind: "text", text: REPORTER.phone });
    expect(only(f, "B1").value).toEqual({ kind: "text", text: REPORTER.fullName });
    expect(only(f, "C1").value).toEqual({ kind: "text", text: ANSWERS.operator });
    expect(only(f, "C3").value).toEqual({ kind: "text", text: ANSWERS.system });
    expect(only(f, "A1").labelKey).toBe("mau03:field.A1");
    expect(only(f, "A1").required).toBe(true);
    expect(only(f, "B2").required).toBe(false);
  });

  it("splits the detection time into E1 (date) and E2 (time); K is the report time", () => {
    const f = form();
    expect(only(f, "E1").value).toEqual({ kind: "instant", at: ANSWERS.detectedAt, show: "date" });
    expect(only(f, "E2").value).toEqual({ kind: "instant", at: ANSWERS.detectedAt, show: "time" });
    expect(only(f, "K").value).toEqual({ kind: "instant", at: "2026-11-21T03:00:00.000Z", show: "dateTime" });
    expect(only(f, "L").value).toEqual({ kind: "signature" });
  });

  it("choice fields list every option with the answered ones ticked", () => {
    const f = form();
    expect(checked(only(f, "F"))).toEqual(["ongoing"]);
    expect(checked(only(f, "G"))).toEqual(["log_review", "user_report"]);
    expect(checked(only(f, "H"))).toEqual(["none"]);
    expect(checked(only(f, "I8"))).toEqual(["yes"]);
    expect(checked(only(f, "I2"))).toEqual([]); // unanswered: every box empty
    const g = only(f, "G").value;
    expect(g.kind === "choices" && g.options.length).toBe(8);
    expect(g.kind === "choices" && g.options[1]).toEqual({
      id: "log_review",
      labelKey: "report:choice.detection.log_review",
      checked: true,
    });
    const i8 = only(f, "I8").value;
    expect(i8.kind === "choices" && i8.options.map((o) => o.labelKey)).toEqual([
      "flow:choice.yes",
      "flow:choice.no",
    ]);
    expect(f.confidential).toBe(true);
    expect(form({ ...ANSWERS, confidential: "no" }).confidential).toBe(false);
  });

  it("a field two questions fill equally (D: type and description) gives a field for each", () => {
    const d = fieldsOf(form(), "D");
    expect(d.map((x) => x.labelKey)).toEqual(["mau03:part.type", "mau03:part.description"]);
    expect(checked(d[0] as Mau03Field)).toEqual(["malware"]);
    expect(d[1]?.value).toEqual({ kind: "text", text: ANSWERS.description });
  });

  it("I5 takes the domains answer over the system name, and the names in the system name when skipped", () => {
    expect(
      only(form({ ...ANSWERS, domains: ["laichau.gov.vn", "dichvucong.laichau.gov.vn"] }), "I5").value,
    ).toEqual({ kind: "list", items: ["laichau.gov.vn", "dichvucong.laichau.gov.vn"] });
    expect(only(form({ ...ANSWERS, domains: null }), "I5").value).toEqual({
      kind: "list",
      items: ["laichau.gov.vn"],
    });
    expect(only(form({ ...ANSWERS, system: "Phần mềm kế toán", domains: null }), "I5").value).toEqual({
      kind: "empty",
    });
  });

  it("I7 ticks the kinds of the attached files and names them", () => {
    const f = form(ANSWERS, [
      { kind: "photo" },
      { kind: "document", name: "access.log" },
      { kind: "document", name: "capture.pcapng" },
    ]);
    expect(checked(only(f, "I7"))).toEqual(["logs", "screenshots", "traffic"]);
    const v = only(f, "I7").value;
    expect(v.kind === "choices" && v.notes).toEqual(["photo", "access.log", "capture.pcapng"]);
    expect(attachmentKind({ kind: "document", name: "invoice.exe" })).toBe("malware");
    expect(attachmentKind({ kind: "document", name: "bao-cao.docx" })).toBe("other");
    expect(attachmentKind({ kind: "document", name: "x.bin", mimeType: "image/png" })).toBe("screenshots");
  });

  it("an unanswered field is empty, not missing", () => {
    const f = form({ reporter: {} });
    for (const code of ["A1", "B1", "C3", "D", "I1", "J"]) {
      for (const field of fieldsOf(f, code)) {
        const v = field.value;
        expect(v.kind === "empty" || (v.kind === "choices" && v.options.every((o) => !o.checked)), code).toBe(
          true,
        );
      }
    }
  });
});

describe("Mẫu 03 checkboxes", () => {
  it("F, G, H, I2, I3, I7 and I8 print as checkbox lists; C4, the type and J as the chosen text", () => {
    const f = form();
    const boxed = mau03Fields(f)
      .filter((x) => x.value.kind === "choices" && x.value.boxes)
      .map((x) => x.code);
    expect(boxed).toEqual(["F", "G", "H", "I2", "I3", "I7", "I8"]);
    const c4 = only(f, "C4").value;
    expect(c4.kind === "choices" && !c4.boxes && checked(only(f, "C4"))).toEqual(["3"]);
  });
});

describe("Mẫu 03 form fidelity (issue 14.2)", () => {
  it("the organisation's phone and e-mail (A3, A4) are their own answers, apart from the person's (B3, B4)", () => {
    const f = form({
      ...ANSWERS,
      reporter: { ...REPORTER, orgPhone: "024 1234 5678", orgEmail: "vanthu@laichau.gov.vn" },
    });
    expect(only(f, "A3").value).toEqual({ kind: "text", text: "024 1234 5678" });
    expect(only(f, "A4").value).toEqual({ kind: "text", text: "vanthu@laichau.gov.vn" });
    expect(only(f, "B3").value).toEqual({ kind: "text", text: REPORTER.phone });
    expect(only(f, "B4").value).toEqual({ kind: "text", text: REPORTER.email });
  });

  it("a profile saved before A3/A4 were asked still fills them from the person's phone and e-mail", () => {
    expect(only(form(), "A3").value).toEqual({ kind: "text", text: REPORTER.phone });
    expect(only(form(), "A4").value).toEqual({ kind: "text", text: REPORTER.email });
  });

  it("the free text of «other» in G and H is on the form next to the ticked boxes", () => {
    const f = form({
      ...ANSWERS,
      detection: ["ids", "other"],
      detectionOther: "Đối tác <CNTT> & nhà cung cấp báo",
      notified: ["dost", "other"],
      notifiedOther: "Ban Cơ yếu Chính phủ",
    });
    const g = fieldsOf(f, "G");
    expect(g.map((x) => x.labelKey)).toEqual(["mau03:part.detection", "mau03:part.detectionOther"]);
    expect(checked(g[0] as Mau03Field)).toEqual(["ids", "other"]);
    expect(g[1]?.value).toEqual({ kind: "text", text: "Đối tác <CNTT> & nhà cung cấp báo" });
    const h = fieldsOf(f, "H");
    expect(checked(h[0] as Mau03Field)).toEqual(["dost", "other"]);
    expect(h[1]?.value).toEqual({ kind: "text", text: "Ban Cơ yếu Chính phủ" });
  });

  it("H offers the provincial unit, VNCERT/CC, NCSC, the police and the system owner", () => {
    const h = only(form(), "H").value;
    expect(h.kind === "choices" && h.options.map((o) => o.id)).toEqual([
      "dost",
      "vncert",
      "ncsc",
      "police",
      "owner",
      "other",
      "none",
    ]);
  });
});
