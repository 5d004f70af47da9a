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
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  AlignmentType,
  BorderStyle,
  convertMillimetersToTwip,
  Document,
  type IRunOptions,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";

const FONT = "Times New Roman";
const NONE = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };
const NO_BORDERS = {
  top: NONE,
  bottom: NONE,
  left: NONE,
  right: NONE,
  insideHorizontal: NONE,
  insideVertical: NONE,
};
const TEXT_WIDTH = convertMillimetersToTwip(210 - 45);
const CENTER = AlignmentType.CENTER;

const run = (text: string, options: Omit<IRunOptions, "text"> = {}) => new TextRun({ text, ...options });
const line = (
  children: TextRun[] | string,
  options: {
    align?: (typeof AlignmentType)[keyof typeof AlignmentType];
    before?: number;
    after?: number;
    keepNext?: boolean;
    indent?: number;
  } = {},
) =>
  new Paragraph({
    children: typeof children === "string" ? [run(children)] : children,
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    keepNext: options.keepNext ?? false,
    spacing: { before: options.before ?? 0, after: options.after ?? 0 },
    ...(options.indent ? { indent: { left: options.indent } } : {}),
  });
const column = (children: Paragraph[], share: number) =>
  new TableCell({ children, width: { size: Math.round(TEXT_WIDTH * share), type: WidthType.DXA } });
const twoColumns = (left: Paragraph[], right: Paragraph[], leftShare: number) =>
  new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [Math.round(TEXT_WIDTH * leftShare), Math.round(TEXT_WIDTH * (1 - leftShare))],
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        cantSplit: true,
        children: [column(left, leftShare), column(right, 1 - leftShare)],
      }),
    ],
  });

const doc = new Document({
  creator: "incident-bot",
  title: "Báo cáo kết thúc ứng phó sự cố",
  styles: { default: { document: { run: { font: FONT, size: 26 } } } },
  sections: [
    {
      properties: {
        page: {
          size: { width: 11906, height: 16838 },
          margin: {
            top: convertMillimetersToTwip(20),
            bottom: convertMillimetersToTwip(20),
            left: convertMillimetersToTwip(30),
            right: convertMillimetersToTwip(15),
          },
        },
      },
      children: [
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
        ),
      ],
    },
  ],
});

const out = fileURLToPath(new URL("../templates/final-report.docx", import.meta.url));
writeFileSync(out, await Packer.toBuffer(doc));
process.stdout.write(`wrote ${out}\n`);
