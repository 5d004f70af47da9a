/**
 * Cutting user text without breaking it. A cut through a surrogate pair leaves invalid UTF-16 (Telegram refuses
 * the whole message), a cut through a grapheme shows half an emoji or a letter without its accent, and a cut
 * through an HTML entity or tag makes the message invalid HTML (refused) or shows `&amp` fragments. Every cut of
 * user text goes through here: on grapheme boundaries, never inside an entity or a tag.
 *
 * Lengths are UTF-16 code units, as Telegram counts them.
 */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export const ELLIPSIS = "…";

/** The user-perceived characters of a text (an emoji with its ZWJ parts, a letter with its marks, a flag). */
export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/** Cuts a plain text to at most `max` UTF-16 units, ellipsis included, on a grapheme boundary. */
export function clipText(text: string, max: number, ellipsis = ELLIPSIS): string {
  if (text.length <= max) return text;
  return `${takeGraphemes(text, max - ellipsis.length, (g) => g.length)}${ellipsis}`;
}

/** The length of a text once HTML-escaped (`&`, `<`, `>` and `"`, as the translator escapes them). */
export function escapedLength(text: string): number {
  let n = text.length;
  for (const c of text) {
    if (c === "&") n += 4;
    else if (c === "<" || c === ">") n += 3;
    else if (c === '"') n += 5;
  }
  return n;
}

/**
 * Cuts a plain text so that its HTML-escaped form, ellipsis included, is at most `max` units: the text stays
 * plain (it is escaped where it is rendered), so no entity can be cut.
 */
export function clipForHtml(text: string, max: number, ellipsis = ELLIPSIS): string {
  if (escapedLength(text) <= max) return text;
  return `${takeGraphemes(text, max - escapedLength(ellipsis), escapedLength)}${ellipsis}`;
}

/** The longest prefix of whole graphemes whose size (by `size`) is at most `budget`. */
function takeGraphemes(text: string, budget: number, size: (g: string) => number): string {
  let used = 0;
  let end = 0;
  for (const { segment } of graphemeSegmenter.segment(text)) {
    const s = size(segment);
    if (used + s > budget) break;
    used += s;
    end += segment.length;
  }
  return text.slice(0, end);
}

/** One indivisible piece of an HTML line: a tag, an entity, or a grapheme of text. */
interface Atom {
  text: string;
  /** For an opening tag, its name; for a closing tag, "/" + its name. */
  tag?: string;
}

const TAG_OR_ENTITY = /<\/?([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/g;

function atoms(html: string): Atom[] {
  const out: Atom[] = [];
  let last = 0;
  const plain = (to: number) => {
    if (to > last) for (const g of graphemes(html.slice(last, to))) out.push({ text: g });
  };
  for (const m of html.matchAll(TAG_OR_ENTITY)) {
    plain(m.index);
    const name = m[1]?.toLowerCase();
    out.push(name ? { text: m[0], tag: m[0].startsWith("</") ? `/${name}` : name } : { text: m[0] });
    last = m.index + m[0].length;
  }
  plain(html.length);
  return out;
}

/**
 * Cuts one line of HTML into pieces of at most `max` units, on grapheme boundaries, never inside a tag or an
 * entity. A tag open at a cut is closed at the end of its piece and opened again at the start of the next, so
 * every piece is valid HTML by itself.
 */
function cutLine(line: string, max: number): string[] {
  const pieces: string[] = [];
  let open: Atom[] = [];
  let current = "";
  const closing = () =>
    open
      .map((a) => `</${a.tag}>`)
      .reverse()
      .join("");
  for (const atom of atoms(line)) {
    const closeLength = closing().length + (atom.tag && !atom.tag.startsWith("/") ? atom.tag.length + 3 : 0);
    const reopen = open.map((a) => a.text).join("");
    if (current.length + atom.text.length + closeLength > max && current.length > reopen.length) {
      pieces.push(`${current}${closing()}`);
      current = reopen;
    }
    current += atom.text;
    if (atom.tag?.startsWith("/")) {
      const name = atom.tag.slice(1);
      const at = open.map((a) => a.tag).lastIndexOf(name);
      if (at >= 0) open = open.slice(0, at);
    } else if (atom.tag) {
      open.push(atom);
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * Splits an HTML message into parts of at most `max` units: at paragraph boundaries, then line boundaries, then
 * (a single line longer than a part, e.g. a pasted log) between graphemes, never inside an entity or a tag.
 */
export function splitHtml(html: string, max: number): string[] {
  if (html.length <= max) return [html];
  const parts: string[] = [];
  let current = "";
  const push = (piece: string, sep: string) => {
    if (current && current.length + sep.length + piece.length > max) {
      parts.push(current);
      current = "";
    }
    current = current ? `${current}${sep}${piece}` : piece;
  };
  for (const paragraph of html.split("\n\n")) {
    if (paragraph.length <= max) {
      push(paragraph, "\n\n");
      continue;
    }
    for (const line of paragraph.split("\n")) {
      if (line.length <= max) push(line, "\n");
      else for (const piece of cutLine(line, max)) push(piece, "\n");
    }
  }
  if (current) parts.push(current);
  return parts;
}

/**
 * Cuts an HTML message to at most `max` units, valid HTML. Its last paragraph, where a message shows its current
 * state (a ticket's status and outcome), is kept whole when it takes at most half; the head before it is cut.
 */
export function clipHtml(html: string, max: number, ellipsis = ELLIPSIS): string {
  if (html.length <= max) return html;
  const at = html.lastIndexOf("\n\n");
  const tail = at >= 0 ? html.slice(at) : "";
  const keepTail = tail.length > 0 && tail.length <= max / 2;
  const head = keepTail ? html.slice(0, at) : html;
  const room = max - ellipsis.length - (keepTail ? tail.length : 0);
  return `${splitHtml(head, room)[0] ?? ""}${ellipsis}${keepTail ? tail : ""}`;
}
