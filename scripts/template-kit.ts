/**
 * What the scripts that write the shipped Word templates (make-mau03-template.ts, make-final-report-template.ts)
 * share, so that both documents keep one page layout: A4 after Decree 30/2020 (margins 20/20/30/15 mm, Times New
 * Roman 13 pt), the same paragraph and two-column table builders, and the same way of writing the file into
 * templates/. Each script keeps only what is its own document.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type AlignmentType,
  BorderStyle,
  convertMillimetersToTwip,
  Document,
  type FileChild,
  type IBorderOptions,
  type IRunOptions,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";

type Alignment = (typeof AlignmentType)[keyof typeof AlignmentType];

const FONT = "Times New Roman";
// A4 text width with 30 + 15 mm margins.
export const TEXT_WIDTH = convertMillimetersToTwip(210 - 45);

/** The same border on every side of a table and between all its cells. */
export const allSides = (border: IBorderOptions) => ({
  top: border,
  bottom: border,
  left: border,
  right: border,
  insideHorizontal: border,
  insideVertical: border,
});
export const NO_BORDERS = allSides({ style: BorderStyle.NONE, size: 0, color: "FFFFFF" });

export const run = (text: string, options: Omit<IRunOptions, "text"> = {}) =>
  new TextRun({ text, ...options });

/**
 * A paragraph builder whose paragraphs take `defaultAlign` unless told otherwise; each document picks its own
 * (Mẫu 03 left, the final report justified). A string stands for one plain run.
 */
export const paragraphs =
  (defaultAlign: Alignment) =>
  (
    children: TextRun[] | string,
    options: {
      align?: Alignment;
      before?: number;
      after?: number;
      /** Kept on the page of what follows (a section's title with its first row). */
      keepNext?: boolean;
      indent?: number;
    } = {},
  ) =>
    new Paragraph({
      children: typeof children === "string" ? [run(children)] : children,
      alignment: options.align ?? defaultAlign,
      keepNext: options.keepNext ?? false,
      spacing: { before: options.before ?? 0, after: options.after ?? 0 },
      ...(options.indent ? { indent: { left: options.indent } } : {}),
    });

/** A table cell `width` twentieths of a point wide. */
export const cell = (children: Paragraph[], width: number) =>
  new TableCell({ children, width: { size: width, type: WidthType.DXA } });

/**
 * A borderless one-row table across the text width, the left column `leftShare` of it: the heading (issuer |
 * national heading) and the signature block. `cantSplit` keeps the row on one page.
 */
export const twoColumns = (
  left: Paragraph[],
  right: Paragraph[],
  leftShare: number,
  options: { cantSplit?: boolean } = {},
) => {
  const widths = [Math.round(TEXT_WIDTH * leftShare), Math.round(TEXT_WIDTH * (1 - leftShare))] as const;
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [...widths],
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        // Left out rather than false when not asked for: docx writes false as <w:cantSplit w:val="off"/>.
        ...(options.cantSplit ? { cantSplit: true } : {}),
        children: [cell(left, widths[0]), cell(right, widths[1])],
      }),
    ],
  });
};

/** A one-section A4 document in the administrative layout. */
export const a4Document = (title: string, children: FileChild[]) =>
  new Document({
    creator: "incident-bot",
    title,
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
        children,
      },
    ],
  });

/** Writes `doc` as templates/`fileName` (the shipped template) and says where. */
export const writeTemplate = async (fileName: string, doc: Document) => {
  const out = fileURLToPath(new URL(`../templates/${fileName}`, import.meta.url));
  writeFileSync(out, await Packer.toBuffer(doc));
  process.stdout.write(`wrote ${out}\n`);
};
