import type { Choice } from "../../messages.ts";
import { CALLBACK_SEPARATOR } from "./normalize.ts";

/** Telegram's limit on callback data. */
export const MAX_CALLBACK_BYTES = 64;
/** Telegram's limit on a message's text, less a margin for entities. */
export const MAX_MESSAGE_CHARS = 4000;

export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };
export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

/** The callback data of a choice; refuses data over Telegram's 64-byte limit instead of sending a broken button. */
export function callbackData(token: string, value: string): string {
  const data = `${token}${CALLBACK_SEPARATOR}${value}`;
  if (Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES) {
    throw new Error(`callback data over ${MAX_CALLBACK_BYTES} bytes for question ${token}`);
  }
  return data;
}

/** Choices as an inline keyboard, numbered like the numbered list other channels show. */
export function inlineKeyboard(token: string, choices: readonly Choice[]): InlineKeyboard {
  const buttons = choices.map((c, i) => ({
    text: `${i + 1}. ${c.label}`,
    callback_data: callbackData(token, c.value),
  }));
  // Short answers (Có / Không, levels) sit two to a row; anything longer gets a row of its own to stay readable.
  const perRow = buttons.every((b) => b.text.length <= 18) ? 2 : 1;
  const rows: InlineButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

/**
 * Splits a long message (a full summary can pass Telegram's 4,096 characters) at paragraph, then line
 * boundaries. Markup in these messages never spans a line, so every part stays valid HTML.
 */
export function splitMessage(text: string, max = MAX_MESSAGE_CHARS): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current = "";
  const push = (piece: string, sep: string) => {
    if (current && current.length + sep.length + piece.length > max) {
      parts.push(current);
      current = "";
    }
    current = current ? `${current}${sep}${piece}` : piece;
  };
  for (const paragraph of text.split("\n\n")) {
    if (paragraph.length <= max) {
      push(paragraph, "\n\n");
      continue;
    }
    for (const line of paragraph.split("\n")) {
      // A single line longer than the limit (a pasted log) is cut; it carries no markup of ours.
      for (let i = 0; i < line.length; i += max) push(line.slice(i, i + max), "\n");
    }
  }
  if (current) parts.push(current);
  return parts;
}
