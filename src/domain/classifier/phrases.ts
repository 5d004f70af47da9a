import { foldDiacritics, wordTokens } from "../text.ts";

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

export interface Token {
  folded: string;
  /** Lowercase NFC with diacritics, or null when the token came from expanding an abbreviation. */
  raw: string | null;
}

export function tokenize(text: string): Token[] {
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

export interface PhrasePattern {
  display: string;
  tokens: readonly string[];
  /** Compare against the raw (accented) token instead of the folded one. */
  accented: boolean;
  /** The first token when it must match exactly (no "*"): a text without it cannot hold the phrase. */
  first: string | null;
}

export function compilePhrase(phrase: string): PhrasePattern {
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
export interface TokenSets {
  folded: ReadonlySet<string>;
  raw: ReadonlySet<string | null>;
}

/** Start indices where the phrase occurs as a whole-token sequence. */
export function findPhrase(pattern: PhrasePattern, tokens: readonly Token[], present: TokenSets): number[] {
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

export function isNegated(tokens: readonly Token[], start: number): boolean {
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
