import type { Logger } from "pino";
import type { OutboxRow, Store } from "../store/store.ts";
import { type RetryPolicy, type SendFailure, verdict } from "./retry.ts";

/**
 * What a channel provides to deliver its outbox rows: send one row, and say what a failure means. Everything
 * else (order, retries, backoff, dead letters, the loop) is the lane's, the same for every channel.
 */
export interface ChannelSender {
  /** The outbox channel whose rows this sender delivers ("telegram", "zalo", "email"). */
  readonly channel: string;
  /**
   * Sends one row; resolves with what is stored as the row's result (e.g. the message ids the channel gave,
   * which later replies and edits refer to). `backlog` is how many rows of the chat wait behind this one.
   */
  send(row: OutboxRow, backlog: number): Promise<unknown>;
  /** What a failed send means for the row. */
  classify(error: unknown): SendFailure;
  /** The error as stored and logged (short, without personal data). */
  describe(error: unknown): string;
  /** Gives up the sends that wait for a rate-limit window (on stop); they stay pending for the next start. */
  abortWaiting?(): void;
}

export interface LaneOptions {
  /** Attempts before a message is dead-lettered. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter. */
  baseDelayMs?: number;
  clock?: () => Date;
  /** Called once per message given up on, after it is marked dead (e.g. to tell the admins). */
  onDeadLetter?: (row: OutboxRow, error: string) => void;
}

interface ChatPass {
  done: Promise<void>;
  /** Asked to flush again while a pass ran: rows enqueued meanwhile are not in its snapshot. */
  again: boolean;
}

/** A row the engine handed over as it wrote it (committed, so a crash finds it pending all the same). */
export interface HandedRow {
  id: number;
  payload: unknown;
}

/**
 * Delivers one channel's outbox rows after the commit that wrote them: at least once, in order per chat (while
 * an earlier message waits for its retry, later ones wait too), one pass per chat at a time so nothing is sent
 * twice, a failure handled by the one retry policy (backoff or the service's wait, dead letter at the end).
 * `serial` lanes (e-mail) send one row at a time across all chats, each row on its own.
 */
export class OutboxLane {
  private readonly passes = new Map<string, ChatPass>();
  /** Chats with a row waiting for a retry: rows handed over for them must wait behind it (read from the store). */
  private readonly held = new Set<string>();
  private readonly policy: RetryPolicy;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private serialPass: Promise<void> | undefined;

  constructor(
    protected readonly store: Store,
    readonly sender: ChannelSender,
    protected readonly logger: Logger,
    private readonly options: LaneOptions & { serial?: boolean; defaultBaseDelayMs?: number } = {},
  ) {
    this.policy = {
      maxAttempts: options.maxAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? options.defaultBaseDelayMs ?? 1000,
    };
    this.clock = options.clock ?? (() => new Date());
  }

  get channel(): string {
    return this.sender.channel;
  }

  /**
   * Sends what is due for one chat. One pass per chat at a time; a call during a pass makes it look again before
   * it ends, and resolves with it.
   */
  flushChat(chatId: string): Promise<void> {
    if (this.options.serial) return this.flushAll();
    return this.chatPass(chatId, undefined);
  }

  /**
   * Sends rows just written for a chat without reading them back, when nothing of the chat waits before them;
   * otherwise (a pass running, a row waiting for its retry) the chat is flushed from the store, in order.
   */
  sendHanded(chatId: string, rows: readonly HandedRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (this.options.serial || this.passes.has(chatId) || this.held.has(chatId))
      return this.flushChat(chatId);
    const at = this.clock().toISOString();
    return this.chatPass(
      chatId,
      rows.map((r) => ({
        id: r.id,
        idempotencyKey: null,
        channel: this.channel,
        chatId,
        payload: r.payload,
        status: "pending",
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
      })),
    );
  }

  /** Sends everything due, all chats at once (the rate limiter decides who goes when). */
  async flushAll(): Promise<void> {
    if (this.options.serial) {
      const running = this.serialPass;
      if (running !== undefined) return running.then(() => this.flushAll());
      const pass = this.sendDueSerially().finally(() => {
        this.serialPass = undefined;
      });
      this.serialPass = pass;
      return pass;
    }
    const rows = this.store.duePending(this.channel, this.clock().toISOString(), 5000);
    const chats = [...new Set(rows.map((r) => r.chatId))];
    await Promise.all(chats.map((chatId) => this.flushChat(chatId)));
  }

  /** Retries pending messages every interval until stopped. */
  start(intervalMs = 1000): void {
    // Rows left pending by an earlier run (not due yet, say) come before anything handed over later.
    for (const row of this.store.duePending(this.channel, "9999-12-31T23:59:59Z", 5000))
      this.held.add(row.chatId);
    this.timer = setInterval(() => {
      // A serial pass still running is not joined: the next tick comes soon enough.
      if (this.serialPass !== undefined) return;
      this.flushAll().catch((error: unknown) =>
        this.logger.error({ channel: this.channel, err: this.sender.describe(error) }, "outbox flush failed"),
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
    this.sender.abortWaiting?.();
  }

  /** Waits for every pass in flight (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.passes.values()].map((p) => p.done));
    if (this.serialPass !== undefined) await Promise.allSettled([this.serialPass]);
  }

  private chatPass(chatId: string, handed: OutboxRow[] | undefined): Promise<void> {
    const running = this.passes.get(chatId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const pass: ChatPass = { done: Promise.resolve(), again: handed === undefined };
    pass.done = (async () => {
      try {
        if (handed && !(await this.sendInOrder(chatId, handed))) return;
        while (pass.again) {
          pass.again = false;
          if (!(await this.sendInOrder(chatId, this.store.pendingForChat(this.channel, chatId)))) return;
        }
        this.held.delete(chatId);
      } finally {
        this.passes.delete(chatId);
      }
    })();
    this.passes.set(chatId, pass);
    return pass.done;
  }

  /** Sends the rows in order; false when the chat must stop (a row waits for its retry, or not due yet). */
  private async sendInOrder(chatId: string, rows: readonly OutboxRow[]): Promise<boolean> {
    const now = this.clock().toISOString();
    for (const [i, row] of rows.entries()) {
      if (row.nextAttemptAt > now || !(await this.deliver(row, rows.length - i - 1))) {
        this.held.add(chatId);
        return false;
      }
    }
    return true;
  }

  private async sendDueSerially(): Promise<void> {
    const rows = this.store.duePending(this.channel, this.clock().toISOString(), 100);
    for (const row of rows) await this.deliver(row, 0);
  }

  /** One attempt at one row; false when the row must wait (for its retry, or for the next start). */
  private async deliver(row: OutboxRow, backlog: number): Promise<boolean> {
    try {
      const result = await this.sender.send(row, backlog);
      this.store.markSent(row.id, this.clock().toISOString(), result);
      return true;
    } catch (error) {
      const failure = this.sender.classify(error);
      const decided = verdict(this.policy, row.attempts, failure);
      if (decided.kind === "keep") return false;
      const description = this.sender.describe(error).slice(0, 500);
      const attempts = row.attempts + 1;
      if (decided.kind === "dead") {
        this.store.markDead(row.id, description);
        this.logger.error({ channel: this.channel, outboxId: row.id, attempts }, "message dead-lettered");
        this.reportDeadLetter(row, description);
        return true;
      }
      this.store.markRetry(
        row.id,
        new Date(this.clock().getTime() + decided.delayMs).toISOString(),
        description,
      );
      this.logger.warn(
        { channel: this.channel, outboxId: row.id, attempts, delayMs: Math.round(decided.delayMs) },
        "send failed, will retry",
      );
      return false;
    }
  }

  private reportDeadLetter(row: OutboxRow, description: string): void {
    if (!this.options.onDeadLetter) return;
    try {
      this.options.onDeadLetter(row, description);
    } catch (error) {
      // The row is dead either way; a failing report must not stop the chat's other messages.
      this.logger.error({ outboxId: row.id, err: this.sender.describe(error) }, "dead-letter report failed");
    }
  }
}
