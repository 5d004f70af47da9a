import { splitHtml } from "../../domain/text-cut.ts";
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
 * boundaries, and a line longer than a part between characters, never inside an emoji, an entity or a tag, so
 * every part is valid text and valid HTML.
 */
export function splitMessage(text: string, max = MAX_MESSAGE_CHARS): string[] {
  return splitHtml(text, max);
}
