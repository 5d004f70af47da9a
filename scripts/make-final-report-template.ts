/**
 * Writes the default final-report Word template, templates/final-report.docx:
 * `npx tsx scripts/make-final-report-template.ts`. Like Mẫu 03's, the template is data (an admin may replace it
 * through TEMPLATE_DIR) and this script only makes the shipped one reproducible. It is filled from the same
 * view as Mẫu 03 (src/delivery/documents/docx.ts `docxData`), so it may use the same tags: the heading's
 * {organisation} {ticketLabel} {ticketId} {nation} {motto} {dateLine} {title} {subtitle} {requiredNote}
 * {reportedAtLabel} {reportedAt}, the sections as {#sections}{title}{#fields}{code} {label} {text}{/fields}
 * {/sections}, a field by its number ({5.1} is "what happened"), and {signatureTitle} {signatureHint}.
 *
 * Layout after Decree 30/2020: A4, margins 20/20/30/15 mm, Times New Roman 13 pt; the result of handling is
 * free text that can run long, so each field is a label line and its text below it, not a table row.
 */
import { AlignmentType } from "docx";
import { a4Document, paragraphs, run, twoColumns, writeTemplate } from "./template-kit.ts";

const CENTER = AlignmentType.CENTER;
const line = paragraphs(AlignmentType.JUSTIFIED);

const doc = a4Document("Báo cáo kết thúc ứng phó sự cố", [
  twoColumns(
    [
      line([run("{organisation}", { bold: true, size: 24 })], { align: CENTER }),
      line([run("{ticketLabel}: {ticketId}", { size: 24 })], { align: CENTER, before: 120 }),
    ],
    [
      line([run("{nation}", { bold: true, size: 24 })], { align: CENTER }),
      line([run("{motto}", { bold: true, underline: {} })], { align: CENTER }),
      line([run("{dateLine}", { italics: true })], { align: CENTER, before: 120 }),
    ],
    0.42,
    { cantSplit: true },
  ),
  line([run("{title}", { bold: true, size: 28 })], { align: CENTER, before: 360 }),
  line([run("{subtitle}", { italics: true })], { align: CENTER }),
  line([run("{requiredNote}", { italics: true, size: 22 })], { align: CENTER, after: 120 }),
  line([run("{reportedAtLabel}: ", { bold: true }), run("{reportedAt}")], {
    align: CENTER,
    after: 120,
  }),
  line("{#sections}"),
  line([run("{title}", { bold: true })], { before: 200, after: 80, keepNext: true }),
  line("{#fields}"),
  line([run("{code}. {label}:", { italics: true })], { keepNext: true }),
  line("{text}", { indent: 360, after: 80 }),
  line("{/fields}"),
  line("{/sections}"),
  line(""),
  twoColumns(
    [line("")],
    [
      line([run("{dateLine}", { italics: true })], { align: CENTER, before: 240 }),
      line([run("{signatureTitle}", { bold: true })], { align: CENTER }),
      line([run("{signatureHint}", { italics: true })], { align: CENTER, after: 1600 }),
    ],
    0.35,
    { cantSplit: true },
  ),
]);

await writeTemplate("final-report.docx", doc);
