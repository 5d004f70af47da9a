import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document, Packer, Paragraph } from "docx";
import PDFDocument from "pdfkit";
import PizZip from "pizzip";
import { afterAll, describe, expect, it } from "vitest";
import { renderDocx, TemplateError } from "../../src/delivery/documents/docx.ts";
import { incidentForm } from "../../src/delivery/documents/form.ts";
import { renderPdf } from "../../src/delivery/documents/pdf.ts";
import { type FormView, formView } from "../../src/delivery/documents/view.ts";
import { mau03Fields } from "../../src/domain/mau03.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { RenderContext } from "../../src/present/incident.ts";
import type { IncidentRow } from "../../src/store/store.ts";
import { FULL_WALK, fileFullTicket as fileTicket } from "../fixtures/report-walk-full.ts";

const rc = (locale: "vi" | "en" = "vi"): RenderContext => ({
  t: createTranslator("vi"),
  locale,
  timeZone: "Asia/Ho_Chi_Minh",
});

const viewOf = (incident: IncidentRow, locale: "vi" | "en" = "vi") =>
  formView(incidentForm(incident), rc(locale), { merge: true });

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The text of word/document.xml, one line per paragraph (runs joined), as Word would show it. */
function docxText(docx: Buffer): string {
  const xml = new PizZip(docx).file("word/document.xml")?.asText() ?? "";
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) =>
      [...p[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)]
        .map((m) => (m[1] === undefined ? "\n" : unescapeXml(m[1])))
        .join(""),
    )
    .join("\n");
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** What every answered field must show: its label and text, or its boxes with the ticked ones ticked. */
function expectedLines(view: FormView, box: (checked: boolean) => string): string[] {
  return view.sections.flatMap((s) =>
    s.fields
      .filter((f) => !f.signature && !f.empty)
      .flatMap((f) => [
        f.label,
        ...(f.choices ? f.choices.map((c) => `${box(c.checked)} ${c.label}`) : [f.text]),
        ...f.notes,
      ]),
  );
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "mau03-"));
  dirs.push(dir);
  return dir;
};

describe("Mẫu 03 as a Word document", () => {
  const incident = fileTicket();
  const view = viewOf(incident);

  it("the walk fills every field of the form but the signature", () => {
    const blank = mau03Fields(incidentForm(incident)).filter((f) => {
      const v = f.value;
      return v.kind === "empty" || (v.kind === "choices" && v.options.every((o) => !o.checked));
    });
    expect(blank.map((f) => f.code)).toEqual([]);
  });

  it("holds the national heading, the title, the ticket id, the report time (K) and every answered field", () => {
    const text = docxText(renderDocx(view));
    for (const line of [
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG",
      `Mã phiếu: ${incident.ticketId}`,
      "Thời gian báo cáo: 21/11/2026 10:00",
      "CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT",
      "Lai Châu, ngày 21 tháng 11 năm 2026", // place and date above the signature
      "(Ký tên, đóng dấu)",
      ...view.sections.filter((s) => s.code !== "L").map((s) => s.title),
      ...expectedLines(view, (checked) => (checked ? "☒" : "☐")),
    ]) {
      expect(text, line).toContain(line);
    }
    // Spot checks against what the reporter typed, so a wrong view cannot pass for a right one.
    for (const typed of [
      "Nguyễn Văn An",
      "Sở KH&CN tỉnh Lai Châu",
      "203.113.130.10",
      "laichau.gov.vn, dichvucong.laichau.gov.vn",
      "☒ Đang diễn ra",
      "☐ Đã khắc phục",
      "☒ Kiểm tra nhật ký hệ thống",
      "☒ Nhật ký hệ thống (log)",
      "access.log",
      "☒ Có",
    ]) {
      expect(text).toContain(typed);
    }
    expect(text).not.toContain("undefined");
    expect(text).not.toMatch(/\{[#/^]?\w+\}/); // no tag left unfilled
  });

  it("is set in Times New Roman on A4", () => {
    const zip = new PizZip(renderDocx(view));
    expect(zip.file("word/styles.xml")?.asText()).toContain('w:ascii="Times New Roman"');
    expect(zip.file("word/document.xml")?.asText()).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
  });

  it("an admin's template in TEMPLATE_DIR replaces the shipped one, field by field", async () => {
    const dir = tempDir();
    const own = new Document({
      sections: [
        {
          children: [
            new Paragraph("PHIẾU CỦA SỞ – {ticketId}"),
            new Paragraph("{A1_label}: {A1}"),
            new Paragraph("{#F_choices}{box} {label}; {/F_choices}"),
            new Paragraph("{D}"),
            new Paragraph("[{noSuchTag}]"),
          ],
        },
      ],
    });
    writeFileSync(join(dir, "mau03.docx"), await Packer.toBuffer(own));
    const text = docxText(renderDocx(view, { templateDir: dir }));
    expect(text).toContain(`PHIẾU CỦA SỞ – ${incident.ticketId}`);
    expect(text).toContain("Tên tổ chức/cá nhân báo cáo sự cố (*): Sở Khoa học và Công nghệ tỉnh Lai Châu");
    expect(text).toContain("☒ Đang diễn ra; ☐ Đã ngăn chặn, đang xử lý; ☐ Đã khắc phục;");
    expect(text).toContain("Loại sự cố (theo người báo cáo): Nhiễm mã độc (virus, trojan, botnet)");
    expect(text).toContain("[]"); // a tag the form does not know prints nothing
    expect(text).not.toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"); // not the shipped template
  });

  it("a TEMPLATE_DIR without this form keeps the shipped template", () => {
    const text = docxText(renderDocx(view, { templateDir: tempDir() }));
    expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  });

  it("a broken template is refused with the file and the fault named", async () => {
    const dir = tempDir();
    const broken = new Document({ sections: [{ children: [new Paragraph("{#F_choices}{box}")] }] });
    writeFileSync(join(dir, "mau03.docx"), await Packer.toBuffer(broken));
    let error: unknown;
    try {
      renderDocx(view, { templateDir: dir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toContain(join(dir, "mau03.docx"));
    expect((error as TemplateError).details.join(" ")).toContain("F_choices");
  });

  it("renders in English for an English reader", () => {
    const text = docxText(renderDocx(viewOf(incident, "en")));
    expect(text).toContain("SOCIALIST REPUBLIC OF VIETNAM");
    expect(text).toContain("INITIAL INCIDENT REPORT");
    expect(text).toContain("☒ Ongoing");
  });
});

// ── PDF: text through pdftotext, the page through pdftoppm (poppler-utils) ─────────────────────────────

function pdfText(pdf: Buffer): string {
  return execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], { input: pdf }).toString("utf8");
}

/** Dark pixels of the first page rendered in grey (PGM, "P5"): a blank page has none. */
function darkPixels(pdf: Buffer): { dark: number; total: number } {
  const dir = tempDir();
  const file = join(dir, "page.pdf");
  writeFileSync(file, pdf);
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
  if (!header) throw new Error("not a PGM image");
  const [, width, height] = header.map(Number) as [number, number, number];
  const pixels = pgm.subarray(pgm.length - width * height);
  let dark = 0;
  for (const value of pixels) if (value < 200) dark++;
  return { dark, total: width * height };
}

function blankPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4" });
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.end();
  });
}

describe("Mẫu 03 as a PDF", () => {
  const incident = fileTicket();
  const view = viewOf(incident);

  it("its extracted text holds every answered field, Vietnamese diacritics intact", async () => {
    const text = squash(pdfText(renderPdf(view)));
    for (const line of [
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG",
      `Mã phiếu: ${incident.ticketId}`,
      "Thời gian báo cáo: 21/11/2026 10:00",
      "CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT",
      "Lai Châu, ngày 21 tháng 11 năm 2026", // place and date above the signature
      ...view.sections.filter((s) => s.code !== "L").map((s) => s.title),
      // A ticked box holds an X; an empty one extracts as nothing.
      ...expectedLines(view, (checked) => (checked ? "X" : "")).map(squash),
      "Nguyễn Văn An",
      "Người báo cáo đề nghị giữ bí mật",
    ]) {
      expect(text, line).toContain(squash(line));
    }
  });

  it("embeds its font (Tinos), so it reads the same on any machine", async () => {
    const fonts = execFileSync("pdffonts", ["-"], { input: renderPdf(view) }).toString("utf8");
    expect(fonts).toMatch(/Tinos\s.*\byes\s+yes\s+yes\b/);
  });

  it("its first page, rendered, is not blank (and a blank page would be caught)", async () => {
    const page = darkPixels(renderPdf(view));
    expect(page.dark / page.total).toBeGreaterThan(0.01);
    expect(darkPixels(await blankPdf()).dark).toBe(0);
  });

  it("a long description flows onto further pages instead of being cut", async () => {
    const long = `${"Máy chủ bị mã hóa dữ liệu, ghi nhận nhiều kết nối lạ từ nước ngoài. ".repeat(55)}HẾT MÔ TẢ`;
    const walk = FULL_WALK.map((line, i) => (i === 4 ? long : line));
    const pdf = renderPdf(viewOf(fileTicket(walk)));
    const text = squash(pdfText(pdf));
    expect(text).toContain("HẾT MÔ TẢ");
    expect(text).toContain("CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT");
  });
});

describe("Mẫu 03 fidelity in the documents (issue 14.2)", () => {
  it("the organisation's phone and e-mail, and the free text of «other» in G and H, are in the DOCX and the PDF", () => {
    const walk = [...FULL_WALK];
    walk[6] = "2,8"; // detection: log review + other
    walk.splice(7, 0, "Đối tác <CNTT> & nhà cung cấp dịch vụ báo"); // what the other was
    const notified = walk.indexOf(
      FULL_WALK[FULL_WALK.indexOf("xong") + 1] ?? "",
      FULL_WALK.indexOf("xong") + 1,
    );
    walk[notified] = "1,6"; // notified: provincial unit + other
    walk.splice(notified + 1, 0, "Ban Cơ yếu Chính phủ");
    const org = walk.indexOf("024 1234 5678");
    walk[org] = "024 3999 0000";
    walk[org + 1] = "vanthu@laichau.gov.vn";
    const view = viewOf(fileTicket(walk));
    for (const text of [squash(docxText(renderDocx(view))), squash(pdfText(renderPdf(view)))]) {
      expect(text).toContain("024 3999 0000");
      expect(text).toContain("vanthu@laichau.gov.vn");
      expect(text).toContain("0912 345 678");
      expect(text).toContain("Đối tác <CNTT> & nhà cung cấp dịch vụ báo");
      expect(text).toContain("Ban Cơ yếu Chính phủ");
    }
  });
});
