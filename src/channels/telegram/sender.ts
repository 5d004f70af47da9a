import type { Logger } from "../../app.ts";
import { LimiterAbortedError, RateLimiter } from "../../delivery/rate-limiter.ts";
import { clipHtml } from "../../domain/text-cut.ts";
import type { ChatMessage, CopyMessage, EditMessage } from "../../messages.ts";
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

export interface SenderOptions {
  /** Attempts before a message is dead-lettered. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter. */
  baseDelayMs?: number;
  clock?: () => Date;
  /**
   * Telegram's send limits; every send, edit and copy waits for it. Defaults to one with Telegram's limits;
   * its timeScale also scales the waits Telegram asks for (429 retry_after).
   */
  limiter?: RateLimiter;
  /** Called once per message given up on, after it is marked dead (e.g. to tell the admins). */
  onDeadLetter?: (row: OutboxRow, error: string) => void;
}

type TelegramPayload = ChatMessage | EditMessage | CopyMessage;

/** Telegram answers that no retry can change: a bad request, a bot blocked or removed, an unknown method. */
const PERMANENT_CODES = new Set([400, 403, 404]);

interface ChatPass {
  done: Promise<void>;
  /** Asked to flush again while a pass ran: rows enqueued meanwhile are not in its snapshot. */
  again: boolean;
}

/**
 * Delivers the Telegram rows of the outbox after the engine's commit: in order per chat, at least once, within
 * Telegram's rate limits, a failed send left pending with exponential backoff (or Telegram's retry_after),
 * dead-lettered at the end.
 */
export class TelegramSender {
  readonly limiter: RateLimiter;
  private readonly passes = new Map<string, ChatPass>();
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly clock: () => Date;
  private readonly onDeadLetter: ((row: OutboxRow, error: string) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly port: TelegramPort,
    private readonly logger: Logger,
    options: SenderOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.clock = options.clock ?? (() => new Date());
    this.limiter = options.limiter ?? new RateLimiter();
    this.onDeadLetter = options.onDeadLetter;
  }

  /**
   * Sends what is due for one chat. One pass per chat at a time, so nothing is sent twice; a call during a
   * pass makes it look again before it ends, and resolves with it.
   */
  flushChat(chatId: string): Promise<void> {
    const running = this.passes.get(chatId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const pass: ChatPass = { done: Promise.resolve(), again: true };
    pass.done = (async () => {
      try {
        while (pass.again) {
          pass.again = false;
          await this.sendDue(chatId);
        }
      } finally {
        this.passes.delete(chatId);
      }
    })();
    this.passes.set(chatId, pass);
    return pass.done;
  }

  /** Sends everything due, all chats at once; the limiter decides who goes when. */
  async flushAll(): Promise<void> {
    const rows = this.store.duePending(TELEGRAM_CHANNEL, this.clock().toISOString(), 5000);
    const chats = [...new Set(rows.map((r) => r.chatId))];
    await Promise.all(chats.map((chatId) => this.flushChat(chatId)));
  }

  /** Retries pending messages every interval until stopped. */
  start(intervalMs = 1000): void {
    this.timer = setInterval(() => {
      this.flushAll().catch((error: unknown) =>
        this.logger.error({ err: errorDescription(error) }, "outbox flush failed"),
      );
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * Stops the retry loop; sends still waiting for a rate-limit window give up and stay pending for the next
   * start (a group's window can be a minute away), sends already in flight finish.
   */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.limiter.abortWaiting();
  }

  /** Waits for every pass in flight (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.passes.values()].map((p) => p.done));
  }

  private async sendDue(chatId: string): Promise<void> {
    const now = this.clock().toISOString();
    const rows = this.store.pendingForChat(TELEGRAM_CHANNEL, chatId);
    for (const [i, row] of rows.entries()) {
      // Order matters in a conversation: while an earlier message waits for its retry, later ones wait too.
      if (row.nextAttemptAt > now) return;
      if (!(await this.deliver(row, rows.length - i - 1))) return;
    }
  }

  /** One attempt at one row; false when the chat must stop here (the row waits for a retry). */
  private async deliver(row: OutboxRow, backlog: number): Promise<boolean> {
    const payload = row.payload as TelegramPayload;
    try {
      const result =
        payload.kind === "edit"
          ? await this.edit(row.chatId, payload, backlog)
          : payload.kind === "copy"
            ? await this.copy(row.chatId, payload, backlog)
            : payload.kind === "chat"
              ? await this.send(row.chatId, payload, backlog)
              : unknownPayload(payload);
      this.store.markSent(row.id, this.clock().toISOString(), result);
      return true;
    } catch (error) {
      if (error instanceof LimiterAbortedError) return false; // never sent: no attempt spent
      const description = errorDescription(error).slice(0, 500);
      const attempts = row.attempts + 1;
      const code = errorCode(error);
      if (attempts >= this.maxAttempts || (code !== undefined && PERMANENT_CODES.has(code))) {
        this.store.markDead(row.id, description);
        this.logger.error({ outboxId: row.id, attempts, code }, "message dead-lettered");
        this.reportDeadLetter(row, description);
        return true;
      }
      const retryAfter = retryAfterSeconds(error);
      const backoff = this.baseDelayMs * 2 ** (attempts - 1);
      const delay =
        retryAfter !== undefined
          ? (retryAfter * 1000) / this.limiter.timeScale
          : backoff / 2 + Math.random() * backoff;
      this.store.markRetry(row.id, new Date(this.clock().getTime() + delay).toISOString(), description);
      this.logger.warn({ outboxId: row.id, attempts, delayMs: Math.round(delay) }, "send failed, will retry");
      return false;
    }
  }

  private reportDeadLetter(row: OutboxRow, description: string): void {
    if (!this.onDeadLetter) return;
    try {
      this.onDeadLetter(row, description);
    } catch (error) {
      // The row is dead either way; a failing report must not stop the chat's other messages.
      this.logger.error({ outboxId: row.id, err: errorDescription(error) }, "dead-letter report failed");
    }
  }

  private async send(
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
      }
      const sent = await this.limiter.run(chatId, () => this.port.sendMessage(chatId, part, options), {
        backlog: backlog + parts.length - i - 1,
      });
      messageIds.push(sent.message_id);
    }
    return { messageIds };
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
