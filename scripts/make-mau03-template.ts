/**
 * Writes the default Mẫu 03 Word template, templates/mau03.docx: `npx tsx scripts/make-mau03-template.ts`.
 * The template is data (an admin may replace it through TEMPLATE_DIR); this script only makes the shipped
 * one reproducible. Tags are docxtemplater's {name}, {#loop}…{/loop} and {#flag}…{/flag}; the names it can
 * use are listed in src/delivery/documents/docx.ts (`docxData`).
 *
 * Layout after the usual Vietnamese administrative document (Decree 30/2020): A4, margins 20/20/30/15 mm,
 * Times New Roman 13 pt, the issuer on the left and the national heading on the right, the title centred.
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
/** ☐/☒ are not in Times New Roman; Word and LibreOffice take them from a symbol font. */
const BOX_FONT = "Segoe UI Symbol";
const NONE = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };
const NO_BORDERS = {
  top: NONE,
  bottom: NONE,
  left: NONE,
  right: NONE,
  insideHorizontal: NONE,
  insideVertical: NONE,
};
const THIN = { style: BorderStyle.SINGLE, size: 4, color: "808080" };
const GRID = {
  top: THIN,
  bottom: THIN,
  left: THIN,
  right: THIN,
  insideHorizontal: THIN,
  insideVertical: THIN,
};
// A4 text width with 30 + 15 mm margins.
const TEXT_WIDTH = convertMillimetersToTwip(210 - 45);

const run = (text: string, options: Omit<IRunOptions, "text"> = {}) => new TextRun({ text, ...options });
const para = (
  children: TextRun[] | string,
  options: {
    align?: (typeof AlignmentType)[keyof typeof AlignmentType];
    before?: number;
    after?: number;
    /** Kept on the page of what follows (a section's title with its first row). */
    keepNext?: boolean;
  } = {},
) =>
  new Paragraph({
    children: typeof children === "string" ? [run(children)] : children,
    alignment: options.align ?? AlignmentType.LEFT,
    keepNext: options.keepNext ?? false,
    spacing: { before: options.before ?? 0, after: options.after ?? 0 },
  });
const cell = (children: Paragraph[], width: number) =>
  new TableCell({ children, width: { size: width, type: WidthType.DXA } });

/** The heading: the issuer and the ticket number on the left, the national heading on the right. */
const heading = new Table({
  width: { size: TEXT_WIDTH, type: WidthType.DXA },
  columnWidths: [Math.round(TEXT_WIDTH * 0.42), Math.round(TEXT_WIDTH * 0.58)],
  borders: NO_BORDERS,
  rows: [
    new TableRow({
      children: [
        cell(
          [
            para([run("{organisation}", { bold: true, size: 24 })], { align: AlignmentType.CENTER }),
            para([run("{ticketLabel}: {ticketId}", { size: 24 })], {
              align: AlignmentType.CENTER,
              before: 120,
            }),
          ],
          Math.round(TEXT_WIDTH * 0.42),
        ),
        cell(
          [
            para([run("{nation}", { bold: true, size: 24 })], { align: AlignmentType.CENTER }),
            para([run("{motto}", { bold: true, underline: {} })], { align: AlignmentType.CENTER }),
            para([run("{dateLine}", { italics: true })], { align: AlignmentType.CENTER, before: 120 }),
          ],
          Math.round(TEXT_WIDTH * 0.58),
        ),
      ],
    }),
  ],
});

const LABEL_WIDTH = Math.round(TEXT_WIDTH * 0.42);
const VALUE_WIDTH = TEXT_WIDTH - LABEL_WIDTH;

/**
 * One table per section, one row per field (the row repeats through {#fields}); a choice field lists its
 * options one per line with their boxes, any other field its text.
 */
const fieldsTable = new Table({
  width: { size: TEXT_WIDTH, type: WidthType.DXA },
  columnWidths: [LABEL_WIDTH, VALUE_WIDTH],
  borders: GRID,
  rows: [
    new TableRow({
      cantSplit: true,
      children: [
        cell([para("{#fields}{code}. {label}")], LABEL_WIDTH),
        cell(
          [
            para("{#choices}"),
            para([run("{box}", { font: BOX_FONT }), run(" {label}")]),
            para("{/choices}"),
            para("{#hasDetail}"),
            para("{detail}"),
            para("{/hasDetail}{/fields}"),
          ],
          VALUE_WIDTH,
        ),
      ],
    }),
  ],
});

const doc = new Document({
  creator: "incident-bot",
  title: "Mẫu 03 – Báo cáo ban đầu sự cố mạng",
  styles: { default: { document: { run: { font: FONT, size: 26 } } } },
  sections: [
    {
      properties: {
        page: {
          // A4 as Word writes it (twentieths of a point).
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
        heading,
        para([run("{title}", { bold: true, size: 28 })], { align: AlignmentType.CENTER, before: 360 }),
        para([run("{subtitle}", { italics: true })], { align: AlignmentType.CENTER }),
        para([run("{requiredNote}", { italics: true, size: 22 })], {
          align: AlignmentType.CENTER,
          after: 120,
        }),
        para(
          [
            run("{ticketLabel}: ", { bold: true }),
            run("{ticketId}"),
            run("    {reportedAtLabel}: ", { bold: true }),
            run("{reportedAt}"),
          ],
          {
            align: AlignmentType.CENTER,
            after: 120,
          },
        ),
        para("{#confidential}"),
        para([run("{confidential}", { bold: true, color: "A00000" })], {
          align: AlignmentType.CENTER,
          after: 120,
        }),
        para("{/confidential}"),
        para("{#sections}"),
        para([run("{title}", { bold: true })], { before: 200, after: 80, keepNext: true }),
        fieldsTable,
        para("{/sections}"),
        // Keeps the last section's table apart from the signature table (Word and LibreOffice join touching tables).
        para(""),
        new Table({
          width: { size: TEXT_WIDTH, type: WidthType.DXA },
          columnWidths: [Math.round(TEXT_WIDTH * 0.35), Math.round(TEXT_WIDTH * 0.65)],
          borders: NO_BORDERS,
          rows: [
            new TableRow({
              cantSplit: true,
              children: [
                cell([para("")], Math.round(TEXT_WIDTH * 0.35)),
                cell(
                  [
                    para([run("{dateLine}", { italics: true })], {
                      align: AlignmentType.CENTER,
                      before: 240,
                    }),
                    para([run("{signatureTitle}", { bold: true })], { align: AlignmentType.CENTER }),
                    para([run("{signatureHint}", { italics: true })], {
                      align: AlignmentType.CENTER,
                      after: 1600,
                    }),
                  ],
                  Math.round(TEXT_WIDTH * 0.65),
                ),
              ],
            }),
          ],
        }),
      ],
    },
  ],
});

const out = fileURLToPath(new URL("../templates/mau03.docx", import.meta.url));
writeFileSync(out, await Packer.toBuffer(doc));
process.stdout.write(`wrote ${out}\n`);
