import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PizZip from "pizzip";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATE_DIR } from "../../src/delivery/documents/docx.ts";
import {
  FINAL_REPORT_TEMPLATE,
  type FinalReportAnswers,
  finalReportView,
  renderFinalReport,
} from "../../src/delivery/documents/final-report.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { RenderContext } from "../../src/present/incident.ts";
import { fileFullTicket } from "../fixtures/report-walk-full.ts";

const rc = (locale: "vi" | "en" = "vi"): RenderContext => ({
  t: createTranslator("vi"),
  locale,
  timeZone: "Asia/Ho_Chi_Minh",
});

const ANSWERS: FinalReportAnswers = {
  whatHappened: "Mã độc lây qua tệp đính kèm thư điện tử, mã hóa 3 máy trạm của phòng Hành chính",
  howResolved: "Cách ly máy nhiễm, khôi phục từ bản sao lưu ngày 20/11, đổi mật khẩu toàn bộ tài khoản",
  prevention:
    "Lọc tệp đính kèm tại cổng thư, sao lưu hằng ngày ra ngoài mạng, tập huấn nhận diện thư giả mạo",
  documents: ["nhat-ky-tuong-lua.log", "phuong-an-ung-cuu.pdf"],
};
const FILED_AT = "2026-11-27T08:15:00.000Z";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "final-report-"));
  dirs.push(dir);
  return dir;
};

/** The text of word/document.xml, one line per paragraph, entities decoded. */
function docxText(docx: Buffer): string {
  const xml = new PizZip(docx).file("word/document.xml")?.asText() ?? "";
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) =>
      [...p[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)]
        .map((m) => (m[1] === undefined ? "\n" : m[1]))
        .join("")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, "&"),
    )
    .join("\n");
}
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

describe("the final report as documents", () => {
  const incident = fileFullTicket();
  const view = finalReportView(incident, ANSWERS, FILED_AT, rc());
  const expected = [
    view.title,
    incident.ticketId,
    ANSWERS.whatHappened,
    ANSWERS.howResolved,
    ANSWERS.prevention,
    ...ANSWERS.documents,
    ...view.sections.flatMap((s) => [s.title, ...s.fields.map((f) => f.label)]),
  ];

  it("the view carries the initial report's reference and date, the organisation and the incident from it", () => {
    const reference = view.sections.find((s) => s.code === "2")?.fields ?? [];
    expect(reference.map((f) => f.text)).toEqual([
      incident.ticketId,
      expect.stringMatching(/^\d\d\/\d\d\/\d{4} /),
    ]);
    const reporter = view.sections.find((s) => s.code === "1")?.fields ?? [];
    expect(reporter.every((f) => !f.empty)).toBe(true);
    expect(view.sections.find((s) => s.code === "4")?.fields[0]?.empty).toBe(false);
  });

  it("the DOCX opened back holds every field, from the shipped template", () => {
    const text = squash(docxText(renderFinalReport(incident, ANSWERS, FILED_AT, "docx", rc())));
    for (const line of expected) expect(text, line).toContain(squash(line));
    expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(text).not.toMatch(/\{[#/]?[a-zA-Z]/); // no tag left unfilled
  });

  it("an admin's replacement template in TEMPLATE_DIR is used", () => {
    const dir = tempDir();
    const zip = new PizZip(readFileSync(join(DEFAULT_TEMPLATE_DIR, FINAL_REPORT_TEMPLATE)));
    const xml = zip.file("word/document.xml")?.asText() ?? "";
    zip.file("word/document.xml", xml.replace("{title}", "MẪU CỦA TỈNH: {title} / {5.1}"));
    writeFileSync(join(dir, FINAL_REPORT_TEMPLATE), zip.generate({ type: "nodebuffer" }));
    const text = docxText(renderFinalReport(incident, ANSWERS, FILED_AT, "docx", rc(), { templateDir: dir }));
    expect(text).toContain(`MẪU CỦA TỈNH: ${view.title} / ${ANSWERS.whatHappened}`);
  });

  it("the PDF's text (pdftotext) holds every field", () => {
    const pdf = renderFinalReport(incident, ANSWERS, FILED_AT, "pdf", rc());
    const text = squash(
      execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], { input: pdf }).toString("utf8"),
    );
    for (const line of expected) expect(text, line).toContain(squash(line));
  });

  it("the PDF's first page rendered by pdftoppm is not blank", () => {
    const dir = tempDir();
    const file = join(dir, "final.pdf");
    writeFileSync(file, renderFinalReport(incident, ANSWERS, FILED_AT, "pdf", rc()));
    execFileSync("pdftoppm", [
      "-gray",
      "-r",
      "50",
      "-f",
      "1",
      "-l",
      "1",
      "-singlefile",
      file,
      join(dir, "page"),
    ]);
    const pgm = readFileSync(join(dir, "page.pgm"));
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 50).toString("latin1"));
    const [, width = 0, height = 0] = (header ?? []).map(Number);
    const pixels = pgm.subarray(pgm.length - width * height);
    let dark = 0;
    for (const value of pixels) if (value < 200) dark++;
    expect(width * height).toBeGreaterThan(100_000 / 4);
    // Text covers a few percent of a full page; a blank page has no dark pixel at all.
    expect(dark / (width * height)).toBeGreaterThan(0.01);
  });

  it("in English the labels are English and the answers as typed", () => {
    const en = finalReportView(incident, ANSWERS, FILED_AT, rc("en"));
    expect(en.title).toBe("FINAL INCIDENT-RESPONSE REPORT");
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], {
      input: renderFinalReport(incident, ANSWERS, FILED_AT, "pdf", rc("en")),
    }).toString("utf8");
    expect(squash(text)).toContain("RESULT OF HANDLING THE INCIDENT");
  });
});
