/**
 * Telegram's send limits, kept on our side so that the Bot API rarely has to answer 429: about 30 sends a
 * second overall (a sliding one-second window), one a second per chat with a short burst allowed (GCRA, the
 * token bucket's exact form), 20 a minute per group (a sliding one-minute window). Every window counts the
 * times sends *finished*: a request reaches Telegram somewhere between the moment we let it go and the moment
 * its answer comes back, so counting from the answer is the one bound no network jitter can break.
 */

/** Telegram's documented send limits. */
export interface TelegramLimits {
  /** Sends per second across all chats. */
  globalPerSecond: number;
  /** Sends per second to one chat, sustained. */
  perChatPerSecond: number;
  /**
   * Sends a chat may get at once before the per-second rate applies (Telegram allows "short bursts"): an
   * answered question and the next one arrive together. 1 is the strict one-a-second rule.
   */
  perChatBurst: number;
  /** Sends per minute to one group or supergroup. */
  groupPerMinute: number;
}

export const TELEGRAM_LIMITS: Readonly<TelegramLimits> = {
  globalPerSecond: 30,
  perChatPerSecond: 1,
  perChatBurst: 3,
  groupPerMinute: 20,
};

export interface RateLimiterOptions {
  limits?: Partial<TelegramLimits>;
  /**
   * Limits sped up by this factor (tests and benchmarks, against a fake Bot API sped up alike); 1 in
   * production. Every window and wait below is in Telegram's time and divided by it.
   */
  timeScale?: number;
  /**
   * Longest a send waits behind chats with longer backlogs while the overall limit is saturated (Telegram
   * time); past it, it goes first. 20 s is what a group's full minute allowance takes at one a second.
   */
  maxWaitMs?: number;
  /** Which chats are groups (Telegram: negative ids). */
  isGroup?: (chatId: string) => boolean;
  /** Monotonic milliseconds. */
  now?: () => number;
  /** Schedules a wake-up; returns its cancel. */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

export interface RunOptions {
  /** Sends still queued for this chat after this one: chats with more to send go first, so all end sooner. */
  backlog?: number;
}

/** Thrown to a waiting send by `abortWaiting` (shutdown): it was never sent. */
export class LimiterAbortedError extends Error {
  constructor() {
    super("rate limiter stopped before this send was due");
    this.name = "LimiterAbortedError";
  }
}

interface Waiter {
  seq: number;
  enqueuedAt: number;
  /** Time the rest of the chat's backlog needs after this send, at the limits: its scheduling priority. */
  tail: number;
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
}

interface ChatState {
  id: string;
  group: boolean;
  queue: Waiter[];
  inFlight: number;
  /** GCRA's theoretical arrival time: the chat may send once the clock is past `tat - burst tolerance`. */
  tat: number;
  /** Groups: finish times of sends in the last minute, oldest first. */
  log: number[];
}

const SWEEP_EVERY = 512;

/**
 * Lets each send to Telegram go when every limit allows it. Per chat in order and one at a time; across chats,
 * the longest backlog first (a schedule that ends a mixed batch soonest), yet no send waits past `maxWaitMs`
 * behind others, and a chat held by its own window (a group's per-minute count) never holds anyone else.
 */
export class RateLimiter {
  readonly timeScale: number;
  private readonly globalCap: number;
  private readonly globalWindow: number;
  private readonly chatInterval: number;
  private readonly chatTolerance: number;
  private readonly groupCap: number;
  private readonly groupWindow: number;
  private readonly maxWait: number;
  private readonly isGroup: (chatId: string) => boolean;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => () => void;
  private readonly chats = new Map<string, ChatState>();
  /** Chats with a send waiting. */
  private readonly ready = new Set<ChatState>();
  /** Finish times of recent sends, oldest first. */
  private readonly globalLog: number[] = [];
  private globalInFlight = 0;
  private seq = 0;
  private grants = 0;
  private cancelTimer: (() => void) | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(options: RateLimiterOptions = {}) {
    const limits = { ...TELEGRAM_LIMITS, ...options.limits };
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new Error("timeScale must be positive");
    const ms = (telegramMs: number) => telegramMs / this.timeScale;
    this.globalCap = capacity(limits.globalPerSecond);
    this.globalWindow = ms(1000);
    this.chatInterval = Number.isFinite(limits.perChatPerSecond) ? ms(1000 / limits.perChatPerSecond) : 0;
    this.chatTolerance = (Math.max(1, Math.floor(limits.perChatBurst)) - 1) * this.chatInterval;
    this.groupCap = capacity(limits.groupPerMinute);
    this.groupWindow = ms(60_000);
    this.maxWait = ms(options.maxWaitMs ?? 20_000);
    this.isGroup = options.isGroup ?? ((id) => id.startsWith("-"));
    this.now = options.now ?? (() => performance.now());
    this.setTimer =
      options.setTimer ??
      ((fn, delay) => {
        const t = setTimeout(fn, delay);
        return () => clearTimeout(t);
      });
  }

  /** A limiter that limits nothing but still sends one at a time per chat, in order (unit tests). */
  static unlimited(): RateLimiter {
    return new RateLimiter({
      limits: {
        globalPerSecond: Number.POSITIVE_INFINITY,
        perChatPerSecond: Number.POSITIVE_INFINITY,
        perChatBurst: 1,
        groupPerMinute: Number.POSITIVE_INFINITY,
      },
    });
  }

  /** Runs `task` (one Bot API send to `chatId`) when the limits allow it; its finish is counted. */
  async run<T>(chatId: string | number, task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const release = await this.acquire(String(chatId), options.backlog ?? 0);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Sends waiting for their turn (not those in flight). */
  get waiting(): number {
    let n = 0;
    for (const chat of this.ready) n += chat.queue.length;
    return n;
  }

  /** Rejects every waiting send with LimiterAbortedError (shutdown); sends in flight finish normally. */
  abortWaiting(): void {
    for (const chat of this.ready) {
      for (const waiter of chat.queue.splice(0)) waiter.reject(new LimiterAbortedError());
    }
    this.ready.clear();
    this.clearTimer();
  }

  private acquire(chatId: string, backlog: number): Promise<() => void> {
    const chat = this.chat(chatId);
    const now = this.now();
    return new Promise((resolve, reject) => {
      chat.queue.push({
        seq: this.seq++,
        enqueuedAt: now,
        tail: this.tail(chat, now, Math.max(0, Math.floor(backlog))),
        resolve,
        reject,
      });
      this.ready.add(chat);
      this.pump();
    });
  }

  private chat(id: string): ChatState {
    let chat = this.chats.get(id);
    if (!chat) {
      chat = {
        id,
        group: this.isGroup(id),
        queue: [],
        inFlight: 0,
        tat: Number.NEGATIVE_INFINITY,
        log: [],
      };
      this.chats.set(id, chat);
    }
    return chat;
  }

  /** Grants every send the limits allow now, then sleeps until the next one could go. */
  private pump(): void {
    const now = this.now();
    let wake = Number.POSITIVE_INFINITY;
    while (this.ready.size > 0) {
      expire(this.globalLog, now - this.globalWindow);
      if (this.globalInFlight + this.globalLog.length >= this.globalCap) {
        // Full: the oldest finished send leaves the window at a known time; one in flight pumps on release.
        const oldest = this.globalLog[this.globalLog.length - (this.globalCap - this.globalInFlight)];
        if (oldest !== undefined) wake = Math.min(wake, oldest + this.globalWindow);
        break;
      }
      let best: ChatState | undefined;
      for (const chat of this.ready) {
        const at = this.eligibleAt(chat, now);
        if (at > now) {
          wake = Math.min(wake, at);
          continue;
        }
        if (!best || this.before(chat, best, now)) best = chat;
      }
      if (!best) break;
      this.grant(best);
    }
    this.sleepUntil(wake, now);
  }

  /** When the chat's head send may go, by the chat's own limits (ignoring the overall one). */
  private eligibleAt(chat: ChatState, now: number): number {
    if (chat.inFlight > 0) return Number.POSITIVE_INFINITY; // its release pumps
    let at = chat.tat - this.chatTolerance;
    if (chat.group && Number.isFinite(this.groupCap)) {
      expire(chat.log, now - this.groupWindow);
      if (chat.log.length >= this.groupCap) {
        const leaving = chat.log[chat.log.length - this.groupCap] ?? now;
        at = Math.max(at, leaving + this.groupWindow);
      }
    }
    return at;
  }

  /** Whether chat a's head send goes before chat b's. */
  private before(a: ChatState, b: ChatState, now: number): boolean {
    const x = a.queue[0] as Waiter;
    const y = b.queue[0] as Waiter;
    const xLate = now - x.enqueuedAt >= this.maxWait;
    const yLate = now - y.enqueuedAt >= this.maxWait;
    if (xLate !== yLate) return xLate;
    if (!xLate && x.tail !== y.tail) return x.tail > y.tail;
    return x.enqueuedAt !== y.enqueuedAt ? x.enqueuedAt < y.enqueuedAt : x.seq < y.seq;
  }

  private grant(chat: ChatState): void {
    const waiter = chat.queue.shift() as Waiter;
    if (chat.queue.length === 0) this.ready.delete(chat);
    chat.inFlight++;
    this.globalInFlight++;
    let released = false;
    waiter.resolve(() => {
      if (released) return;
      released = true;
      const end = this.now();
      chat.inFlight--;
      this.globalInFlight--;
      chat.tat = Math.max(chat.tat, end) + this.chatInterval;
      this.globalLog.push(end);
      if (chat.group) chat.log.push(end);
      this.pump();
    });
    if (++this.grants % SWEEP_EVERY === 0) this.sweep();
  }

  /**
   * How long the chat needs for `backlog` more sends after the one being queued: one interval each, and for a
   * group, a wait for its minute window whenever that is full.
   */
  private tail(chat: ChatState, now: number, backlog: number): number {
    if (backlog === 0) return 0;
    if (!chat.group || !Number.isFinite(this.groupCap)) return backlog * this.chatInterval;
    const ends = chat.log.filter((t) => t > now - this.groupWindow);
    let t = Math.max(now, chat.tat - this.chatTolerance);
    let start = t;
    for (let k = 0; k <= Math.min(backlog, 10_000); k++) {
      if (k > 0) t += this.chatInterval;
      const leaving = ends.length >= this.groupCap ? ends[ends.length - this.groupCap] : undefined;
      if (leaving !== undefined) t = Math.max(t, leaving + this.groupWindow);
      if (k === 0) start = t;
      ends.push(t);
    }
    return t - start;
  }

  private sleepUntil(wake: number, now: number): void {
    if (wake === this.timerAt) return;
    this.clearTimer();
    if (!Number.isFinite(wake)) return;
    this.timerAt = wake;
    this.cancelTimer = this.setTimer(
      () => {
        this.cancelTimer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, Math.ceil(wake - now)),
    );
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Forgets idle chats whose limits no longer hold anything back, so state does not grow with every chat. */
  private sweep(): void {
    const now = this.now();
    for (const [id, chat] of this.chats) {
      if (chat.queue.length > 0 || chat.inFlight > 0 || chat.tat > now) continue;
      expire(chat.log, now - this.groupWindow);
      if (chat.log.length === 0) this.chats.delete(id);
    }
  }
}

function capacity(perWindow: number): number {
  return Number.isFinite(perWindow) ? Math.max(1, Math.floor(perWindow)) : Number.POSITIVE_INFINITY;
}

/** Drops the times at or before `cutoff` from a sorted log. */
function expire(log: number[], cutoff: number): void {
  let n = 0;
  while (n < log.length && (log[n] as number) <= cutoff) n++;
  if (n > 0) log.splice(0, n);
}
