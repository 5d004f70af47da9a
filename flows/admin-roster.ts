/**
 * What a typed /lichtruc (/roster) or /caodiem (/alertperiod) asks for, read from its arguments. Pure: the
 * desk carries the request out after checking who asks (src/roster/chat.ts). Vietnamese verbs with English
 * aliases, as every other command.
 */

export type RosterRequest =
  | { kind: "list" }
  | { kind: "show"; unit: string }
  | { kind: "add"; unit: string; person: string; when: string; start: string; end: string }
  | { kind: "remove"; unit: string; n: number }
  | { kind: "lead" | "unlead"; unit: string; person: string }
  | { kind: "usage" };

export type PeriodRequest =
  | { kind: "list" }
  | {
      kind: "add";
      name: string;
      from: string;
      to: string;
      ack: string[];
      reminder: string;
    }
  | { kind: "remove"; id: number }
  | { kind: "usage" };

const VERBS: Record<string, "add" | "remove" | "lead" | "unlead"> = {
  them: "add",
  thêm: "add",
  add: "add",
  xoa: "remove",
  xóa: "remove",
  xoá: "remove",
  remove: "remove",
  truongca: "lead",
  trưởngca: "lead",
  lead: "lead",
  botruongca: "unlead",
  unlead: "unlead",
};

/** "08:00-17:00", "22h-6h", "08:00–17:00" → its two ends. */
function timeRange(text: string): { start: string; end: string } | undefined {
  const [start, end, extra] = text.split(/[-–]/);
  return start && end && extra === undefined ? { start, end } : undefined;
}

export function parseRosterCommand(args: string): RosterRequest {
  const words = args
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const [unit, verbWord, ...rest] = words;
  if (!unit) return { kind: "list" };
  const id = unit.toLowerCase().slice(0, 40);
  if (!verbWord) return { kind: "show", unit: id };
  const verb = VERBS[verbWord.toLowerCase()];
  if (verb === "remove") {
    const n = Number(rest[0]);
    return rest.length === 1 && Number.isSafeInteger(n) && n >= 1
      ? { kind: "remove", unit: id, n }
      : { kind: "usage" };
  }
  if (verb === "lead" || verb === "unlead") {
    return rest.length === 1 && rest[0] ? { kind: verb, unit: id, person: rest[0] } : { kind: "usage" };
  }
  if (verb === "add") {
    const [person, ...tail] = rest;
    const range = timeRange(tail.at(-1) ?? "");
    const when = tail.slice(0, -1).join(" ");
    if (!person || !range || when === "") return { kind: "usage" };
    return { kind: "add", unit: id, person, when, ...range };
  }
  return { kind: "usage" };
}

/**
 * `/caodiem them <name…> <from> <to> <ack ×4> <reminder>`: the name may have spaces, so the five fixed fields
 * are read from the end ("Tết Bính Ngọ 2026 14/02/2026 22/02/2026 10m,30m,2h,1wd 2h").
 */
export function parsePeriodCommand(args: string): PeriodRequest {
  const words = args
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const [verbWord, ...rest] = words;
  if (!verbWord) return { kind: "list" };
  const verb = VERBS[verbWord.toLowerCase()];
  if (verb === "remove") {
    const id = Number(rest[0]);
    return rest.length === 1 && Number.isSafeInteger(id) && id >= 1
      ? { kind: "remove", id }
      : { kind: "usage" };
  }
  if (verb !== "add" || rest.length < 5) return { kind: "usage" };
  const [from = "", to = "", ack = "", reminder = ""] = rest.slice(-4);
  const name = rest
    .slice(0, -4)
    .join(" ")
    .replace(/^["“]|["”]$/g, "");
  // The fields are checked by the desk, which says which one is wrong.
  if (name === "") return { kind: "usage" };
  return { kind: "add", name, from, to, ack: ack.split(","), reminder };
}
