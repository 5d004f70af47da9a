import type { Choice } from "../../messages.ts";

/**
 * Zalo's limit on a message, in UTF-16 code units: sources disagree on whether Zalo counts code points or code
 * units, and the smaller count is safe either way (reference §0.7).
 */
export const MAX_ZALO_TEXT = 2000;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * The translator's HTML (Telegram's subset) as plain text. Messages go to Zalo without a parse mode, so
 * nothing a user typed can become formatting there: tags are removed first, and only then are entities
 * decoded, so an escaped "&lt;b&gt;" a reporter typed arrives as the literal text "<b>".
 */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) =>
      label && label !== href ? `${label} (${href})` : href,
    )
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code =
          name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

/**
 * A question or notice as Zalo shows it: the text, then the choices numbered (Zalo has no buttons), then how to
 * answer. Numbering matches the Telegram buttons, so "2" means the same everywhere.
 */
export function renderWithChoices(
  html: string,
  choices: readonly Choice[] | undefined,
  hint: string,
): string {
  const text = htmlToPlain(html).trim();
  if (!choices?.length) return text;
  const list = choices.map((c, i) => `${i + 1}. ${htmlToPlain(c.label)}`).join("\n");
  return `${text}\n\n${list}\n\n${hint}`;
}

const graphemes = new Intl.Segmenter("vi", { granularity: "grapheme" });

/**
 * Splits text into parts of at most `max` UTF-16 units: at paragraph breaks, then line breaks, then spaces,
 * and only then inside a word, never inside a grapheme (a Vietnamese letter with its combining marks, an
 * emoji with its modifiers stays whole).
 */
export function splitZaloText(text: string, max = MAX_ZALO_TEXT): string[] {
  if (text.length <= max) return text.length > 0 ? [text] : [];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    for (const sep of ["\n\n", "\n", " "]) {
      const at = window.lastIndexOf(sep, max - 1);
      // A break in the first half would leave a tiny part; cut in the word instead.
      if (at >= max / 2) {
        cut = at;
        break;
      }
    }
    let head: string;
    if (cut > 0) {
      head = rest.slice(0, cut);
      rest = rest.slice(cut).replace(/^\s+/, "");
    } else {
      let length = 0;
      for (const { segment } of graphemes.segment(rest)) {
        if (length + segment.length > max) break;
        length += segment.length;
      }
      // One grapheme longer than the limit (never seen in practice) is cut as code units.
      if (length === 0) length = max;
      head = rest.slice(0, length);
      rest = rest.slice(length);
    }
    if (head.trim()) parts.push(head.replace(/\s+$/, ""));
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}
