import type { Logger } from "../../app.ts";
import { LimiterAbortedError, RateLimiter } from "../../delivery/rate-limiter.ts";
import { clipHtml } from "../../domain/text-cut.ts";
import type { ChatMessage, CopyMessage, DocumentMessage, EditMessage } from "../../messages.ts";
import { type ChannelSender, type LaneOptions, OutboxLane } from "../../outbox/lane.ts";
import type { SendFailure } from "../../outbox/retry.ts";
import type { OutboxRow, Store } from "../../store/store.ts";
import { TELEGRAM_CHANNEL } from "./normalize.ts";
import {
  errorCode,
  errorDescription,
  type ReplyParameters,
  retryAfterSeconds,
  type SendOptions,
  type TelegramPort,
} from "./port.ts";
import { inlineKeyboard, MAX_MESSAGE_CHARS, splitMessage } from "./render.ts";

export interface SenderOptions extends LaneOptions {
  /**
   * Telegram's send limits; every send, edit and copy waits for it. Defaults to one with Telegram's limits;
   * its timeScale also scales the waits Telegram asks for (429 retry_after).
   */
  limiter?: RateLimiter;
  /** The bot's @username, for the button that opens a private chat with it. */
  botUsername?: string;
}

type TelegramPayload = ChatMessage | EditMessage | CopyMessage | DocumentMessage;

/** Telegram answers that no retry can change: a bad request, a bot blocked or removed, an unknown method. */
const PERMANENT_CODES = new Set([400, 403, 404]);

/**
 * Telegram's rows of the outbox, delivered by the one outbox lane (order per chat, retries, dead letters) over
 * Telegram's sender; kept as a class so a host bot or a test can run Telegram delivery on its own.
 */
export class TelegramSender extends OutboxLane {
  readonly limiter: RateLimiter;

  constructor(store: Store, port: TelegramPort, logger: Logger, options: SenderOptions = {}) {
    const limiter = options.limiter ?? new RateLimiter();
    super(store, new TelegramChannelSender(port, limiter, logger, options.botUsername), logger, options);
    this.limiter = limiter;
  }
}

/** Sends one outbox row through the Bot API, within Telegram's limits, and says what a failure means. */
export class TelegramChannelSender implements ChannelSender {
  readonly channel = TELEGRAM_CHANNEL;

  constructor(
    private readonly port: TelegramPort,
    readonly limiter: RateLimiter,
    private readonly logger: Logger,
    private readonly botUsername?: string,
  ) {}

  async send(row: OutboxRow, backlog: number): Promise<unknown> {
    const payload = row.payload as TelegramPayload;
    return payload.kind === "edit"
      ? await this.edit(row.chatId, payload, backlog)
      : payload.kind === "copy"
        ? await this.copy(row.chatId, payload, backlog)
        : payload.kind === "chat"
          ? await this.sendChat(row.chatId, payload, backlog)
          : payload.kind === "document"
            ? await this.sendDocument(row.chatId, payload, backlog)
            : unknownPayload(payload);
  }

  classify(error: unknown): SendFailure {
    if (error instanceof LimiterAbortedError) return { kind: "notSent" };
    const code = errorCode(error);
    if (code !== undefined && PERMANENT_CODES.has(code)) return { kind: "permanent" };
    const retryAfter = retryAfterSeconds(error);
    return retryAfter !== undefined
      ? { kind: "retryAfter", ms: (retryAfter * 1000) / this.limiter.timeScale }
      : { kind: "transient" };
  }

  describe(error: unknown): string {
    return errorDescription(error);
  }

  abortWaiting(): void {
    this.limiter.abortWaiting();
  }

  private async sendChat(
    chatId: string,
    message: ChatMessage,
    backlog: number,
  ): Promise<{ messageIds: number[] }> {
    const parts = splitMessage(message.text);
    const replyTo = replyParameters(message.replyTo);
    const messageIds: number[] = [];
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const options: SendOptions = { parse_mode: "HTML", link_preview_options: { is_disabled: true } };
      // A long message split in parts reads as one: the first part carries the reply, the last the buttons.
      if (i === 0 && replyTo) options.reply_parameters = replyTo;
      if (last && message.token && message.choices?.length) {
        options.reply_markup = inlineKeyboard(message.token, message.choices);
      } else if (last && message.forceReply && !message.choices?.length) {
        options.reply_markup = { force_reply: true, selective: true };
      } else if (last && message.openPrivate && this.botUsername) {
        const url = `https://t.me/${this.botUsername}?start=${encodeURIComponent(message.openPrivate.start)}`;
        options.reply_markup = { inline_keyboard: [[{ text: message.openPrivate.label, url }]] };
      }
      const sent = await this.limiter.run(chatId, () => this.port.sendMessage(chatId, part, options), {
        backlog: backlog + parts.length - i - 1,
      });
      messageIds.push(sent.message_id);
    }
    return { messageIds };
  }

  private async sendDocument(
    chatId: string,
    document: DocumentMessage,
    backlog: number,
  ): Promise<{ messageIds: number[] }> {
    const bytes = Buffer.from(document.content, "base64");
    const sent = await this.limiter.run(
      chatId,
      () =>
        this.port.sendDocument(
          chatId,
          { filename: document.filename, bytes },
          document.caption ? { caption: document.caption } : {},
        ),
      { backlog },
    );
    return { messageIds: [sent.message_id] };
  }

  private async copy(chatId: string, copy: CopyMessage, backlog: number): Promise<{ messageIds: number[] }> {
    const replyTo = replyParameters(copy.replyTo);
    const sent = await this.limiter.run(
      chatId,
      () =>
        this.port.copyMessage(chatId, copy.fromChatId, Number(copy.messageRef), {
          ...(replyTo ? { reply_parameters: replyTo } : {}),
        }),
      { backlog },
    );
    return { messageIds: [sent.message_id] };
  }

  private async edit(chatId: string, edit: EditMessage, backlog: number): Promise<{ edited: boolean }> {
    // An edit replaces one message: it cannot be split. Duty posts are rendered to fit; should anything still be
    // too long, it is clipped keeping its last paragraph (the status), never sent to be refused.
    const text = clipHtml(edit.text, MAX_MESSAGE_CHARS);
    if (text !== edit.text)
      this.logger.warn({ length: edit.text.length }, "edit text clipped to one message");
    try {
      await this.limiter.run(
        chatId,
        () =>
          this.port.editMessageText(chatId, Number(edit.messageRef), text, {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
            // An answered question loses its buttons: an empty keyboard says so explicitly.
            reply_markup:
              edit.token && edit.choices?.length
                ? inlineKeyboard(edit.token, edit.choices)
                : { inline_keyboard: [] },
          }),
        { backlog },
      );
      return { edited: true };
    } catch (error) {
      // Showing the answer on an old question is a courtesy: a message too old to edit, or already showing
      // this text, is not a delivery failure. Anything else (network, flood limit) is retried.
      if (
        /message is not modified|message to edit not found|message can't be edited/i.test(
          errorDescription(error),
        )
      ) {
        return { edited: false };
      }
      throw error;
    }
  }
}

/** Reply parameters for a stored message reference; a reply to a message since deleted is sent anyway. */
function replyParameters(messageRef: string | undefined): ReplyParameters | undefined {
  const id = Number(messageRef);
  return messageRef !== undefined && Number.isSafeInteger(id) && id > 0
    ? { message_id: id, allow_sending_without_reply: true }
    : undefined;
}

function unknownPayload(payload: never): never {
  throw Object.assign(new Error(`unknown outbox payload kind ${(payload as { kind?: unknown }).kind}`), {
    error_code: 400,
  });
}
