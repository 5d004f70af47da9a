import { parseDuration, type SettingKey } from "../src/domain/deadline-settings.ts";
import type { Reason } from "../src/domain/severity-input.ts";
import { foldDiacritics } from "../src/domain/text.ts";

// What an admin typed after /thoihan (/deadlines) and /ngaynghi (/holidays), read into a request. Pure: the
// server side (src/admin/deadline-chat.ts) checks authority again and writes.

/** The names an admin may type for each setting, after folding diacritics and dropping spaces. */
const KEY_NAMES: Record<string, SettingKey> = {
  critical: "critical",
  nghiemtrong: "critical",
  "4": "critical",
  high: "high",
  cao: "high",
  "3": "high",
  medium: "medium",
  trungbinh: "medium",
  "2": "medium",
  low: "low",
  thap: "low",
  "1": "low",
  reraise: "reraise",
  nhaclai: "reraise",
  legalwarning: "legalWarning",
  canhbao: "legalWarning",
  canhbaophaply: "legalWarning",
  pagetimeout: "pageTimeout",
  page: "pageTimeout",
  goi: "pageTimeout",
  chogoi: "pageTimeout",
};

const ACK_KEYS: ReadonlySet<SettingKey> = new Set(["critical", "high", "medium", "low"]);
const UNITS = new Set(["m", "p", "phut", "h", "g", "gio", "wd", "nlv"]);

export type DeadlinesRequest =
  | { kind: "show" }
  | { kind: "history" }
  | { kind: "set"; changes: Partial<Record<SettingKey, string>> }
  | { kind: "error"; reason: Reason };

/**
 * "/thoihan cao 2h nhac lai 12h": pairs of a setting and a duration (15m, 2h, 1wd; Vietnamese 15p, 2g, 1nlv, or
 * "15 phút", "2 giờ"). Nothing after the command shows the settings; "lichsu" (history) their versions.
 */
export function parseDeadlinesArgs(args: string): DeadlinesRequest {
  const folded = foldDiacritics(args).trim();
  if (folded === "") return { kind: "show" };
  if (["lichsu", "lich su", "history"].includes(folded)) return { kind: "history" };
  const tokens = folded.split(/[\s,;:=]+/).filter(Boolean);
  const changes: Partial<Record<SettingKey, string>> = {};
  let name = "";
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    // A setting's name is letters; a lone digit 1-4 names a severity only where a name is expected.
    const isValue =
      /^\d/.test(token) && !(name === "" && /^[1-4]$/.test(token) && /^\d/.test(tokens[i + 1] ?? ""));
    if (!isValue) {
      name += token;
      continue;
    }
    let value = token;
    const next = tokens[i + 1] ?? "";
    if (/^\d+$/.test(token) && UNITS.has(next)) {
      value = `${token}${next}`;
      i++;
    }
    const key = KEY_NAMES[name];
    if (!key)
      return {
        kind: "error",
        reason: { key: "deadlines:error.unknownSetting", params: { name: name || value } },
      };
    const spec = parseDuration(value, ACK_KEYS.has(key));
    if (!spec) {
      return {
        kind: "error",
        reason: {
          key: ACK_KEYS.has(key) ? "deadlines:error.badAck" : "deadlines:error.badDuration",
          params: { name: key, value },
        },
      };
    }
    changes[key] = value;
    name = "";
  }
  if (name !== "") {
    const key = KEY_NAMES[name];
    return key
      ? { kind: "error", reason: { key: "deadlines:error.missingValue", params: { name: key } } }
      : { kind: "error", reason: { key: "deadlines:error.unknownSetting", params: { name } } };
  }
  return { kind: "set", changes };
}

export type CalendarRequest =
  | { kind: "show"; year: number | undefined }
  | { kind: "add"; list: "daysOff" | "workingDays"; date: string; note: string }
  | { kind: "remove"; date: string }
  | { kind: "error"; reason: Reason };

/** "13/02/2026" or "2026-02-13" as an ISO date; undefined when it is not a calendar day. */
export function parseDay(text: string): string | undefined {
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = dmy
    ? `${dmy[3]}-${(dmy[2] ?? "").padStart(2, "0")}-${(dmy[1] ?? "").padStart(2, "0")}`
    : /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? text
      : undefined;
  if (!iso) return undefined;
  const ms = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== iso ? undefined : iso;
}

const ADD_OFF = new Set(["nghi", "off", "dayoff"]);
const ADD_WORK = new Set(["lam", "lamviec", "work", "workday"]);
const REMOVE = new Set(["xoa", "bo", "remove", "delete"]);

/**
 * "/ngaynghi nghi 13/02/2026 nghỉ bù", "/ngaynghi lam 28/02/2026 làm bù", "/ngaynghi xoa 13/02/2026", or a year
 * (or nothing) to list the days off.
 */
export function parseCalendarArgs(args: string): CalendarRequest {
  const trimmed = args.trim();
  if (trimmed === "") return { kind: "show", year: undefined };
  if (/^\d{4}$/.test(trimmed)) return { kind: "show", year: Number(trimmed) };
  const [verbRaw = "", dayRaw = "", ...rest] = trimmed.split(/\s+/);
  const verb = foldDiacritics(verbRaw);
  const known = ADD_OFF.has(verb) || ADD_WORK.has(verb) || REMOVE.has(verb);
  if (!known) return { kind: "error", reason: { key: "deadlines:calendar.usage" } };
  const date = parseDay(dayRaw);
  if (!date)
    return {
      kind: "error",
      reason: { key: "deadlines:calendar.badDate", params: { value: dayRaw.slice(0, 20) } },
    };
  if (REMOVE.has(verb)) return { kind: "remove", date };
  const note = rest.join(" ").trim();
  if (note.length > 200) return { kind: "error", reason: { key: "deadlines:calendar.longNote" } };
  return { kind: "add", list: ADD_OFF.has(verb) ? "daysOff" : "workingDays", date, note };
}
