import type { InlineKeyboard } from "./render.ts";

/** Which earlier message a sent message answers; a reply to a deleted message is sent anyway. */
export interface ReplyParameters {
  message_id: number;
  allow_sending_without_reply?: boolean;
}

/** Opens the reply field on the reader's client (only the mentioned reader's, with `selective`). */
export interface ForceReply {
  force_reply: true;
  selective?: boolean;
}

export interface SendOptions {
  parse_mode: "HTML";
  reply_markup?: InlineKeyboard | ForceReply;
  link_preview_options?: { is_disabled: boolean };
  reply_parameters?: ReplyParameters;
}

/** Telegram can edit a message's text and inline keyboard only, never give it a reply prompt. */
export interface EditOptions {
  parse_mode: "HTML";
  reply_markup?: InlineKeyboard;
  link_preview_options?: { is_disabled: boolean };
}

export interface CopyOptions {
  reply_parameters?: ReplyParameters;
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
    options: EditOptions,
  ): Promise<unknown>;
  /** Copies a message (a reporter's file, say) into another chat without re-uploading it. */
  copyMessage(
    chatId: string | number,
    fromChatId: string | number,
    messageId: number,
    options: CopyOptions,
  ): Promise<{ message_id: number }>;
  /** Uploads a file (a report as DOCX or PDF) into a chat, with a plain-text caption. */
  sendDocument(
    chatId: string | number,
    file: { filename: string; bytes: Buffer },
    options: { caption?: string },
  ): Promise<{ message_id: number }>;
  answerCallbackQuery(id: string, text?: string): Promise<unknown>;
  /**
   * Where a file a user sent can be downloaded (`file_path`, valid for an hour); Telegram refuses files over
   * 20 MB here ("file is too big"). The download URL carries the token: see evidence/sources.ts.
   */
  getFile(fileId: string): Promise<{ file_path?: string | undefined; file_size?: number | undefined }>;
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

/** The HTTP-like error code Telegram answered with (400, 403, 429, 500…), if the call got an answer. */
export function errorCode(error: unknown): number | undefined {
  const e = error as { error_code?: unknown; response?: { error_code?: unknown } };
  const code = e?.error_code ?? e?.response?.error_code;
  return typeof code === "number" ? code : undefined;
}

/** The description Telegram gave for a failed call (e.g. "Bad Request: message is not modified"). */
export function errorDescription(error: unknown): string {
  const e = error as { description?: string; response?: { description?: string }; message?: string };
  return e?.description ?? e?.response?.description ?? e?.message ?? String(error);
}
