import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";
import type { FieldView, FormView } from "./view.ts";

/**
 * The form as a PDF, drawn from the same view as the Word document, with an embedded font so the Vietnamese
 * text shows and extracts the same on any machine. The font is Tinos (assets/fonts, SIL OFL 1.1): metric-
 * compatible with Times New Roman, the font of Vietnamese administrative documents, so the PDF lays out like
 * the DOCX opened in Word; and it covers every Vietnamese letter. It has no ☐/☒, so boxes are drawn.
 */

/** The shipped fonts: beside src/ when run from source, two levels further up from dist/src/. */
export const FONT_DIR =
  [new URL("../../../assets/fonts/", import.meta.url), new URL("../../../../assets/fonts/", import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(join(dir, "Tinos-Regular.ttf"))) ??
  fileURLToPath(new URL("../../../assets/fonts/", import.meta.url));

const MM = 72 / 25.4;
// Decree 30/2020 page: A4, margins top and bottom 20 mm, left 30 mm, right 15 mm.
const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const SIZE = 12;
const BOX = 9;
const INDENT = 16;

type Doc = PDFKit.PDFDocument;

function fonts(doc: Doc): void {
  doc.registerFont("regular", join(FONT_DIR, "Tinos-Regular.ttf"));
  doc.registerFont("bold", join(FONT_DIR, "Tinos-Bold.ttf"));
  doc.registerFont("italic", join(FONT_DIR, "Tinos-Italic.ttf"));
}

/** Starts a new page when fewer than `height` points are left on this one. */
function room(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGINS.bottom) doc.addPage();
}

/** The issuer and the ticket on the left, the national heading on the right, as on every official letter. */
function heading(doc: Doc, view: FormView): void {
  const width = doc.page.width - MARGINS.left - MARGINS.right;
  const left = width * 0.42;
  const right = width - left;
  const top = doc.y;
  doc
    .font("bold")
    .fontSize(SIZE)
    .text(view.organisation, MARGINS.left, top, { width: left, align: "center" });
  doc.font("regular").text(`${view.ticketLabel}: ${view.ticketId}`, { width: left, align: "center" });
  const leftEnd = doc.y;
  const x = MARGINS.left + left;
  doc.font("bold").text(view.nation, x, top, { width: right, align: "center" });
  doc.text(view.motto, x, doc.y, { width: right, align: "center" });
  // The short rule under the motto.
  const mottoWidth = doc.widthOfString(view.motto);
  const ruleY = doc.y + 1;
  doc
    .moveTo(x + (right - mottoWidth) / 2, ruleY)
    .lineTo(x + (right + mottoWidth) / 2, ruleY)
    .lineWidth(0.6)
    .stroke();
  doc.font("italic").text(view.dateLine, x, ruleY + 6, { width: right, align: "center" });
  doc.x = MARGINS.left;
  doc.y = Math.max(leftEnd, doc.y) + 18;
}

function title(doc: Doc, view: FormView): void {
  const opts = { align: "center" as const, width: doc.page.width - MARGINS.left - MARGINS.right };
  doc.font("bold").fontSize(14).text(view.title, MARGINS.left, doc.y, opts);
  doc.font("italic").fontSize(SIZE).text(view.subtitle, opts);
  doc.fontSize(11).text(view.requiredNote, opts);
  doc.moveDown(0.5);
  // One run: pdfkit cannot centre a line made of several continued runs.
  doc
    .font("regular")
    .fontSize(SIZE)
    .text(`${view.ticketLabel}: ${view.ticketId}    ${view.reportedAtLabel}: ${view.reportedAt}`, opts);
  if (view.confidential) {
    doc.moveDown(0.3);
    doc.font("bold").fillColor("#a00000").text(view.confidential, opts).fillColor("black");
  }
  doc.moveDown(0.6);
}

/** One option with its box; a ticked box holds an "X", which also keeps the choice in the extracted text. */
function option(doc: Doc, label: string, checked: boolean): void {
  const x = MARGINS.left + INDENT;
  const width = doc.page.width - MARGINS.right - x - BOX - 6;
  doc.font("regular").fontSize(SIZE);
  room(doc, doc.heightOfString(label, { width }));
  const y = doc.y;
  doc
    .rect(x, y + 2, BOX, BOX)
    .lineWidth(0.7)
    .stroke();
  if (checked)
    doc
      .font("bold")
      .fontSize(9)
      .text("X", x, y + 2.5, { width: BOX, align: "center", lineBreak: false });
  doc
    .font("regular")
    .fontSize(SIZE)
    .text(label, x + BOX + 6, y, { width });
}

function field(doc: Doc, f: FieldView): void {
  const width = doc.page.width - MARGINS.left - MARGINS.right;
  const label = `${f.code}. ${f.label}`;
  doc.fontSize(SIZE);
  if (f.choices) {
    room(doc, 2 * doc.currentLineHeight(true));
    doc.font("regular").text(`${label}:`, MARGINS.left, doc.y, { width });
    for (const c of f.choices) option(doc, c.label, c.checked);
    if (f.notes.length > 0)
      doc.font("italic").text(f.notes.join("; "), MARGINS.left + INDENT, doc.y, { width: width - INDENT });
  } else {
    room(doc, 2 * doc.currentLineHeight(true));
    doc.font("regular").text(`${label}: `, MARGINS.left, doc.y, { width, continued: true });
    // A blank answer in italics, so it does not read as something the reporter wrote.
    doc.font(f.empty ? "italic" : "bold").text(f.text);
  }
  doc.moveDown(0.2);
}

function signature(doc: Doc, view: FormView): void {
  const width = doc.page.width - MARGINS.left - MARGINS.right;
  const x = MARGINS.left + width * 0.4;
  const opts = { width: width * 0.6, align: "center" as const };
  room(doc, 130);
  doc.moveDown(1);
  doc.font("italic").fontSize(SIZE).text(view.dateLine, x, doc.y, opts);
  doc.font("bold").text(view.signatureTitle, x, doc.y, opts);
  doc.font("italic").text(view.signatureHint, x, doc.y, opts);
}

/**
 * Draws the form into a PDF and returns its bytes. Synchronous: pdfkit writes every chunk while it draws
 * (fonts are subset and pages deflated in place, no images are loaded), so the stream holds the whole file
 * once `end()` returns; this lets the e-mail attach it while it is queued, inside the submission's transaction.
 */
export function renderPdf(view: FormView, options: { created?: Date } = {}): Buffer {
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGINS,
    info: {
      Title: `${view.title} – ${view.ticketId}`,
      Creator: "incident-bot",
      // A fixed date (the report's) makes the same report the same file.
      ...(options.created ? { CreationDate: options.created, ModDate: options.created } : {}),
    },
    lang: view.lang,
  });
  fonts(doc);
  heading(doc, view);
  title(doc, view);
  for (const section of view.sections) {
    const fields = section.fields.filter((f) => !f.signature);
    if (fields.length === 0) continue;
    // A section title never ends a page: it keeps its first field (two lines) with it.
    room(doc, 5 * doc.currentLineHeight(true));
    doc.moveDown(0.4);
    doc.font("bold").fontSize(SIZE).text(section.title, MARGINS.left, doc.y);
    doc.moveDown(0.2);
    for (const f of fields) field(doc, f);
  }
  signature(doc, view);
  doc.end();
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) {
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  // A pdfkit that one day writes later would hand back a cut file: refuse rather than send it.
  if (!bytes.subarray(-8).toString("latin1").includes("%%EOF")) throw new Error("the PDF was not complete");
  return bytes;
}
