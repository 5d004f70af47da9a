import { csvCell } from "../admin/audit-export.ts";
import { parseChannelId } from "../domain/ids.ts";
import { formatClock, formatWhen, parseClock, parseShift, type Shift } from "../domain/roster.ts";
import type { Reason } from "../domain/severity-input.ts";
import { rosterRepo } from "../store/repos/roster.ts";
import type { Store } from "../store/store.ts";
import { leadsOf, replaceRosters, setLead } from "./roster-service.ts";

// Rosters in files: a `rosters` section of the contacts YAML (shifts and leads) and a CSV of shifts alone. Both
// are checked completely, every bad row named by its line, before anything is written.

/** A unit's roster as a file holds it. */
export interface FileRoster {
  contactId: string;
  shifts: Shift[];
  leads: string[];
}

/** A unit whose roster an import changes, with what it had. */
export interface RosterChange extends FileRoster {
  before: { shifts: number; leads: string[] };
}

type Issue = (path: ReadonlyArray<string | number>, reason: Reason) => void;

/** The `rosters` section of the contacts YAML: every unit that has shifts or leads. */
export function exportRosterSection(store: Store): Array<Record<string, unknown>> {
  return store
    .contacts()
    .map((c) => ({ contact: c.id, leads: leadsOf(store, c.id), shifts: rosterRepo(store.db).shifts(c.id) }))
    .filter((r) => r.leads.length > 0 || r.shifts.length > 0)
    .map((r) => ({
      contact: r.contact,
      leads: r.leads,
      shifts: r.shifts.map((s) => ({
        person: s.person,
        when: formatWhen(s),
        from: formatClock(s.start),
        to: formatClock(s.end),
      })),
    }));
}

const SHIFT_KEYS = new Set(["person", "when", "from", "to"]);
const ROSTER_KEYS = new Set(["contact", "leads", "shifts"]);

/** Checks the YAML's `rosters` section (a list) against the file's contact ids; undefined when absent. */
export function checkRosterSection(
  raw: unknown,
  contactIds: ReadonlySet<unknown>,
  issue: Issue,
): FileRoster[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    issue(["rosters"], { key: "admin:import.type", params: { expected: "list" } });
    return [];
  }
  const rosters: FileRoster[] = [];
  raw.forEach((entry, i) => {
    const r = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const extra = Object.keys(r).filter((k) => !ROSTER_KEYS.has(k));
    if (extra.length > 0)
      issue(["rosters", i], { key: "admin:import.unknownKeys", params: { keys: extra.join(", ") } });
    const contactId = typeof r.contact === "string" ? r.contact : "";
    if (!contactIds.has(contactId)) {
      issue(["rosters", i, "contact"], {
        key: "admin:file.unknownContact",
        params: { id: String(r.contact ?? "") },
      });
    } else if (rosters.some((x) => x.contactId === contactId)) {
      issue(["rosters", i, "contact"], { key: "admin:file.duplicate", params: { id: contactId } });
    }
    const leads: string[] = [];
    (Array.isArray(r.leads) ? r.leads : r.leads === undefined ? [] : [null]).forEach((lead, j) => {
      const id = typeof lead === "string" ? parseChannelId(lead) : undefined;
      if (!id) issue(["rosters", i, "leads", j], { key: "roster:error.person" });
      else leads.push(`${id.channel}:${id.id}`);
    });
    const shifts: Shift[] = [];
    (Array.isArray(r.shifts) ? r.shifts : r.shifts === undefined ? [] : [null]).forEach((s, j) => {
      const fields = (typeof s === "object" && s !== null ? s : {}) as Record<string, unknown>;
      const unknown = Object.keys(fields).filter((k) => !SHIFT_KEYS.has(k));
      if (unknown.length > 0) {
        issue(["rosters", i, "shifts", j], {
          key: "admin:import.unknownKeys",
          params: { keys: unknown.join(", ") },
        });
        return;
      }
      const parsed = parseShift({
        person: String(fields.person ?? ""),
        when: String(fields.when ?? ""),
        start: String(fields.from ?? ""),
        end: String(fields.to ?? ""),
      });
      if (!parsed.ok) {
        const time = parseClock(String(fields.from ?? "")) === undefined ? "from" : "to";
        const field = { person: "person", time, days: "when", dates: "when", when: "when" }[parsed.error];
        issue(["rosters", i, "shifts", j, field], { key: `roster:error.${parsed.error}` });
      } else shifts.push(parsed.shift);
    });
    rosters.push({ contactId, shifts, leads });
  });
  return rosters;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What importing these rosters changes. With `whole`, the file is every roster (the YAML): a unit it leaves out
 * loses its shifts and leads; otherwise (the CSV) only the units named change, and their leads stay.
 */
export function planRosters(store: Store, rosters: readonly FileRoster[], whole: boolean): RosterChange[] {
  const changes: RosterChange[] = [];
  const named = new Set(rosters.map((r) => r.contactId));
  const all = [
    ...rosters,
    ...(whole
      ? store
          .contacts()
          .filter((c) => !named.has(c.id))
          .map((c) => ({ contactId: c.id, shifts: [], leads: [] }))
      : []),
  ];
  for (const r of all) {
    const current = rosterRepo(store.db)
      .shifts(r.contactId)
      .map(({ person, start, end, days, dates }) => ({ person, start, end, days, dates }));
    const leads = leadsOf(store, r.contactId);
    const wantedLeads = whole ? r.leads : leads;
    if (same(current, r.shifts) && same([...leads].sort(), [...wantedLeads].sort())) continue;
    changes.push({ ...r, leads: wantedLeads, before: { shifts: current.length, leads } });
  }
  return changes;
}

/** Applies planned roster changes (inside the caller's transaction), audited as `by`. */
export function applyRosters(store: Store, by: string, changes: readonly RosterChange[], at: string): void {
  replaceRosters(store, by, new Map(changes.map((c) => [c.contactId, c.shifts])), at);
  for (const c of changes) {
    for (const lead of c.before.leads.filter((l) => !c.leads.includes(l)))
      setLead(store, by, c.contactId, lead, false, at);
    for (const lead of c.leads.filter((l) => !c.before.leads.includes(l)))
      setLead(store, by, c.contactId, lead, true, at);
  }
}

/** How a roster change reads in an import's summary. */
export function describeRosterChange(
  c: RosterChange,
  t: (key: string, params?: Record<string, string | number>) => string,
): string {
  return `~ ${t("roster:file.changed", { id: c.contactId, before: c.before.shifts, after: c.shifts.length, leads: c.leads.join(", ") || "—" })}`;
}

const CSV_HEADER = ["unit", "person", "days", "from", "to"] as const;

/** Every shift as CSV (header first; a byte-order mark so a spreadsheet reads it as UTF-8). */
export function rosterCsv(store: Store): string {
  const rows = rosterRepo(store.db)
    .allShifts()
    .map((s) => [s.contactId, s.person, formatWhen(s), formatClock(s.start), formatClock(s.end)]);
  return `\uFEFF${[CSV_HEADER as readonly string[], ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** RFC 4180 records with the line each starts on (quoted cells may hold commas, quotes and line breaks). */
export function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
  const records: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const body = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.some((c) => c.trim() !== "")) records.push({ line: start, cells });
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += ch;
  }
  cells.push(cell);
  if (cells.some((c) => c.trim() !== "")) records.push({ line: start, cells });
  return records;
}

/** One problem in a CSV file: its line and why. */
export interface CsvIssue {
  line: number;
  reason: Reason;
}

/** Checks a roster CSV completely; the rosters of the units it names, or every bad row by line. */
export function checkRosterCsv(
  store: Store,
  text: string,
): { ok: true; rosters: FileRoster[] } | { ok: false; issues: CsvIssue[] } {
  const records = parseCsv(text);
  const issues: CsvIssue[] = [];
  const [header, ...rows] = records;
  if (!header || header.cells.map((c) => c.trim().toLowerCase()).join(",") !== CSV_HEADER.join(",")) {
    return {
      ok: false,
      issues: [
        {
          line: header?.line ?? 1,
          reason: { key: "roster:file.header", params: { header: CSV_HEADER.join(",") } },
        },
      ],
    };
  }
  const known = new Set(store.contacts().map((c) => c.id));
  const rosters = new Map<string, FileRoster>();
  for (const { line, cells } of rows) {
    if (cells.length !== CSV_HEADER.length) {
      issues.push({ line, reason: { key: "roster:file.columns", params: { count: CSV_HEADER.length } } });
      continue;
    }
    const [unit = "", person = "", when = "", start = "", end = ""] = cells.map((c) => c.trim());
    if (!known.has(unit)) {
      issues.push({ line, reason: { key: "admin:file.unknownContact", params: { id: unit.slice(0, 40) } } });
      continue;
    }
    const parsed = parseShift({ person, when, start, end });
    if (!parsed.ok) {
      issues.push({ line, reason: { key: `roster:error.${parsed.error}` } });
      continue;
    }
    const roster = rosters.get(unit) ?? { contactId: unit, shifts: [], leads: [] };
    roster.shifts.push(parsed.shift);
    rosters.set(unit, roster);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, rosters: [...rosters.values()] };
}
