import type { AuditRecord } from "../store/admin-store.ts";

const HEADER = ["id", "at", "actor", "action", "subject", "outcome", "details"] as const;

/**
 * One CSV cell (RFC 4180 quoting). Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get
 * a leading apostrophe: subjects and details can carry text a user typed, and the file is opened in Excel.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The audit log as CSV lines (header first), with a byte-order mark so Excel reads the Vietnamese as UTF-8. */
export function* auditCsv(entries: Iterable<AuditRecord>): Generator<string> {
  yield `\uFEFF${HEADER.join(",")}\r\n`;
  for (const e of entries) {
    const row = [String(e.id), e.at, e.actor, e.action, e.subject, e.outcome, JSON.stringify(e.details)];
    yield `${row.map(csvCell).join(",")}\r\n`;
  }
}
