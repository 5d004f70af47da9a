/**
 * What the Telegram Bot API refuses in a message, with the 400 descriptions it answers, written independently of
 * the bot's own code (so a bug in the bot's cutting cannot hide itself here). Used by the fake Bot API and by
 * the end-to-end harness, which checks every message the bot sent to the emulator.
 *
 * One deliberate strictness: real Telegram keeps a bare `&` that starts no entity as a literal character. The
 * bot escapes every `&` it renders, so a bare `&` (or `&amp` without its `;`) can only come from a cut through
 * an entity, which the reporter would see as `&amp`/`p;` fragments: refused here so that such cuts fail tests.
 */

/** Telegram's limit on a message's text, counted after entity parsing, in UTF-16 units. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Telegram's limit on a button's callback data, in bytes. */
export const TELEGRAM_CALLBACK_LIMIT = 64;

/** Tags Telegram's HTML parse mode knows. */
const TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "tg-emoji",
  "code",
  "pre",
  "blockquote",
]);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ENTITY = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/;
const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>/;

const byteOffset = (text: string, index: number) => Buffer.byteLength(text.slice(0, index), "utf8");

/**
 * Parses a message as Telegram would: the text a reader sees (tags removed, entities decoded) or the 400
 * description Telegram answers.
 */
export function parseTelegramHtml(text: string): { text: string } | { error: string } {
  const open: string[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "&") {
      const m = ENTITY.exec(text.slice(i, i + 12));
      if (!m) {
        return {
          error: `Bad Request: can't parse entities: Unsupported HTML entity at byte offset ${byteOffset(text, i)}`,
        };
      }
      const code = m[1]
        ? { lt: 60, gt: 62, amp: 38, quot: 34 }[m[1] as "lt"]
        : Number.parseInt(m[2] ?? m[3] ?? "0", m[2] ? 10 : 16);
      if (code > 0x10ffff) {
        return {
          error: `Bad Request: can't parse entities: Invalid entity at byte offset ${byteOffset(text, i)}`,
        };
      }
      out += String.fromCodePoint(code);
      i += m[0].length;
      continue;
    }
    if (c === "<") {
      const m = TAG.exec(text.slice(i, i + 300));
      const at = byteOffset(text, i);
      if (!m) return { error: `Bad Request: can't parse entities: Unclosed start tag at byte offset ${at}` };
      const name = (m[2] as string).toLowerCase();
      if (m[1]) {
        if (open.at(-1) !== name) {
          return { error: `Bad Request: can't parse entities: Unexpected end tag at byte offset ${at}` };
        }
        open.pop();
      } else {
        if (!TAGS.has(name)) {
          return {
            error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${at}`,
          };
        }
        open.push(name);
      }
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  const unclosed = open.at(-1);
  if (unclosed) {
    return {
      error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${unclosed}"`,
    };
  }
  return { text: out };
}

/** Telegram's 400 description for a message text (and its parse mode), or undefined if Telegram accepts it. */
export function textError(text: unknown, parseMode?: unknown): string | undefined {
  if (typeof text !== "string") return "Bad Request: message text is empty";
  if (LONE_SURROGATE.test(text)) return "Bad Request: strings must be encoded in UTF-8";
  let shown = text;
  if (parseMode === "HTML") {
    const parsed = parseTelegramHtml(text);
    if ("error" in parsed) return parsed.error;
    shown = parsed.text;
  }
  if (shown.trim() === "") return "Bad Request: message text is empty";
  if (shown.length > TELEGRAM_TEXT_LIMIT) return "Bad Request: message is too long";
  return undefined;
}

/** Telegram's 400 description for an inline keyboard, or undefined if Telegram accepts it. */
export function markupError(markup: unknown): string | undefined {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return undefined;
  for (const row of rows) {
    for (const button of Array.isArray(row) ? row : []) {
      const b = button as { text?: unknown; callback_data?: unknown };
      if (typeof b.text !== "string" || b.text === "" || LONE_SURROGATE.test(b.text)) {
        return "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
      }
      if (b.callback_data !== undefined) {
        const data = b.callback_data;
        if (
          typeof data !== "string" ||
          LONE_SURROGATE.test(data) ||
          Buffer.byteLength(data, "utf8") < 1 ||
          Buffer.byteLength(data, "utf8") > TELEGRAM_CALLBACK_LIMIT
        ) {
          return "Bad Request: BUTTON_DATA_INVALID";
        }
      }
    }
  }
  return undefined;
}

/** Every problem Telegram would have with one sendMessage/editMessageText call. */
export function messageError(body: {
  text?: unknown;
  parse_mode?: unknown;
  reply_markup?: unknown;
}): string | undefined {
  return textError(body.text, body.parse_mode) ?? markupError(body.reply_markup);
}
