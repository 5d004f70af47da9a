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

function foldChar(ch: string): string {
  if (/\s/u.test(ch)) return " ";
  const f = foldDiacritics(ch);
  // Characters whose lowercase form is longer (İ) or which fold to nothing keep a placeholder of length one.
  return f.length === 1 ? f : ch.length === 1 ? "_" : ch;
}

export function foldWithOffsets(message: string): Folded {
  const original = message.normalize("NFC").slice(0, MAX_TEXT);
  let folded = "";
  // Iterate UTF-16 units: a surrogate pair (emoji) yields two placeholder units, keeping lengths equal.
  for (let i = 0; i < original.length; i++) {
    const code = original.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      folded += "_";
      continue;
    }
    folded += foldChar(original.charAt(i));
  }
  return { original, folded };
}

export function evidence(text: Folded, start: number, end: number): Evidence {
  return { start, end, text: text.original.slice(start, end) };
}

/** True when the original characters in [start, end) carry diacritics, i.e. differ from their folded form. */
export function hasDiacritics(text: Folded, start: number, end: number): boolean {
  return text.original.slice(start, end).toLowerCase() !== text.folded.slice(start, end);
}
