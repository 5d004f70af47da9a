import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import type { RenderContext } from "../../present/incident.ts";
import { ensurePrivateFile } from "../../store/private-files.ts";
import type { EvidenceRow } from "../../store/repos/evidence.ts";
import type { IncidentRow, Store } from "../../store/store.ts";
import { renderDocx, TemplateError } from "./docx.ts";
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
  options: { templateDir?: string | undefined; evidence?: readonly EvidenceRow[] | undefined } = {},
): Buffer {
  const view = formView(incidentForm(incident, options.evidence), rc, { merge: true });
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

/** What an operator asked for that cannot be done: the message says what to change. */
export class ExportError extends Error {
  override name = "ExportError";
}

/**
 * `incident-bot report export`: the initial report of one ticket, written 0600 to `out` in the format asked
 * for (or named by the file's extension). An unknown ticket or format, or an admin's template that cannot be
 * filled, is an ExportError naming what to fix.
 */
export function exportInitialReport(
  store: Pick<Store, "incidentByTicket"> & Partial<Pick<Store, "evidence">>,
  ticketId: string,
  options: { format?: string | undefined; out: string },
  rc: RenderContext,
  templateDir: string | undefined,
): { ticketId: string; format: DocumentFormat } {
  const format = formatFor(options.format, options.out);
  if (!format)
    throw new ExportError(`Expected --format docx or pdf (got "${options.format ?? options.out}")`);
  const incident = store.incidentByTicket(ticketId.trim().toUpperCase());
  if (!incident) throw new ExportError(`No ticket ${ticketId}`);
  let bytes: Buffer;
  try {
    bytes = renderInitialReport(incident, format, rc, {
      templateDir,
      evidence: store.evidence?.ofIncident(incident.id),
    });
  } catch (error) {
    throw error instanceof TemplateError ? new ExportError(error.message) : error;
  }
  writePrivateFile(options.out, bytes);
  return { ticketId: incident.ticketId, format };
}
