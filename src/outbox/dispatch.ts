import type { Logger } from "pino";
import type { HandedRow, OutboxLane } from "./lane.ts";

/** A chat on a channel. */
export interface ChatRef {
  channel: string;
  chatId: string;
}

/** What an applied update left to send (the router's result, or a job's). */
export interface Dispatchable {
  /** Chats with new messages. */
  chats: readonly ChatRef[];
  /** Rows queued for the update's own chat, as written: handed to its sender without reading them back. */
  own: readonly HandedRow[];
  /** A routed ticket may be waiting for its duty chats. */
  fanOut: boolean;
}

export interface DispatcherOptions {
  logger: Logger;
  /**
   * Posts routed tickets into the duty chats bound on these channels (the duty desk's transaction); returns the
   * chats that got a post. Routed tickets are rows of the outbox, so one that finds no chat bound yet, or one
   * committed just before a crash, is offered again on the next pass.
   */
  fanOut: (now: Date, channels: readonly string[]) => ChatRef[];
  clock?: () => Date;
  /** How often routed tickets still waiting are offered again. */
  fanOutIntervalMs?: number;
}

/**
 * The one place messages leave the outbox after a commit: per-channel lanes registered by channel name (each a
 * sender under the one retry policy), the fan-out of routed tickets into duty chats, and the background sends
 * to other chats. Channels and the scheduler hand it what they committed; nothing else sends.
 */
export class Dispatcher {
  private readonly lanes = new Map<string, OutboxLane>();
  /** Channels whose chats can be bound as duty chats (e-mail is not one). */
  private readonly dutyChannels = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly o: DispatcherOptions) {
    this.clock = o.clock ?? (() => new Date());
  }

  /** Adds a channel's lane; `dutyChats: false` for a channel that carries no duty posts (e-mail). */
  register(lane: OutboxLane, options: { dutyChats?: boolean } = {}): this {
    if (this.lanes.has(lane.channel)) throw new Error(`a sender for ${lane.channel} is already registered`);
    this.lanes.set(lane.channel, lane);
    if (options.dutyChats ?? true) this.dutyChannels.add(lane.channel);
    if (this.started) lane.start();
    return this;
  }

  lane(channel: string): OutboxLane | undefined {
    return this.lanes.get(channel);
  }

  /**
   * Sends what one committed update left: its own chat's rows (handed over), other chats in the background, and
   * a fan-out when a ticket was routed. With `wait`, resolves once the update's own chat is sent (a private
   * chat's answer before its next update); without, at once (a webhook answers as soon as the commit is done).
   */
  dispatch(origin: ChatRef, result: Dispatchable, options: { wait: boolean }): Promise<void> {
    const same = (c: ChatRef) => c.channel === origin.channel && c.chatId === origin.chatId;
    for (const chat of result.chats.filter((c) => !same(c)))
      this.background(this.flushChat(chat.channel, chat.chatId));
    if (result.fanOut) this.background(this.fanOut());
    if (!result.chats.some(same) && result.own.length === 0) return Promise.resolve();
    const lane = this.lanes.get(origin.channel);
    const mine = !lane
      ? Promise.resolve()
      : result.own.length > 0
        ? lane.sendHanded(origin.chatId, result.own)
        : lane.flushChat(origin.chatId);
    if (options.wait) return mine;
    this.background(mine);
    return Promise.resolve();
  }

  /** Posts routed tickets into their duty chats and sends them. */
  async fanOut(now: Date = this.clock()): Promise<void> {
    const chats = this.o.fanOut(now, [...this.dutyChannels]);
    await Promise.all(chats.map((c) => this.flushChat(c.channel, c.chatId)));
  }

  /** Sends what is due for one chat of a channel (nothing when no sender is registered for it). */
  flushChat(channel: string, chatId: string): Promise<void> {
    return this.lanes.get(channel)?.flushChat(chatId) ?? Promise.resolve();
  }

  /** Sends everything due on every channel. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.flushAll()));
  }

  /**
   * Sends what was committed before a stop or crash, then keeps retrying (each lane's loop) and offers routed
   * tickets that wait for a duty chat again every second.
   */
  async start(): Promise<void> {
    this.started = true;
    // A slow mail server must not hold up the start: serial lanes' first pass runs in the background.
    await Promise.all(
      [...this.lanes.values()].map((lane) => {
        const first = lane.flushAll();
        if (!this.dutyChannels.has(lane.channel)) {
          this.background(first);
          return Promise.resolve();
        }
        return first;
      }),
    );
    for (const lane of this.lanes.values()) lane.start();
    this.timer = setInterval(() => this.background(this.fanOut()), this.o.fanOutIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Stops the loops; sends waiting for a rate-limit window give up and stay pending for the next start. */
  stop(): void {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const lane of this.lanes.values()) lane.stop();
  }

  /** Waits for every send in flight (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await Promise.all([...this.lanes.values()].map((lane) => lane.drain()));
  }

  /** Lets a send run on its own; a failure is logged (the outbox keeps the message for the retry loop). */
  private background(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        this.o.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          "background send failed",
        ),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
