// Vietnamese is typed both with and without diacritics (many phones lack a Telex/VNI keyboard, and people
// under stress skip the tones), and the same letter may arrive precomposed (NFC) or as base + combining marks
// (some Windows keyboards). Folding makes all of these compare equal.

const COMBINING_MARKS = /\p{M}+/gu;
const WHITESPACE = /\s+/gu;

/** Lowercases, strips Vietnamese diacritics (đ → d), collapses whitespace and trims. */
export function foldDiacritics(s: string): string {
  return (
    s
      .toLowerCase()
      .normalize("NFD")
      .replace(COMBINING_MARKS, "")
      // đ is a letter of its own, not d + a combining mark, so NFD leaves it alone.
      .replace(/đ/g, "d")
      .replace(WHITESPACE, " ")
      .trim()
  );
}

/** Splits text into lowercase NFC word tokens, keeping diacritics (letters and digits only). */
export function wordTokens(s: string): string[] {
  return (
    s
      .toLowerCase()
      .normalize("NFC")
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  );
}
