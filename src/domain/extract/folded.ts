// The message is searched in its folded form (lowercase, no diacritics) so that "sáng nay" and "sang nay" match
// the same pattern, but evidence must quote what the reporter typed. Folding one character at a time keeps
// every offset of the folded text valid in the NFC text.

import { foldDiacritics } from "../text.ts";
import type { Evidence } from "./types.ts";

export interface Folded {
  /** The message in NFC, which evidence offsets refer to. */
  original: string;
  /** Same length as `original`, character for character: lowercase, diacritics stripped, đ → d. */
  folded: string;
}

// Long pastes (whole log files) are cut: the facts a reporter states are in the first lines, and the regexes
// below must not run over megabytes.
const MAX_TEXT = 8_000;

// A message holds a few dozen distinct letters; folding each once keeps a pasted log cheap.
const FOLDED_CHARS = new Map<string, string>();

function foldChar(ch: string): string {
  let f = FOLDED_CHARS.get(ch);
  if (f === undefined) {
    if (/\s/u.test(ch)) f = " ";
    else {
      const folded = foldDiacritics(ch);
      // A character whose lowercase form is longer (İ) or which folds to nothing becomes a placeholder.
      f = folded.length === 1 ? folded : "_";
    }
    FOLDED_CHARS.set(ch, f);
  }
  return f;
}

export function foldWithOffsets(message: string): Folded {
  const original = message.normalize("NFC").slice(0, MAX_TEXT);
  const parts: string[] = new Array(original.length);
  // Iterate UTF-16 units: a surrogate pair (emoji) yields two placeholder units, keeping lengths equal.
  for (let i = 0; i < original.length; i++) {
    const code = original.charCodeAt(i);
    parts[i] = code >= 0xd800 && code <= 0xdfff ? "_" : foldChar(original.charAt(i));
  }
  return { original, folded: parts.join("") };
}

export function evidence(text: Folded, start: number, end: number): Evidence {
  return { start, end, text: text.original.slice(start, end) };
}

/** True when the original characters in [start, end) carry diacritics, i.e. differ from their folded form. */
export function hasDiacritics(text: Folded, start: number, end: number): boolean {
  return text.original.slice(start, end).toLowerCase() !== text.folded.slice(start, end);
}
