import type { InlineKeyboard } from "./render.ts";

export interface SendOptions {
  parse_mode: "HTML";
  reply_markup?: InlineKeyboard;
  link_preview_options?: { is_disabled: boolean };
}

export interface BotCommand {
  command: string;
  description: string;
}

/** The Bot API calls the product makes, implemented once per runtime (grammY, Telegraf). */
export interface TelegramPort {
  sendMessage(chatId: string | number, text: string, options: SendOptions): Promise<{ message_id: number }>;
  editMessageText(
    chatId: string | number,
    messageId: number,
    text: string,
    options: SendOptions,
  ): Promise<unknown>;
  answerCallbackQuery(id: string, text?: string): Promise<unknown>;
  setMyCommands(commands: BotCommand[], languageCode?: "vi" | "en"): Promise<unknown>;
}

/** Seconds Telegram asked us to wait (429), from either runtime's error object. */
export function retryAfterSeconds(error: unknown): number | undefined {
  const e = error as {
    parameters?: { retry_after?: number };
    response?: { parameters?: { retry_after?: number } };
  };
  return e?.parameters?.retry_after ?? e?.response?.parameters?.retry_after;
}

/** The description Telegram gave for a failed call (e.g. "Bad Request: message is not modified"). */
export function errorDescription(error: unknown): string {
  const e = error as { description?: string; response?: { description?: string }; message?: string };
  return e?.description ?? e?.response?.description ?? e?.message ?? String(error);
}
