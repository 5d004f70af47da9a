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

// Bidirectional controls reorder what follows them ("invoice\u202Egnp.exe" is shown as "invoiceexe.png"),
// and zero-width characters hide inside names and links; in a duty chat both make text read as something it
// is not. None has a use in a report typed in Vietnamese or English.
// U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069: directional marks, embeddings, overrides, isolates.
// U+200B-U+200C, U+2060-U+2064, U+FEFF, U+180E: zero-width spaces, non-joiner, invisible operators.
const INVISIBLE_FORMAT =
  /[\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;
// A zero-width joiner is kept only where it glues an emoji sequence (👨‍👩‍👧, 🏳️‍🌈, 👩🏽‍💻): between a pictograph
// (with its optional variation selector or skin tone) and the next pictograph.
const STRAY_ZWJ =
  /(?<!\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** Removes bidirectional controls and zero-width characters, keeping the joiner inside emoji sequences. */
export function stripInvisibleControls(s: string): string {
  return s.replace(INVISIBLE_FORMAT, "").replace(STRAY_ZWJ, "");
}
