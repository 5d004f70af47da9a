// Statements about the incident's state and reach: status, number of machines, a server among them,
// spreading, a service outage, data exposed. Each is a short list of folded phrases (Vietnamese typed with or
// without diacritics, chat shorthand, English); a phrase right after a negation counts against the sign.

import { evidence, type Folded } from "./folded.ts";
import { NUMBER_WORDS } from "./numbers.ts";
import type { Evidence, FactValues } from "./types.ts";

export interface Signal<V> {
  value: V;
  evidence: Evidence;
}

interface Match {
  start: number;
  end: number;
}

// Shorthand of hurried typing, as alternatives inside the phrase sources below.
const NOT = "(?:khong|ko|k|kh|hok|khg)";
const CAN = "(?:duoc|dc|nua)";

function compile(sources: readonly string[]): RegExp {
  return new RegExp(`(?<![a-z0-9])(?:${sources.join("|")})(?![a-z0-9])`, "g");
}

function matches(text: Folded, re: RegExp): Match[] {
  return [...text.folded.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

// "không bị lây lan", "chưa phát hiện lộ dữ liệu", "no sign of data leak", "has not spread".
const NEGATED_BEFORE =
  /(?:^|[^a-z0-9])(?:khong|ko|k|chua|chang|not|no|never|without|nothing)(?:\s+[a-z0-9]+){0,3}\s+$/;

function negated(text: Folded, m: Match): boolean {
  const before = text.folded.slice(Math.max(0, m.start - 40), m.start);
  const clause = before.split(/[.,;!?\n]/).at(-1) ?? "";
  return NEGATED_BEFORE.test(` ${clause}`);
}

// ── status ──────────────────────────────────────────────────────────────────────────────────────────────

const RESOLVED = compile([
  "da (?:duoc )?khac phuc",
  "khac phuc xong",
  "da (?:duoc )?xu ly xong",
  "xu ly xong",
  "da (?:duoc )?khoi phuc",
  "khoi phuc xong",
  "hoat dong (?:binh thuong )?tro lai",
  "da (?:on dinh|binh thuong) (?:tro )?lai",
  "da giai quyet",
  "da sua (?:lai|xong|loi)",
  "da va (?:lo hong|xong)",
  "resolved",
  "fixed",
  "restored",
  "back to normal",
  "back online",
  "up again",
]);
const CONTAINED = compile([
  "da (?:duoc )?ngan chan",
  "da chan",
  "da (?:duoc )?co lap",
  "da cach ly",
  "da ngat (?:ket noi|mang|internet)",
  "da rut (?:day )?mang",
  "da tat (?:may|web|website|trang)",
  "da tam (?:dung|ngung|dong)",
  "da go (?:bo )?(?:noi dung|trang)",
  "da (?:khoa|doi mat khau|thu hoi)",
  "(?:is|are|was|were|been) (?:now )?(?:locked|disabled|suspended)",
  "contained",
  "isolated",
  "blocked",
  "disconnected",
  "taken (?:it )?offline",
  "took (?:it |the site )?offline",
]);
const ONGOING = compile([
  "dang dien ra",
  "van dang",
  `van (?:${NOT}|chua)`,
  "den (?:gio|nay) van",
  "van tiep tuc",
  "van con",
  "dang tiep dien",
  "dang bi",
  "dang (?:lay|ma hoa|tan cong)",
  `chua (?:duoc )?(?:khac phuc|xu ly|khoi phuc|ngan chan) ?${CAN}?`,
  "ongoing",
  "still",
  "in progress",
  "is being",
  "are being",
  "currently",
]);

export function findStatus(text: Folded): Signal<FactValues["status"]> | null {
  const found: (Match & { value: FactValues["status"] })[] = [];
  for (const [re, value] of [
    [RESOLVED, "resolved"],
    [CONTAINED, "contained"],
    [ONGOING, "ongoing"],
  ] as const) {
    for (const m of matches(text, re)) {
      // "not resolved yet", "không được ngăn chặn": the incident goes on.
      found.push({ ...m, value: value !== "ongoing" && negated(text, m) ? "ongoing" : value });
    }
  }
  // The latest statement is the present state: "đã cô lập lúc 9h, đến 10h đã khắc phục" is resolved.
  const last = found.sort((a, b) => a.start - b.start).at(-1);
  return last ? { value: last.value, evidence: evidence(text, last.start, last.end) } : null;
}

// ── machines and servers ────────────────────────────────────────────────────────────────────────────────

const SERVER_UNIT = /^(?:may chu|servers?|vps)/;
const MACHINES = new RegExp(
  `(?<![a-z0-9.:/])(\\d{1,4}|${Object.keys(NUMBER_WORDS).join("|")})\\s*` +
    "(may chu(?: ao)?|may tinh|may tram|may(?! (?:in|photo|phat|lanh|chieu|quet|bay|moc))|pcs?|computers?|machines?|" +
    "workstations?|servers?|laptops?|hosts?|endpoints?|vps)(?![a-z0-9])",
  "g",
);

// Folded number words that are also other words ("Quảng Nam máy chủ", "bà", "tạm", "sau"): typed with
// diacritics, only these spellings are numbers.
const NUMBER_SPELLINGS: Record<string, readonly string[]> = {
  mot: ["một"],
  ba: ["ba"],
  bon: ["bốn"],
  nam: ["năm"],
  sau: ["sáu"],
  bay: ["bảy", "bẩy"],
  tam: ["tám"],
  chin: ["chín"],
  muoi: ["mười"],
};

const VIETNAMESE_MARKS = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

function spelledAsNumber(text: Folded, start: number, word: string): boolean {
  const spellings = NUMBER_SPELLINGS[word];
  if (spellings === undefined) return true;
  const typed = text.original.slice(start, start + word.length).toLowerCase();
  // A message typed without diacritics says nothing either way; in one typed with them, "Nam" is a name.
  return spellings.includes(typed) || (typed === word && !VIETNAMESE_MARKS.test(text.original));
}

export function findMachines(text: Folded): Signal<number> | null {
  let workstations: (Match & { n: number }) | undefined;
  let servers: (Match & { n: number }) | undefined;
  for (const m of text.folded.matchAll(MACHINES)) {
    const amount = m[1] ?? "";
    const n = /^\d+$/.test(amount) ? Number(amount) : NUMBER_WORDS[amount];
    if (n === undefined || n === 0 || !spelledAsNumber(text, m.index, amount)) continue;
    const hit = { start: m.index, end: m.index + m[0].length, n };
    // The same kind counted twice ("3 máy … cả 3 máy") is one group; workstations and servers add up.
    if (SERVER_UNIT.test(m[2] ?? "")) {
      if (!servers || n > servers.n) servers = hit;
    } else if (!workstations || n > workstations.n) workstations = hit;
  }
  const parts = [workstations, servers].filter((h) => h !== undefined);
  const first = parts[0];
  if (!first) return null;
  const start = Math.min(...parts.map((p) => p.start));
  const end = Math.max(...parts.map((p) => p.end));
  return { value: parts.reduce((s, p) => s + p.n, 0), evidence: evidence(text, start, end) };
}

const SERVER = compile([
  "may chu(?! (?:la|dieu khien|cua hacker|cua ke tan cong|nuoc ngoai|c c|c2))",
  "server(?:s)?(?! (?:la|cua hacker))",
  "srv",
  "vps",
  "domain controller",
  "active directory",
]);
const SERVER_SPARED =
  /^\s+(?:van\s+|thi\s+)?(?:khong|ko|chua)\s+(?:bi|anh huong)|^\s+(?:is\s+|was\s+|were\s+)?not\s+(?:affected|impacted|hit)\b/;

export function findServer(text: Folded): Signal<"yes" | "no"> | null {
  let no: Match | undefined;
  for (const m of matches(text, SERVER)) {
    const spared = negated(text, m) || SERVER_SPARED.test(text.folded.slice(m.end, m.end + 30));
    if (!spared) return { value: "yes", evidence: evidence(text, m.start, m.end) };
    no ??= m;
  }
  return no ? { value: "no", evidence: evidence(text, no.start, no.end) } : null;
}

// ── yes/no signs ────────────────────────────────────────────────────────────────────────────────────────

/** A sign stated anywhere outweighs its denial elsewhere: once seen, a spread or an outage happened. */
function sign(text: Folded, yes: RegExp, no: RegExp | null): Signal<"yes" | "no"> | null {
  let denial: Match | undefined;
  for (const m of matches(text, yes)) {
    if (!negated(text, m)) return { value: "yes", evidence: evidence(text, m.start, m.end) };
    denial ??= m;
  }
  if (no) denial ??= matches(text, no)[0];
  return denial ? { value: "no", evidence: evidence(text, denial.start, denial.end) } : null;
}

const SPREADING = compile([
  "lay lan",
  "lay sang",
  "lan sang",
  "lan ra",
  "lay nhiem sang",
  "lay ra",
  "nhieu may khac",
  "cac may khac",
  "spread(?:ing|s)?",
  "lateral movement",
  "propagat(?:ing|ed|es)",
]);

const OUTAGE = compile([
  `${NOT} (?:the )?(?:truy cap|vao|su dung|dung|gui|nhan|dang nhap|ket noi) (?:[a-z]+ ){0,2}?${CAN}`,
  `${NOT} (?:the )?(?:truy cap|vao|su dung)(?! ${CAN})`,
  // Not opening a file is not an outage; not opening the site is.
  `${NOT} (?:the )?mo (?:${CAN} )?(?:trang|web|website|cong)`,
  "chap chon",
  `${NOT} (?:con )?hoat dong`,
  "(?:bi )?sap",
  "ngung hoat dong",
  "ngung cung cap",
  "te liet",
  "gian doan",
  "mat (?:ket noi|mang|internet)",
  "down",
  "offline",
  "unreachable",
  "unavailable",
  "outage",
  "inaccessible",
  "(?:cannot|can ?t|could not|couldn ?t) (?:be )?(?:access|reach|open|log ?in)",
  "not (?:accessible|reachable|working|responding)",
  "stopped working",
]);
const NO_OUTAGE = compile([
  "van (?:hoat dong|truy cap|chay|su dung) (?:binh thuong|duoc|dc)",
  "van hoat dong",
  "still (?:up|working|online|accessible|running)",
  "no outage",
  `${NOT} (?:bi )?anh huong (?:den |toi )?dich vu`,
]);

export function findSpreading(text: Folded): Signal<"yes" | "no"> | null {
  return sign(text, SPREADING, null);
}

export function findOutage(text: Folded): Signal<"yes" | "no"> | null {
  // The outage phrases hold their own "không"; only a negation before them ("không bị gián đoạn") counts.
  return sign(text, OUTAGE, NO_OUTAGE);
}

// ── data exposed ────────────────────────────────────────────────────────────────────────────────────────

const DATA_EXPOSED = compile([
  "lo (?:lot )?(?:du lieu|thong tin|tai lieu|ho so)",
  "lo lot",
  "ro ri",
  "rao ban",
  "(?:bi )?(?:danh cap|lay cap|trom|tai xuong|tai ve|sao chep) (?:mat )?(?:du lieu|thong tin|tai lieu|csdl|co so du lieu)",
  "(?:du lieu|thong tin|tai lieu|ho so) (?:(?!(?:khong|ko|k|chua|not) )[a-z]+ ){0,3}?bi (?:lo|danh cap|lay cap|dang|rao ban|tai xuong|tai ve|sao chep)",
  "dang (?:len|tren) (?:mang|dien dan|telegram)",
  "leak(?:ed|s)?",
  "data breach",
  "exfiltrat(?:ed|ion|ing)",
  "(?:stolen|dumped) (?:data|records|files)",
  "(?:data|records|files) (?:was |were )?(?:stolen|dumped|exposed|published)",
]);
const DATA_SAFE = compile([
  `(?:du lieu|thong tin|tai lieu|ho so) (?:[a-z]+ ){0,2}?(?:${NOT}|chua) (?:bi )?(?:lo|danh cap|lay cap|ro ri)`,
  "no data (?:was |were )?(?:leaked|stolen|exposed)",
]);
const PERSONAL =
  /(?<![a-z])(?:ca nhan|cccd|cmnd|can cuoc|benh nhan|nguoi dan|cong dan|hoc sinh|khach hang|personal|citizens?|patients?|customers?)(?![a-z])/;
const SECRET = /(?<![a-z])(?:bi mat nha nuoc|tai lieu mat|van ban mat|classified|state secrets?)(?![a-z])/;

export function findDataExposed(text: Folded): Signal<FactValues["dataExposed"]> | null {
  const found = sign(text, DATA_EXPOSED, DATA_SAFE);
  if (!found) return null;
  if (found.value === "no") return { value: "none", evidence: found.evidence };
  const value = SECRET.test(text.folded) ? "state_secret" : PERSONAL.test(text.folded) ? "personal" : "yes";
  return { value, evidence: found.evidence };
}
