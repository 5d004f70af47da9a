import type { Reason } from "../severity-input.ts";
import { foldDiacritics } from "../text.ts";
import { clipText } from "../text-cut.ts";
import { fail, MAX_SHORT_INPUT, ok, REQUIRED, type ValidationResult } from "./result.ts";

// ---------------------------------------------------------------------------------------------------------
// Counts (affected machines, records, people)
// ---------------------------------------------------------------------------------------------------------

const UNKNOWN_ANSWERS = new Set([
  "khong ro",
  "khong biet",
  "chua ro",
  "chua biet",
  "chua xac dinh",
  "khong xac dinh",
  "ko ro",
  "ko biet",
  "k ro",
  "k biet",
  "kb",
  "unknown",
  "not sure",
  "dont know",
  "don't know",
  "idk",
  "n/a",
  "?",
  "??",
  "???",
]);

const ZERO_ANSWERS = new Set(["khong", "khong co", "ko co", "k co", "chua co", "none", "zero", "no"]);

const APPROX_PREFIX =
  /^(?:khoang|tam|gan|hon|tren|it nhat|toi thieu|chung|xap xi|uoc tinh|uoc|about|around|approximately|approx|over|more than|at least|nearly|almost|~|≈|>=|>)\s*/;
const APPROX_SUFFIX = /\s*(?:\+|tro len|or more)$/;
const UNIT_SUFFIX =
  /\s+(?:may tinh|may chu|may|nguoi|ban ghi|tai khoan|ho so|cong dan|thiet bi|cai|chiec|dong|records?|rows?|users?|machines?|computers?|servers?|accounts?|devices?|people|persons?)$/;

const MULTIPLIERS: Record<string, number> = {
  k: 1_000,
  nghin: 1_000,
  ngan: 1_000,
  thousand: 1_000,
  tr: 1_000_000,
  trieu: 1_000_000,
  m: 1_000_000,
  million: 1_000_000,
  ty: 1_000_000_000,
  ti: 1_000_000_000,
  billion: 1_000_000_000,
};

/** Reads "10.000", "10,000", "10 000", "1,5 nghìn", "10k", "3 triệu" as an integer, or null. */
function parseAmount(text: string): number | null {
  const m = /^(\d[\d., ]*?)\s*(k|nghin|ngan|thousand|tr|trieu|m|million|ty|ti|billion)?$/.exec(text);
  if (!m?.[1]) return null;
  const numberText = m[1].trim();
  const multiplier = m[2] ? (MULTIPLIERS[m[2]] ?? 1) : 1;
  let value: number;
  if (/^\d+$/.test(numberText)) {
    value = Number(numberText);
  } else if (/^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$/.test(numberText)) {
    // Exactly three digits after each separator: a thousands separator, whichever the reporter's habit
    // (Vietnamese "10.000", English "10,000", or a space).
    value = Number(numberText.replace(/[.,\s]/g, ""));
  } else if (m[2] && /^\d+[.,]\d+$/.test(numberText)) {
    value = Number(numberText.replace(",", "."));
  } else {
    return null;
  }
  const result = Math.round(value * multiplier);
  return Number.isSafeInteger(result) ? result : null;
}

/** Parses a non-negative count, tolerating approximations ("khoảng 200", "10k"); "không rõ" → "unknown". */
export function parseCount(input: string): ValidationResult<number | "unknown"> {
  const raw = input.trim();
  if (raw === "") return fail(REQUIRED);
  if (raw.length > MAX_SHORT_INPUT) return fail("validation:count.invalid", { value: clipText(raw, 40) });
  let text = foldDiacritics(raw)
    .replace(/\s*(?:a|nhe|nha)$/, "")
    .replace(/[.!]$/, "")
    .trim();
  if (UNKNOWN_ANSWERS.has(text)) return ok("unknown");
  if (ZERO_ANSWERS.has(text)) return ok(0);

  let approximate = false;
  // Qualifiers and units can nest either way round: "khoảng hơn 200 máy", "200 máy trở lên".
  for (;;) {
    const withoutUnit = text.replace(UNIT_SUFFIX, "").trim();
    const bare = withoutUnit.replace(APPROX_PREFIX, "").replace(APPROX_SUFFIX, "").trim();
    if (bare !== withoutUnit) approximate = true;
    if (bare === text) break;
    text = bare;
  }

  let value: number | null;
  const range = /^(.+?)\s*(?:-|–|\bden\b|\btoi\b|\bto\b)\s*(.+)$/.exec(text);
  if (range?.[1] && range[2]) {
    // "200-300 máy": the upper bound, because severity rules must not understate the impact.
    const low = parseAmount(range[1]);
    const high = parseAmount(range[2]);
    value = low !== null && high !== null && low <= high ? high : null;
    approximate = true;
  } else {
    value = parseAmount(text);
  }
  if (value === null) return fail("validation:count.invalid", { value: raw });
  const warnings: Reason[] = approximate ? [{ key: "validation:count.approximate", params: { value } }] : [];
  return ok(value, warnings);
}

// ---------------------------------------------------------------------------------------------------------
// Yes / no / unknown
// ---------------------------------------------------------------------------------------------------------

const YES_ANSWERS = new Set([
  "co",
  "yes",
  "y",
  "u",
  "uh",
  "um",
  "vang",
  "da",
  "da vang",
  "dung",
  "dung roi",
  "phai",
  "roi",
  "da co",
  "co roi",
  "ok",
  "okay",
  "yeah",
  "yep",
  "true",
]);
const NO_ANSWERS = new Set([
  "khong",
  "ko",
  "k",
  "kh",
  "khg",
  "hong",
  "no",
  "n",
  "nope",
  "false",
  "chua",
  "khong co",
  "ko co",
  "k co",
  "chua co",
  "khong phai",
  "da khong",
]);
const YES_NO_UNKNOWN = new Set([
  "khong ro",
  "chua ro",
  "khong biet",
  "chua biet",
  "ko ro",
  "ko biet",
  "k ro",
  "k biet",
  "khong chac",
  "ko chac",
  "chua chac",
  "chua xac dinh",
  "unknown",
  "not sure",
  "dont know",
  "don't know",
  "idk",
  "?",
]);

/** Parses a yes / no / don't-know answer in Vietnamese (with or without diacritics) or English. */
export function parseYesNo(input: string): ValidationResult<"yes" | "no" | "unknown"> {
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_SHORT_INPUT) return fail("validation:choice.yesNo");
  // Politeness particles do not change the answer: "dạ có ạ", "không ạ", "có nhé".
  const text = foldDiacritics(input)
    .replace(/[!.,;]+/g, " ")
    .replace(/\s+(?:a|nhe|nha|ban)$/, "")
    .replace(/^da\s+(?=\S)/, "")
    .replace(/\s+/g, " ")
    .trim();
  if (YES_NO_UNKNOWN.has(text)) return ok("unknown");
  if (YES_ANSWERS.has(text)) return ok("yes");
  if (NO_ANSWERS.has(text)) return ok("no");
  return fail("validation:choice.yesNo");
}
