import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import type { RenderContext } from "../../engine/render.ts";
import { ensurePrivateFile } from "../../store/private-files.ts";
import type { IncidentRow } from "../../store/store.ts";
import { renderDocx } from "./docx.ts";
import { incidentForm } from "./form.ts";
import { renderPdf } from "./pdf.ts";
import { formView } from "./view.ts";

export const DOCUMENT_FORMATS = ["docx", "pdf"] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export const isDocumentFormat = (v: unknown): v is DocumentFormat =>
  typeof v === "string" && (DOCUMENT_FORMATS as readonly string[]).includes(v);

/** The format asked for, or the one the output file's extension names. */
export function formatFor(asked: string | undefined, out: string): DocumentFormat | undefined {
  const format = asked ?? extname(out).slice(1).toLowerCase();
  return isDocumentFormat(format) ? format : undefined;
}

/** The initial report (Mẫu 03) of a stored incident as a Word or PDF document. */
export function renderInitialReport(
  incident: IncidentRow,
  format: DocumentFormat,
  rc: RenderContext,
  options: { templateDir?: string | undefined } = {},
): Buffer {
  const view = formView(incidentForm(incident), rc, { merge: true });
  const created = new Date(incident.createdAt);
  return format === "docx"
    ? renderDocx(view, { templateDir: options.templateDir, created })
    : renderPdf(view, { created });
}

/**
 * Writes a document readable by its owner only: it holds the reporter's personal data and the system's
 * details. The file (an existing one too) is made 0600 before the content goes in.
 */
export function writePrivateFile(path: string, bytes: Buffer): void {
  ensurePrivateFile(path);
  writeFileSync(path, bytes);
}
