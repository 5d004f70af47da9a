import type { Locale, Translator } from "../i18n.ts";
import type { EvidenceRow } from "../store/repos/evidence.ts";

/** A size as people read it (KB, MB), with the locale's decimal comma or point. */
export function formatSize(bytes: number, locale: Locale): string {
  const number = (n: number) =>
    new Intl.NumberFormat(locale === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1 }).format(n);
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024)} KB`;
  return `${number(bytes / (1024 * 1024))} MB`;
}

/** The parameters every evidence line uses: name, type, size and hash (escaped by t() when rendered). */
export function evidenceParams(row: EvidenceRow, locale: Locale): Record<string, string> {
  return {
    name: row.name,
    mime: row.mime,
    size: row.size === null ? "?" : formatSize(row.size, locale),
    sha256: row.sha256 ?? "",
  };
}

/**
 * One line per file of a ticket for a chat (HTML): stored files with their hash, the others with what became
 * of them. Empty when the ticket has no file.
 */
export function evidenceLines(rows: readonly EvidenceRow[], t: Translator, locale: Locale): string[] {
  return rows.map((row) => t.t(locale, `evidence:line.${row.status}`, evidenceParams(row, locale)));
}

/** The same lines as plain text (e-mail text part, documents). */
export function evidenceTextLines(rows: readonly EvidenceRow[], t: Translator, locale: Locale): string[] {
  return rows.map((row) => t.text(locale, `evidence:text.${row.status}`, evidenceParams(row, locale)));
}
