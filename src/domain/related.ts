import { foldDiacritics } from "./text.ts";

/**
 * Related reports: in a wave of attacks several units (or several people of one unit) report the same target.
 * Two reports look related when they name the same domain, the same public IP address or the same system
 * within a day of each other. Each report is reduced to keys (`d:`, `ip:`, `s:` plus the normalized value);
 * reports sharing a key are possible duplicates. Only a hint for the duty officers: merging stays a person's
 * decision (a shared hosting IP can serve unrelated sites).
 */

/** How far apart two reports may be and still be marked as related. */
export const RELATED_WINDOW_MS = 24 * 3_600_000;

/** A system name shorter than this (once folded) says too little ("web", "mail") to relate two reports. */
const MIN_SYSTEM_CHARS = 6;

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];

/** A domain as people write it (a URL, a trailing dot, "www.") reduced to the name itself. */
export function normalizeDomain(raw: string): string {
  const host = raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/[/?#:].*$/, "")
    .replace(/\.$/, "");
  return host.startsWith("www.") ? host.slice(4) : host;
}

/** A system's name folded (no diacritics, case or punctuation), so "Cổng TTĐT" and "cong ttdt" match. */
export function normalizeSystem(raw: string): string {
  return foldDiacritics(raw)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * The keys of one report's answers: its domains, its public IP addresses (the report flow accepts only public
 * ones) and its system's name. Sorted, without repeats.
 */
export function relatedKeys(answers: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set<string>();
  for (const d of list(answers.domains)) {
    const name = normalizeDomain(d);
    if (name.includes(".")) keys.add(`d:${name}`);
  }
  for (const ip of list(answers.ips)) {
    const value = ip.trim().toLowerCase();
    if (value) keys.add(`ip:${value}`);
  }
  const system = typeof answers.system === "string" ? normalizeSystem(answers.system) : "";
  if (system.length >= MIN_SYSTEM_CHARS) keys.add(`s:${system}`);
  return [...keys].sort();
}

/** A report as the matcher sees it. */
export interface RelatedCandidate {
  ticketId: string;
  createdAt: string;
  keys: readonly string[];
}

/**
 * The reports among `others` related to `report`: sharing at least one key and created within the window of
 * it (before or after). Ordered by creation, the earliest first (the likely main ticket of a merge).
 */
export function findRelated(
  report: RelatedCandidate,
  others: readonly RelatedCandidate[],
  windowMs = RELATED_WINDOW_MS,
): RelatedCandidate[] {
  const at = Date.parse(report.createdAt);
  const mine = new Set(report.keys);
  return others
    .filter(
      (o) =>
        o.ticketId !== report.ticketId &&
        Math.abs(Date.parse(o.createdAt) - at) <= windowMs &&
        o.keys.some((k) => mine.has(k)),
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.ticketId.localeCompare(b.ticketId));
}
