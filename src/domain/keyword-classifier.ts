import type { IncidentType } from "./incident-types.ts";
import { foldDiacritics, wordTokens } from "./text.ts";

/** One candidate incident type for a description, with the phrases that suggested it. */
export interface IncidentTypeGuess {
  type: IncidentType;
  score: number;
  matched: string[];
}

// Weights: 3 = on its own names the type, 2 = strong hint, 1 = only counts together with something else.
const STRONG = 3;
const HINT = 2;
const WEAK = 1;

/** Below this nothing is proposed: one weak word ("lỗi", "mật khẩu") is not a classification. */
const MIN_SCORE = 2;

/**
 * A rule matches when all of its phrases occur in the text. Phrases are matched as whole-token sequences
 * after folding, so "sét" never matches inside "reset". A phrase written as `=bão` only matches when the
 * reporter typed the diacritics: its folded form ("bao") is also "báo", "bao", "bảo"; the folded-only
 * spelling of such words is covered by unambiguous longer phrases instead ("mưa bão", "bão lũ").
 * A token ending in `*` matches any token with that prefix ("deface*" matches "defaced").
 */
interface Rule {
  phrases: readonly string[];
  weight: number;
}

type RuleSpec = string | readonly [string, number] | { all: readonly string[]; weight: number };

const RULES: Record<Exclude<IncidentType, "other">, readonly RuleSpec[]> = {
  ransomware: [
    ["ransomware", 4],
    ["ransomeware", 4],
    ["ransom", STRONG],
    ["lockbit", STRONG],
    ["wannacry", STRONG],
    ["phobos", STRONG],
    ["djvu", STRONG],
    ["mã hóa tống tiền", 4],
    ["tống tiền", STRONG],
    ["tiền chuộc", STRONG],
    ["đòi tiền", HINT],
    ["bị mã hóa", STRONG],
    ["mã hóa hết", STRONG],
    ["mã hóa toàn bộ", STRONG],
    ["mã hóa dữ liệu", STRONG],
    ["mã hóa file", STRONG],
    ["mã hóa", HINT],
    ["đuôi file lạ", STRONG],
    ["đuôi lạ", STRONG],
    ["đổi đuôi", STRONG],
    ["bitcoin", HINT],
    ["btc", HINT],
    ["không mở được file", WEAK],
    ["không mở được", WEAK],
    ["encrypted", HINT],
    ["files encrypted", STRONG],
    ["decrypt", HINT],
  ],
  defacement: [
    ["thay đổi giao diện", STRONG],
    ["thay giao diện", STRONG],
    ["đổi giao diện", STRONG],
    ["giao diện bị thay", STRONG],
    ["giao diện lạ", STRONG],
    ["deface*", STRONG],
    ["trang chủ hiện hình", STRONG],
    ["trang chủ bị thay", STRONG],
    ["hiện hình ảnh lạ", STRONG],
    ["hình ảnh lạ", HINT],
    ["nội dung lạ", HINT],
    ["chèn nội dung", HINT],
    ["treo cờ", STRONG],
    ["cờ lạ", STRONG],
    ["hacked by", 4],
    ["hacked", HINT],
    ["web bị hack", HINT],
    ["trang web bị hack", HINT],
    ["chèn link", HINT],
    ["cờ bạc", HINT],
    ["cá độ", HINT],
    ["nội dung xuyên tạc", STRONG],
    ["phản động", HINT],
    ["cờ vàng", STRONG],
    ["owned by", STRONG],
  ],
  ddos: [
    ["ddos", 4],
    ["dos", STRONG],
    ["d dos", STRONG],
    ["từ chối dịch vụ", 4],
    ["denial of service", 4],
    ["quá tải", HINT],
    ["lưu lượng lớn", STRONG],
    ["lưu lượng bất thường", STRONG],
    ["lưu lượng tăng", STRONG],
    ["băng thông", HINT],
    ["nghẽn mạng", HINT],
    ["nghẽn", WEAK],
    ["lưu lượng", WEAK],
    ["truy cập ảo", STRONG],
    ["request", WEAK],
    ["traffic", WEAK],
    ["flood", HINT],
    ["syn flood", 4],
    ["udp flood", 4],
    ["http flood", 4],
    ["không truy cập được", WEAK],
    ["rất chậm", WEAK],
    { all: ["không truy cập được", "lưu lượng"], weight: HINT },
    { all: ["không truy cập được", "quá tải"], weight: WEAK },
  ],
  phishing: [
    ["phishing", 4],
    ["phising", 4],
    ["email giả mạo", 4],
    ["mail giả mạo", 4],
    ["thư giả mạo", 4],
    ["email lừa đảo", 4],
    ["mail lừa đảo", 4],
    ["thư lừa đảo", 4],
    ["website giả mạo", 4],
    ["trang web giả mạo", 4],
    ["web giả mạo", 4],
    ["trang giả mạo", STRONG],
    ["giả mạo", HINT],
    ["lừa đảo", HINT],
    ["mạo danh", HINT],
    ["đường link lạ", STRONG],
    ["link lạ", STRONG],
    ["đường dẫn lạ", STRONG],
    ["file đính kèm lạ", STRONG],
    ["tệp đính kèm lạ", STRONG],
    ["đính kèm", WEAK],
    ["yêu cầu cung cấp mật khẩu", STRONG],
    ["yêu cầu đăng nhập", HINT],
    ["spoof*", STRONG],
    ["fake email", STRONG],
    ["suspicious link", STRONG],
    ["email", WEAK],
  ],
  account_compromise: [
    ["mất tài khoản", 4],
    ["bị chiếm tài khoản", 4],
    ["chiếm tài khoản", STRONG],
    ["tài khoản bị chiếm", 4],
    ["tài khoản bị hack", 4],
    ["hack tài khoản", 4],
    ["hack email", STRONG],
    ["email bị hack", 4],
    ["mail bị hack", 4],
    ["facebook bị hack", 4],
    ["zalo bị hack", 4],
    ["fanpage bị hack", 4],
    ["bị đổi mật khẩu", 4],
    ["mật khẩu bị đổi", 4],
    ["tự đổi mật khẩu", STRONG],
    ["không đăng nhập được", HINT],
    ["đăng nhập lạ", 4],
    ["đăng nhập bất thường", 4],
    ["đăng nhập từ nước ngoài", 4],
    ["lộ mật khẩu", 4],
    ["mật khẩu bị lộ", 4],
    ["lộ tài khoản", 4],
    ["tài khoản bị lộ", 4],
    ["tài khoản quản trị", WEAK],
    ["gửi thư rác", HINT],
    ["tự gửi email", STRONG],
    ["tự gửi mail", STRONG],
    ["account compromised", 4],
    ["account hacked", 4],
    ["credential*", HINT],
    ["mật khẩu", WEAK],
    ["tài khoản", WEAK],
  ],
  data_leak: [
    ["lộ dữ liệu", 4],
    ["lộ lọt dữ liệu", 4],
    ["lộ lọt", STRONG],
    ["lộ thông tin", STRONG],
    ["dữ liệu bị lộ", 4],
    ["mất dữ liệu", HINT],
    ["rò rỉ", STRONG],
    ["rao bán dữ liệu", 4],
    ["rao bán", STRONG],
    ["bán dữ liệu", STRONG],
    ["dữ liệu bị đăng", STRONG],
    ["đăng lên mạng", HINT],
    ["đăng trên diễn đàn", STRONG],
    ["diễn đàn hacker", STRONG],
    ["dữ liệu cá nhân", HINT],
    ["thông tin cá nhân", HINT],
    ["cccd", WEAK],
    ["leak*", STRONG],
    ["data breach", 4],
    ["breachforums", STRONG],
    ["dump", HINT],
  ],
  malware: [
    ["mã độc", STRONG],
    ["nhiễm mã độc", 4],
    ["virus", STRONG],
    ["nhiễm virus", 4],
    ["trojan", STRONG],
    ["botnet", STRONG],
    ["danh sách ip botnet", 4],
    ["ip botnet", 4],
    ["malware", 4],
    ["spyware", STRONG],
    ["keylogger", STRONG],
    ["worm", STRONG],
    ["miner", HINT],
    ["đào tiền ảo", STRONG],
    ["đào coin", STRONG],
    ["phần mềm độc hại", 4],
    ["phần mềm lạ", HINT],
    ["tiến trình lạ", HINT],
    ["c c", HINT],
    ["máy chủ điều khiển", HINT],
    ["kết nối đến máy chủ lạ", STRONG],
    ["antivirus", HINT],
    ["diệt virus", HINT],
    ["cảnh báo", WEAK],
    ["usb", WEAK],
  ],
  intrusion: [
    ["xâm nhập", STRONG],
    ["xâm nhập trái phép", 4],
    ["chiếm quyền", STRONG],
    ["chiếm quyền điều khiển", 4],
    ["chiếm quyền quản trị", 4],
    ["leo thang đặc quyền", STRONG],
    ["webshell", 4],
    ["web shell", 4],
    ["shell", HINT],
    ["backdoor", 4],
    ["cửa hậu", 4],
    ["tài khoản lạ", STRONG],
    ["tài khoản admin lạ", 4],
    ["tạo tài khoản lạ", 4],
    ["truy cập trái phép", STRONG],
    ["điều khiển từ xa", HINT],
    ["hacker", HINT],
    ["bị hack", HINT],
    ["hack", WEAK],
    ["intrusion", 4],
    ["compromised", HINT],
    ["unauthorized access", 4],
    ["rootkit", STRONG],
  ],
  vuln_exploit_attempt: [
    ["dò quét", 4],
    ["quét cổng", 4],
    ["rà quét", HINT],
    ["scan*", STRONG],
    ["brute force", 4],
    ["bruteforce", 4],
    ["dò mật khẩu", 4],
    ["thử đăng nhập nhiều lần", 4],
    ["đăng nhập sai nhiều lần", 4],
    ["đăng nhập thất bại", STRONG],
    ["sql injection", STRONG],
    ["sqli", STRONG],
    ["xss", STRONG],
    ["khai thác", HINT],
    ["cố gắng khai thác", 4],
    ["thử khai thác", 4],
    ["waf chặn", STRONG],
    ["tường lửa chặn", STRONG],
    ["ids cảnh báo", HINT],
    ["ips chặn", HINT],
    ["chưa thành công", HINT],
    ["không thành công", HINT],
    ["bị chặn", WEAK],
    ["exploit attempt", 4],
  ],
  vulnerability: [
    ["lỗ hổng", STRONG],
    ["lỗ hổng bảo mật", 4],
    ["chưa vá", STRONG],
    ["chưa cập nhật bản vá", 4],
    ["bản vá", HINT],
    ["cve", 4],
    ["vulnerability", 4],
    ["vulnerable", STRONG],
    ["unpatched", STRONG],
    ["zero day", STRONG],
    ["0day", STRONG],
    ["cảnh báo lỗ hổng", 4],
    ["phiên bản cũ", WEAK],
  ],
  system_failure: [
    ["hỏng ổ cứng", 4],
    ["ổ cứng hỏng", 4],
    ["ổ cứng bị hỏng", 4],
    ["lỗi ổ cứng", 4],
    ["lỗi phần mềm", STRONG],
    ["lỗi phần cứng", STRONG],
    ["lỗi hệ thống", STRONG],
    ["=sập", STRONG],
    ["bị sập", STRONG],
    ["sập nguồn", STRONG],
    ["sập hệ thống", STRONG],
    ["hệ thống sập", STRONG],
    ["máy chủ sập", STRONG],
    ["web sập", STRONG],
    ["website sập", STRONG],
    ["mất kết nối", STRONG],
    ["mất mạng", STRONG],
    ["đứt cáp", STRONG],
    ["đứt cáp quang", 4],
    ["hỏng", HINT],
    ["bị hỏng", HINT],
    ["bị treo", HINT],
    ["treo máy", HINT],
    ["khởi động lại", WEAK],
    ["không khởi động được", STRONG],
    ["màn hình xanh", STRONG],
    ["lỗi", WEAK],
    ["không truy cập được", WEAK],
    ["hết dung lượng", STRONG],
    ["đầy ổ", STRONG],
    ["raid", HINT],
    ["switch", WEAK],
    ["router", WEAK],
    ["outage", STRONG],
    ["hardware failure", 4],
    ["crash*", HINT],
    ["down", HINT],
  ],
  operator_error: [
    ["xóa nhầm", 4],
    ["lỡ xóa", 4],
    ["xóa mất", STRONG],
    ["cấu hình sai", 4],
    ["cấu hình nhầm", 4],
    ["sai cấu hình", 4],
    ["thao tác nhầm", 4],
    ["thao tác sai", 4],
    ["nhầm lẫn", HINT],
    ["bấm nhầm", STRONG],
    ["gửi nhầm", STRONG],
    ["vô tình", HINT],
    ["sơ suất", STRONG],
    ["quên gia hạn", STRONG],
    ["hết hạn tên miền", STRONG],
    ["hết hạn chứng thư", STRONG],
    ["chứng chỉ ssl hết hạn", STRONG],
    ["ssl hết hạn", STRONG],
    ["misconfigur*", 4],
    ["human error", 4],
    ["deleted by mistake", 4],
    ["accidentally", STRONG],
  ],
  disaster: [
    ["mất điện", STRONG],
    ["cúp điện", STRONG],
    ["cắt điện", STRONG],
    ["điện bị cắt", STRONG],
    ["chập điện", STRONG],
    ["=cháy", STRONG],
    ["bị cháy", STRONG],
    ["cháy nổ", 4],
    ["chập cháy", 4],
    ["hỏa hoạn", 4],
    ["=lũ", STRONG],
    ["lũ lụt", 4],
    ["lũ quét", 4],
    ["ngập lụt", 4],
    ["ngập nước", 4],
    ["bị ngập", STRONG],
    ["=bão", STRONG],
    ["mưa bão", 4],
    ["bão lũ", 4],
    ["cơn bão", 4],
    ["bão số", 4],
    ["=sét", STRONG],
    ["sét đánh", 4],
    ["bị sét", 4],
    ["thiên tai", 4],
    ["động đất", 4],
    ["sạt lở", 4],
    ["power outage", 4],
    ["power failure", 4],
    ["fire", STRONG],
    ["flood", WEAK],
    ["flooded", STRONG],
    ["flooding", STRONG],
    ["lightning", 4],
    ["earthquake", 4],
    ["typhoon", 4],
    ["ups", WEAK],
    ["máy phát điện", HINT],
  ],
  scam_call: [
    ["cuộc gọi lừa đảo", 4],
    ["gọi điện lừa đảo", 4],
    ["tin nhắn lừa đảo", 4],
    ["nhắn tin lừa đảo", 4],
    ["sms lừa đảo", 4],
    ["sms", HINT],
    ["sms mạo danh", 4],
    ["tin nhắn mạo danh", 4],
    ["tin nhắn", WEAK],
    ["cuộc gọi", HINT],
    ["gọi điện", HINT],
    ["điện thoại", WEAK],
    ["gọi điện mạo danh công an", 5],
    ["gọi điện mạo danh", 4],
    ["mạo danh công an", STRONG],
    ["mạo danh cán bộ", HINT],
    ["số lạ gọi", STRONG],
    ["số lạ", HINT],
    ["gọi đến", WEAK],
    ["chuyển tiền", HINT],
    ["chuyển khoản", HINT],
    ["mã otp", HINT],
    ["otp", HINT],
    ["scam call", 4],
    ["scam", HINT],
    ["zalo lạ", HINT],
  ],
};

// Tie-break: more specific types first, so "web bị hack, giao diện bị đổi" goes to defacement rather than
// the generic intrusion, and a scam SMS goes to scam_call rather than phishing. A disaster ranks above
// system_failure because it is the cause and the failure only its symptom ("sét đánh hỏng switch").
const PRIORITY: readonly IncidentType[] = [
  "ransomware",
  "defacement",
  "data_leak",
  "account_compromise",
  "ddos",
  "scam_call",
  "phishing",
  "malware",
  "intrusion",
  "vuln_exploit_attempt",
  "vulnerability",
  "operator_error",
  "disaster",
  "system_failure",
  "other",
];

// Chat shorthand of hurried reporters, expanded before matching (folded forms).
const ABBREVIATIONS: Record<string, string> = {
  ko: "khong",
  k: "khong",
  kh: "khong",
  khg: "khong",
  hok: "khong",
  dc: "duoc",
  mk: "mat khau",
  pass: "mat khau",
  pw: "mat khau",
  tk: "tai khoan",
  acc: "tai khoan",
  dl: "du lieu",
  csdl: "co so du lieu",
  ht: "he thong",
  hthong: "he thong",
  bj: "bi",
  ng: "nguoi",
  tn: "tin nhan",
  dt: "dien thoai",
  dthoai: "dien thoai",
  sdt: "so dien thoai",
  vs: "voi",
  j: "gi",
  mail: "email",
  gmail: "email",
  website: "web",
  webside: "web",
};

interface Token {
  folded: string;
  /** Lowercase NFC with diacritics, or null when the token came from expanding an abbreviation. */
  raw: string | null;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const raw of wordTokens(text)) {
    const folded = foldDiacritics(raw);
    const expansion = ABBREVIATIONS[folded];
    if (expansion !== undefined && expansion !== folded) {
      for (const part of expansion.split(" ")) tokens.push({ folded: part, raw: null });
    } else {
      tokens.push({ folded, raw });
    }
  }
  return tokens;
}

interface PhrasePattern {
  display: string;
  tokens: readonly string[];
  /** Compare against the raw (accented) token instead of the folded one. */
  accented: boolean;
  /** The first token when it must match exactly (no "*"): a text without it cannot hold the phrase. */
  first: string | null;
}

function compilePhrase(phrase: string): PhrasePattern {
  const accented = phrase.startsWith("=");
  const body = accented ? phrase.slice(1) : phrase;
  // Keep a trailing "*" through tokenisation, which would drop it.
  const words = body.split(/\s+/).flatMap((word) => {
    const star = word.endsWith("*");
    const parts = tokenize(star ? word.slice(0, -1) : word).map((t) =>
      accented ? (t.raw ?? t.folded) : t.folded,
    );
    if (star && parts.length > 0) parts[parts.length - 1] = `${parts[parts.length - 1]}*`;
    return parts;
  });
  const first = words[0] !== undefined && !words[0].endsWith("*") ? words[0] : null;
  return { display: body, tokens: words, accented, first };
}

function tokenMatches(pattern: string, token: Token, accented: boolean): boolean {
  const value = accented ? token.raw : token.folded;
  if (value === null) return false;
  return pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

/** The words of a text, folded and as typed, to rule out at once the phrases whose first word is absent. */
interface TokenSets {
  folded: ReadonlySet<string>;
  raw: ReadonlySet<string | null>;
}

/** Start indices where the phrase occurs as a whole-token sequence. */
function findPhrase(pattern: PhrasePattern, tokens: readonly Token[], present: TokenSets): number[] {
  const starts: number[] = [];
  const n = pattern.tokens.length;
  if (n === 0) return starts;
  // Hundreds of phrases against a short text: most fail on their first word, which a set lookup settles.
  if (pattern.first !== null && !(pattern.accented ? present.raw : present.folded).has(pattern.first)) {
    return starts;
  }
  for (let i = 0; i + n <= tokens.length; i++) {
    let all = true;
    for (let j = 0; j < n; j++) {
      const token = tokens[i + j];
      const p = pattern.tokens[j];
      if (token === undefined || p === undefined || !tokenMatches(p, token, pattern.accented)) {
        all = false;
        break;
      }
    }
    if (all) starts.push(i);
  }
  return starts;
}

// Reports often rule things out ("không phát hiện mã độc", "ko phải ransomware"); a phrase right after
// such a cue is evidence against the type, so it is not counted.
const NEGATION_CUES = [
  "khong phai",
  "khong phai la",
  "khong co dau hieu",
  "chua co dau hieu",
  "khong phat hien",
  "chua phat hien",
  "khong thay",
  "chua thay",
  "khong bi",
  "chua bi",
  "not",
  "no sign of",
  "no signs of",
].map((cue) => cue.split(" "));
const NEGATION_REACH = 3;
// A bare "không"/"chưa" negates only the phrase right after it: "ko bị mã hóa", "chưa bị lộ".
const ADJACENT_NEGATIONS = new Set(["khong", "chua"]);

function isNegated(tokens: readonly Token[], start: number): boolean {
  const previous = tokens[start - 1]?.folded;
  if (previous !== undefined && ADJACENT_NEGATIONS.has(previous)) return true;
  for (let end = start; end >= Math.max(0, start - NEGATION_REACH); end--) {
    for (const cue of NEGATION_CUES) {
      const from = end - cue.length;
      if (from >= 0 && cue.every((word, k) => tokens[from + k]?.folded === word)) return true;
    }
  }
  return false;
}

interface CompiledRule {
  type: IncidentType;
  patterns: PhrasePattern[];
  weight: number;
}

function normaliseRule(spec: RuleSpec): Rule {
  if (typeof spec === "string") return { phrases: [spec], weight: HINT };
  if ("all" in spec) return { phrases: spec.all, weight: spec.weight };
  return { phrases: [spec[0]], weight: spec[1] };
}

const COMPILED: CompiledRule[] = Object.entries(RULES).flatMap(([type, specs]) =>
  specs.map((spec) => {
    const rule = normaliseRule(spec);
    return { type: type as IncidentType, patterns: rule.phrases.map(compilePhrase), weight: rule.weight };
  }),
);

interface Hit {
  rule: CompiledRule;
  start: number;
  end: number;
}

/** All incident types the text hints at, best first (score, then specificity); empty when none. */
export function rankIncidentTypes(text: string): IncidentTypeGuess[] {
  const tokens = tokenize(text.slice(0, 20_000));
  if (tokens.length === 0) return [];
  const present: TokenSets = {
    folded: new Set(tokens.map((t) => t.folded)),
    raw: new Set(tokens.map((t) => t.raw)),
  };

  // Single-phrase hits compete for their tokens: the longest phrase covering a span wins it, so
  // "cuộc gọi lừa đảo" counts for scam_call and its inner "lừa đảo" does not also count for phishing.
  const hits: Hit[] = [];
  const combos: CompiledRule[] = [];
  for (const rule of COMPILED) {
    if (rule.patterns.length > 1) {
      if (rule.patterns.every((p) => findPhrase(p, tokens, present).length > 0)) combos.push(rule);
      continue;
    }
    const pattern = rule.patterns[0];
    if (!pattern) continue;
    for (const start of findPhrase(pattern, tokens, present)) {
      if (isNegated(tokens, start)) continue;
      hits.push({ rule, start, end: start + pattern.tokens.length });
    }
  }
  hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);

  const claimedBy: (number | undefined)[] = new Array(tokens.length).fill(undefined);
  const accepted: Hit[] = [];
  for (const hit of hits) {
    let covered = true;
    for (let i = hit.start; i < hit.end; i++) {
      const owner = claimedBy[i];
      const ownerHit = owner === undefined ? undefined : accepted[owner];
      // A span inside a longer phrase is covered; the same span matched for two types counts for both.
      if (!ownerHit || ownerHit.end - ownerHit.start === hit.end - hit.start) {
        covered = false;
        break;
      }
    }
    if (covered) continue;
    accepted.push(hit);
    for (let i = hit.start; i < hit.end; i++) claimedBy[i] ??= accepted.length - 1;
  }

  const byType = new Map<IncidentType, { score: number; matched: string[] }>();
  const add = (type: IncidentType, display: string, weight: number) => {
    const entry = byType.get(type) ?? { score: 0, matched: [] };
    // Repeating a word does not make the case stronger.
    if (entry.matched.includes(display)) return;
    entry.score += weight;
    entry.matched.push(display);
    byType.set(type, entry);
  };
  for (const hit of accepted) {
    const pattern = hit.rule.patterns[0];
    if (pattern) add(hit.rule.type, pattern.display, hit.rule.weight);
  }
  for (const rule of combos) add(rule.type, rule.patterns.map((p) => p.display).join(" + "), rule.weight);

  return [...byType.entries()]
    .map(([type, { score, matched }]) => ({ type, score, matched }))
    .sort((a, b) => b.score - a.score || PRIORITY.indexOf(a.type) - PRIORITY.indexOf(b.type));
}

/** The most likely incident type of a free-text description, or null when the text gives too little. */
export function classifyIncidentText(text: string): IncidentTypeGuess | null {
  // A flow asks about one text several times in a row (the guard that routes it, the action that keeps it).
  if (lastClassified?.text === text) return lastClassified.guess;
  const best = rankIncidentTypes(text)[0];
  const guess = best && best.score >= MIN_SCORE ? best : null;
  lastClassified = { text, guess };
  return guess;
}

let lastClassified: { text: string; guess: IncidentTypeGuess | null } | undefined;
