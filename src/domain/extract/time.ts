// Detection time: the phrases reporters use ("sáng nay 8h", "8h30 hôm qua", "lúc 22:00 tối qua", "vừa xong",
// "khoảng 2 tiếng trước", "this morning at 8", "an hour ago"). The clock arithmetic and the rules (never in the
// future, not older than a year, the hour is required) are the detection-time validator's: this module only
// finds the words that make up a time and hands them to it.

import { parseDetectionTime } from "../validators/index.ts";
import { evidence, type Folded } from "./folded.ts";
import { NUMBER_WORDS } from "./numbers.ts";
import type { Evidence } from "./types.ts";

export interface TimeFinding {
  instant: Date;
  evidence: Evidence;
}

const MINUTE_MS = 60_000;

/** "an hour ago": English counts a single unit with its article. */
const WORD_NUMBERS: Readonly<Record<string, number>> = { ...NUMBER_WORDS, a: 1, an: 1 };

const NOW = /(?<![a-z])(?:vua xong|vua moi xay ra|vua moi|ngay luc nay|just now|right now)(?![a-z])/g;
const RELATIVE_VI =
  /(?<![a-z0-9])(cach day\s+)?(?:(?:khoang|tam|chung|gan|hon)\s+)?(\d{1,3}|mot|hai|ba|bon|nam|sau|nua)\s*(tieng|gio|phut)(\s*(?:dong ho|ruoi))?(\s+(?:truoc|qua))?(?![a-z])/g;
const RELATIVE_EN =
  /(?<![a-z0-9])(?:(?:about|around|roughly|some)\s+)?(\d{1,3}|an?|one|two|three|four|five|six|ten|half an)\s*(hours?|hrs?|minutes?|mins?)\s+ago(?![a-z])/g;

function relativeMinutes(amount: string, unit: string, half: boolean): number | null {
  const n =
    amount === "nua" || amount === "half an"
      ? 0.5
      : /^\d+$/.test(amount)
        ? Number(amount)
        : WORD_NUMBERS[amount];
  if (n === undefined) return null;
  const perUnit = /^(tieng|gio|hour|hr)/.test(unit) ? 60 : 1;
  return (n + (half ? 0.5 : 0)) * perUnit;
}

// Words that may belong to a spoken time, folded. Which of them mean something is the validator's business.
const TIME_WORDS = new Set([
  "luc",
  "vao",
  "khoang",
  "tam",
  "chung",
  "ngay",
  "hom",
  "nay",
  "qua",
  "kia",
  "sang",
  "trua",
  "chieu",
  "toi",
  "dem",
  "gio",
  "h",
  "phut",
  "ruoi",
  "thang",
  "am",
  "pm",
  "at",
  "on",
  "about",
  "around",
  "today",
  "yesterday",
  "this",
  "morning",
  "afternoon",
  "evening",
  "night",
  "last",
  "tonight",
  "noon",
]);

// Folded words that are also other common words; only these spellings mean the time word.
const TIME_SPELLINGS: Record<string, readonly string[]> = {
  toi: ["tối", "toi"], // not "tôi" (I) nor "tới" (to)
  sang: ["sáng", "sang"],
  dem: ["đêm", "dem"],
  tam: ["tầm", "tam"], // not "tạm", nor "tám" (eight)
};

const CLOCK = /^\d{1,2}(?:(?:h|g|gio)(?:\d{1,2}(?:p|phut)?)?|:\d{2}(?::\d{2})?|am|pm)$/;
const DATE = /^\d{1,4}\/\d{1,2}(?:\/\d{2,4})?$/;

interface Token {
  word: string;
  start: number;
  end: number;
}

function tokens(text: Folded, from: number, to: number): Token[] {
  const out: Token[] = [];
  const re = /[a-z0-9]+(?:[:/][0-9]+)*/g;
  re.lastIndex = from;
  for (let m = re.exec(text.folded); m && m.index < to; m = re.exec(text.folded)) {
    out.push({ word: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function isTimeWord(text: Folded, token: Token, previous: Token | undefined): boolean {
  const { word } = token;
  if (/^\d/.test(word)) return /^\d{1,2}$/.test(word) || CLOCK.test(word) || DATE.test(word);
  if (!TIME_WORDS.has(word)) return false;
  const spellings = TIME_SPELLINGS[word];
  if (spellings && !spellings.includes(text.original.slice(token.start, token.end).toLowerCase()))
    return false;
  // "qua" is also "through" ("qua email"); it means "yesterday" only after a day or period word.
  if (word === "qua") return previous !== undefined && /^(hom|sang|trua|chieu|toi|dem)$/.test(previous.word);
  return true;
}

// English words rewritten into the Vietnamese ones the validator reads.
const ENGLISH: Record<string, string> = {
  today: "hom nay",
  yesterday: "hom qua",
  tonight: "toi nay",
  morning: "sang",
  noon: "trua",
  afternoon: "chieu",
  evening: "toi",
  night: "dem",
  at: "luc",
  around: "khoang",
  about: "khoang",
  on: "",
  this: "nay",
  last: "qua",
};

const PERIOD_WORDS = new Set(["sang", "trua", "chieu", "toi", "dem"]);

/** The window's words as the validator reads them, or null when they hold no clock time. */
function toValidatorInput(window: readonly Token[]): string | null {
  let hasClock = false;
  const hasAmPm = window.some((t) => /(am|pm)$/.test(t.word) && /^\d|^(am|pm)$/.test(t.word));
  const words: string[] = [];
  window.forEach((token, i) => {
    const { word } = token;
    const next = window[i + 1]?.word;
    const previous = window[i - 1]?.word;
    if (CLOCK.test(word)) hasClock = true;
    if (/^\d{1,2}$/.test(word)) {
      if (previous === "gio" || previous === "h") {
        // The minutes of "8 giờ 20".
      } else if (next === "gio" || next === "h" || next === "am" || next === "pm") {
        hasClock = true;
      } else if (previous === "luc" || previous === "at" || /^(sang|trua|chieu|toi|dem)$/.test(next ?? "")) {
        // "lúc 8", "at 8", "8 tối": a bare number is an hour only right after "at" or before a period word.
        hasClock = true;
        words.push(`${word}h`);
        return;
      } else if (next !== "thang" && previous !== "thang") {
        // A lone number ("lúc 8h, 3 máy") is a count, not part of the time.
        return;
      }
    }
    // "this morning at 8 am": the period word would contradict "am" for the validator; "am" already says it.
    if (hasAmPm && /^(morning|afternoon|evening|night)$/.test(word)) return;
    if (word === "last" && !/^(night|evening)$/.test(next ?? "")) return;
    words.push(ENGLISH[word] ?? word);
  });
  if (!hasClock) return null;
  // "tối qua khoảng 11h đêm": two period words for one time; the one nearer the hour is the later one.
  const periods = words.filter((w) => PERIOD_WORDS.has(w));
  const keep = periods.at(-1);
  const kept = words.filter((w) => !PERIOD_WORDS.has(w) || w === keep);
  return kept.join(" ").replace(/\s+/g, " ").trim();
}

const AFTER_THE_FACT =
  /(?:khac phuc|khoi phuc|xu ly|xong|ngan chan|co lap|restored|resolved|fixed|contained)\s*$/;

// "mất 2h mới khôi phục", "trong 2h", "for 2 hours": a duration, not a moment.
const DURATION_BEFORE = /(?:^|[^a-z])(?:mat|trong|suot|for|within|after)\s*$/;

/** Runs of time words separated by nothing but spaces, commas or dashes. */
function windows(text: Folded): Token[][] {
  const all = tokens(text, 0, text.folded.length);
  const out: Token[][] = [];
  let current: Token[] = [];
  all.forEach((token, i) => {
    const previous = all[i - 1];
    const joined =
      previous !== undefined &&
      current.length > 0 &&
      /^[\s,–-]*$/.test(text.folded.slice(previous.end, token.start));
    if (!joined && current.length > 0) {
      out.push(current);
      current = [];
    }
    if (isTimeWord(text, token, current.at(-1))) current.push(token);
    else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  });
  if (current.length > 0) out.push(current);
  return out;
}

/** The first detection time the message states that the validator accepts, or null. */
export function findDetectionTime(text: Folded, now: Date): TimeFinding | null {
  const found: (TimeFinding & { at: number })[] = [];
  const blanked = { ...text };
  const blank = (start: number, end: number) => {
    blanked.folded = blanked.folded.slice(0, start) + " ".repeat(end - start) + blanked.folded.slice(end);
  };
  const accept = (start: number, end: number, minutesAgo: number) => {
    const instant = new Date(Math.floor((now.getTime() - minutesAgo * MINUTE_MS) / MINUTE_MS) * MINUTE_MS);
    found.push({ instant, evidence: evidence(text, start, end), at: start });
    blank(start, end);
  };

  for (const m of text.folded.matchAll(NOW)) accept(m.index, m.index + m[0].length, 0);
  for (const m of text.folded.matchAll(RELATIVE_VI)) {
    // "2 tiếng" on its own is a duration; only "cách đây 2 tiếng" or "2 tiếng trước" is a moment.
    if (!m[1] && !/truoc/.test(m[5] ?? "")) continue;
    const minutes = relativeMinutes(m[2] ?? "", m[3] ?? "", /ruoi/.test(m[4] ?? ""));
    if (minutes !== null && minutes <= 48 * 60) accept(m.index, m.index + m[0].length, minutes);
  }
  for (const m of text.folded.matchAll(RELATIVE_EN)) {
    const minutes = relativeMinutes(m[1] ?? "", m[2] ?? "", false);
    if (minutes !== null && minutes <= 48 * 60) accept(m.index, m.index + m[0].length, minutes);
  }

  for (const window of windows(blanked)) {
    const input = toValidatorInput(window);
    const first = window[0];
    const last = window.at(-1);
    if (input === null || !first || !last) continue;
    // "đã khắc phục lúc 9h" is when it ended, not when it was found.
    const before = blanked.folded.slice(Math.max(0, first.start - 30), first.start);
    if (AFTER_THE_FACT.test(before) || DURATION_BEFORE.test(before)) continue;
    const parsed = parseDetectionTime(input, now);
    if (parsed.ok)
      found.push({ instant: parsed.value, evidence: evidence(text, first.start, last.end), at: first.start });
  }
  found.sort((a, b) => a.at - b.at);
  const best = found[0];
  return best ? { instant: best.instant, evidence: best.evidence } : null;
}
