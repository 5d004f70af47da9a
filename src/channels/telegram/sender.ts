import type { Logger } from "../../app.ts";
import type { ChatMessage, EditMessage } from "../../engine/types.ts";
import type { OutboxRow, Store } from "../../store/store.ts";
import { TELEGRAM_CHANNEL } from "./normalize.ts";
import { errorDescription, retryAfterSeconds, type TelegramPort } from "./port.ts";
import { inlineKeyboard, splitMessage } from "./render.ts";

export interface SenderOptions {
  /** Attempts before a message is dead-lettered. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter. */
  baseDelayMs?: number;
  clock?: () => Date;
}

/**
 * Delivers the Telegram rows of the outbox after the engine's commit: in order per chat, at least once, a
 * failed send left pending with exponential backoff (or Telegram's retry_after), dead-lettered at the end.
 */
export class TelegramSender {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly clock: () => Date;
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
  }

  /** Sends what is due for one chat; concurrent calls for a chat share one pass, so nothing is sent twice. */
  flushChat(chatId: string): Promise<void> {
    const running = this.inFlight.get(chatId);
    if (running !== undefined) return running.then(() => this.flushChat(chatId));
    const pass = this.sendDue(chatId).finally(() => this.inFlight.delete(chatId));
    this.inFlight.set(chatId, pass);
    return pass;
  }

  /** Sends everything due, chat by chat (used by the retry loop and at start-up after a crash). */
  async flushAll(): Promise<void> {
    const rows = this.store.duePending(TELEGRAM_CHANNEL, this.clock().toISOString(), 500);
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

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits for every pass in flight (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async sendDue(chatId: string): Promise<void> {
    const now = this.clock().toISOString();
    for (const row of this.store.pendingForChat(TELEGRAM_CHANNEL, chatId)) {
      // Order matters in a conversation: while an earlier message waits for its retry, later ones wait too.
      if (row.nextAttemptAt > now) return;
      if (!(await this.deliver(row))) return;
    }
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const payload = row.payload as ChatMessage | EditMessage;
    try {
      const result =
        payload.kind === "edit" ? await this.edit(row.chatId, payload) : await this.send(row.chatId, payload);
      this.store.markSent(row.id, this.clock().toISOString(), result);
      return true;
    } catch (error) {
      const description = errorDescription(error);
      const attempts = row.attempts + 1;
      if (attempts >= this.maxAttempts) {
        this.store.markDead(row.id, description.slice(0, 500));
        this.logger.error({ outboxId: row.id, attempts }, "message dead-lettered");
        return true;
      }
      const retryAfter = retryAfterSeconds(error);
      const backoff = this.baseDelayMs * 2 ** (attempts - 1);
      const delay = retryAfter !== undefined ? retryAfter * 1000 : backoff / 2 + Math.random() * backoff;
      this.store.markRetry(
        row.id,
        new Date(this.clock().getTime() + delay).toISOString(),
        description.slice(0, 500),
      );
      this.logger.warn({ outboxId: row.id, attempts, delayMs: Math.round(delay) }, "send failed, will retry");
      return false;
    }
  }

  private async send(chatId: string, message: ChatMessage): Promise<{ messageIds: number[] }> {
    const parts = splitMessage(message.text);
    const messageIds: number[] = [];
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const sent = await this.port.sendMessage(chatId, part, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(last && message.token && message.choices?.length
          ? { reply_markup: inlineKeyboard(message.token, message.choices) }
          : {}),
      });
      messageIds.push(sent.message_id);
    }
    return { messageIds };
  }

  private async edit(chatId: string, edit: EditMessage): Promise<{ edited: boolean }> {
    try {
      await this.port.editMessageText(chatId, Number(edit.messageRef), splitMessage(edit.text)[0] ?? "", {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        // An answered question loses its buttons: an empty keyboard says so explicitly.
        reply_markup:
          edit.token && edit.choices?.length
            ? inlineKeyboard(edit.token, edit.choices)
            : { inline_keyboard: [] },
      });
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
