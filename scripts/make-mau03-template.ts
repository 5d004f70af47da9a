/**
 * Writes the default Mẫu 03 Word template, templates/mau03.docx: `npx tsx scripts/make-mau03-template.ts`.
 * The template is data (an admin may replace it through TEMPLATE_DIR); this script only makes the shipped
 * one reproducible. Tags are docxtemplater's {name}, {#loop}…{/loop} and {#flag}…{/flag}; the names it can
 * use are listed in src/delivery/documents/docx.ts (`docxData`).
 *
 * Layout after the usual Vietnamese administrative document (Decree 30/2020): A4, margins 20/20/30/15 mm,
 * Times New Roman 13 pt, the issuer on the left and the national heading on the right, the title centred.
 */
import { AlignmentType, BorderStyle, Table, TableRow, WidthType } from "docx";
import {
  a4Document,
  allSides,
  cell,
  paragraphs,
  run,
  TEXT_WIDTH,
  twoColumns,
  writeTemplate,
} from "./template-kit.ts";

/** ☐/☒ are not in Times New Roman; Word and LibreOffice take them from a symbol font. */
const BOX_FONT = "Segoe UI Symbol";
const GRID = allSides({ style: BorderStyle.SINGLE, size: 4, color: "808080" });
const para = paragraphs(AlignmentType.LEFT);

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

const doc = a4Document("Mẫu 03 – Báo cáo ban đầu sự cố mạng", [
  // The heading: the issuer and the ticket number on the left, the national heading on the right.
  twoColumns(
    [
      para([run("{organisation}", { bold: true, size: 24 })], { align: AlignmentType.CENTER }),
      para([run("{ticketLabel}: {ticketId}", { size: 24 })], { align: AlignmentType.CENTER, before: 120 }),
    ],
    [
      para([run("{nation}", { bold: true, size: 24 })], { align: AlignmentType.CENTER }),
      para([run("{motto}", { bold: true, underline: {} })], { align: AlignmentType.CENTER }),
      para([run("{dateLine}", { italics: true })], { align: AlignmentType.CENTER, before: 120 }),
    ],
    0.42,
  ),
  para([run("{title}", { bold: true, size: 28 })], { align: AlignmentType.CENTER, before: 360 }),
  para([run("{subtitle}", { italics: true })], { align: AlignmentType.CENTER }),
  para([run("{requiredNote}", { italics: true, size: 22 })], { align: AlignmentType.CENTER, after: 120 }),
  para(
    [
      run("{ticketLabel}: ", { bold: true }),
      run("{ticketId}"),
      run("    {reportedAtLabel}: ", { bold: true }),
      run("{reportedAt}"),
    ],
    { align: AlignmentType.CENTER, after: 120 },
  ),
  para("{#confidential}"),
  para([run("{confidential}", { bold: true, color: "A00000" })], { align: AlignmentType.CENTER, after: 120 }),
  para("{/confidential}"),
  para("{#sections}"),
  para([run("{title}", { bold: true })], { before: 200, after: 80, keepNext: true }),
  fieldsTable,
  para("{/sections}"),
  // Keeps the last section's table apart from the signature table (Word and LibreOffice join touching tables).
  para(""),
  twoColumns(
    [para("")],
    [
      para([run("{dateLine}", { italics: true })], { align: AlignmentType.CENTER, before: 240 }),
      para([run("{signatureTitle}", { bold: true })], { align: AlignmentType.CENTER }),
      para([run("{signatureHint}", { italics: true })], { align: AlignmentType.CENTER, after: 1600 }),
    ],
    0.35,
    { cantSplit: true },
  ),
]);

await writeTemplate("mau03.docx", doc);
