/**
 * A Zalo Bot API client with the public surface of node-zalo-bot 0.1.6 (reference §7.1, §7.6), written on
 * axios from the documented behaviour. Code written for that SDK runs unchanged; the marked extensions follow
 * node-telegram-bot-api's style. Where the SDK has bugs (reference §0.4) this client does not copy them:
 * on() returns the emitter, the options object is never modified, and an idle poll is not an error.
 *
 * The token is in every URL, so no error or log line here carries a URL, an axios config or a request.
 */
import { EventEmitter } from "node:events";
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from "axios";
import { BaseError, FatalError, ParseError, redactToken, type ZaloEnvelope, ZaloError } from "./errors.ts";
import type { ZaloBotInfo, ZaloMessage, ZaloSent, ZaloUpdate, ZaloWebhookInfo } from "./types.ts";

export { BaseError, FatalError, ParseError, ZaloError } from "./errors.ts";

export interface PollingOptions {
  /** Starts polling from the constructor (default true when polling is set). */
  autoStart?: boolean;
  /** Milliseconds between two polls (default 300, never below MIN_POLL_INTERVAL_MS). */
  interval?: number;
  /** Passed to getUpdates; `timeout` is the long-poll time in seconds (default 10). */
  params?: { timeout?: number; [key: string]: unknown };
  /** Deprecated in the SDK: same as params.timeout. */
  timeout?: number;
}

export interface ZaloBotOptions {
  polling?: boolean | PollingOptions;
  webHook?: unknown;
  /** Default https://bot-api.zapps.me (the SDK's); the product passes ZALO_API_ROOT. */
  baseApiUrl?: string;
  testEnvironment?: boolean;
  /** Merged into every axios request config (proxy, timeout, agents…). */
  request?: AxiosRequestConfig;
  /** onText stops at the first matching expression. */
  onlyFirstMatch?: boolean;
  badRejection?: boolean;
  filepath?: boolean;
  /** Extension: where unhandled polling errors go (default console.error, as the SDK). Always redacted. */
  logger?: { error(message: string): void };
}

/** Extension: the reason a poll loop stopped is kept for stopPolling's caller. */
export interface StopPollingOptions {
  /** Aborts the poll in flight instead of waiting for it to return. */
  cancel?: boolean;
  reason?: string;
}

export type MessageType = "text" | "photo" | "sticker" | "voice";
type TextCallback = (msg: ZaloMessage, match: RegExpExecArray | null) => void;
type UpdateHandler = (update: ZaloUpdate) => Promise<void> | void;

export const DEFAULT_BASE_API_URL = "https://bot-api.zapps.me";
/** Zalo answers at once while its queue is not empty, so a loop without a pause would hammer it. */
export const MIN_POLL_INTERVAL_MS = 100;
/** The HTTP timeout of a poll exceeds the poll's own timeout by this much, so Zalo's idle answer arrives. */
const POLL_HTTP_MARGIN_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Backoff after a failed poll: 1 s, doubling, at most 30 s (a revoked token must not spin). */
const POLL_BACKOFF_MAX_MS = 30_000;

/** An idle long poll: error code 408 under HTTP 408 or 200, as a number or a string (reference §0.1, §2.2). */
export function isIdlePoll(body: unknown): boolean {
  const e = body as ZaloEnvelope | undefined;
  return e?.ok === false && Number(e.error_code) === 408;
}

/** The update of a webhook body or a poll, wrapped `{ok, result}` or raw (reference §4.2). */
export function unwrapUpdate(body: unknown): ZaloUpdate | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { ok?: unknown; result?: unknown; event_name?: unknown; message?: unknown };
  const update = b.ok === true && b.result && typeof b.result === "object" ? b.result : b;
  const u = update as { event_name?: unknown; message?: unknown };
  if (typeof u.event_name !== "string" && (u.message === undefined || u.message === null)) return undefined;
  return update as ZaloUpdate;
}

/** The message's type, decided by which content field has a value (photo_url counts as a photo). */
export function messageTypeOf(msg: ZaloMessage): MessageType | undefined {
  if (msg.text) return "text";
  if (msg.photo_url || msg.photo) return "photo";
  if (msg.sticker) return "sticker";
  if (msg.voice_url) return "voice";
  return undefined;
}

export class ZaloBot extends EventEmitter {
  static readonly errors = { BaseError, FatalError, ParseError, ZaloError };
  static readonly messageTypes: readonly MessageType[] = ["text", "photo", "sticker", "voice"];

  readonly token: string;
  readonly options: Readonly<ZaloBotOptions>;
  private readonly http: AxiosInstance;
  private readonly textRegexpCallbacks: Array<{ regexp: RegExp; callback: TextCallback }> = [];
  private readonly updateHandlers: UpdateHandler[] = [];
  private poll:
    | { stopped: boolean; abort: AbortController; done: Promise<void>; wake?: () => void }
    | undefined;

  constructor(token: string, options: ZaloBotOptions = {}) {
    super();
    this.token = token;
    // A copy: the SDK writes into the caller's object, ours leaves it as given.
    this.options = { ...options, ...(options.request ? { request: { ...options.request } } : {}) };
    // Everything that is the same for every call is set once: axios merges per-call config on each request, and
    // that merge is most of a call's cost when the network is fast.
    const base = this.options.request ?? {};
    this.http = axios.create({
      ...base,
      headers: { ...(base.headers as Record<string, string>), "Content-Type": "application/json" },
      // The body is parsed here, so a non-JSON answer becomes a ParseError and any status an envelope.
      responseType: "text",
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
    });
    const polling = options.polling;
    if (polling && (polling === true || polling.autoStart !== false)) {
      this.startPolling().catch(() => undefined);
    }
  }

  // Typed so that on() returns this (the SDK's returns undefined).
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /** The base of every call, without the token (safe to log). */
  get baseApiUrl(): string {
    return (this.options.baseApiUrl ?? DEFAULT_BASE_API_URL).replace(/\/+$/, "");
  }

  private url(method: string): string {
    const test = this.options.testEnvironment ? "/test" : "";
    return `${this.baseApiUrl}/bot${this.token}${test}/${method}`;
  }

  /**
   * One call: POST JSON, `result` when ok. ok:false (any HTTP status) → ZaloError; a body that is not JSON →
   * ParseError; no answer at all → FatalError. `idle` makes an idle poll resolve to undefined.
   */
  private async request<T>(
    method: string,
    body: Record<string, unknown>,
    extra: { timeoutMs?: number; signal?: AbortSignal; idle?: boolean } = {},
  ): Promise<T> {
    if (!this.token) throw new FatalError("Zalo Bot Token not provided!");
    const base = this.options.request ?? {};
    const timeout = Math.max(base.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS, extra.timeoutMs ?? 0);
    let response: AxiosResponse<string>;
    try {
      response = await this.http.post<string>(this.url(method), JSON.stringify(body), {
        timeout,
        ...(extra.signal ? { signal: extra.signal } : {}),
      });
    } catch (error) {
      const reason = axios.isCancel(error) ? "request cancelled" : errorText(error);
      throw new FatalError(redactToken(`${method}: ${reason}`, this.token));
    }
    let envelope: ZaloEnvelope;
    try {
      envelope = JSON.parse(response.data) as ZaloEnvelope;
      if (!envelope || typeof envelope !== "object") throw new Error("not an object");
    } catch {
      const excerpt = redactToken(String(response.data ?? "").slice(0, 300), this.token);
      throw new ParseError(`${method}: HTTP ${response.status}, body is not JSON`, {
        status: response.status,
        body: excerpt,
      });
    }
    if (extra.idle && isIdlePoll(envelope)) return undefined as T;
    if (envelope.ok !== true) {
      // The description is Zalo's text; redacted all the same in case a proxy echoes the URL.
      const safe: ZaloEnvelope = {
        ...envelope,
        ...(envelope.description !== undefined
          ? { description: redactToken(String(envelope.description), this.token) }
          : {}),
      };
      throw new ZaloError(safe, response.status);
    }
    return envelope.result as T;
  }

  getMe(form: Record<string, unknown> = {}): Promise<ZaloBotInfo> {
    return this.request("getMe", form);
  }

  /**
   * One long poll. Resolves to the single update Zalo returns, or (extension) to undefined when the poll was
   * idle; the SDK rejected those. Also callable as getUpdates(timeout, limit, offset).
   */
  getUpdates(
    form: Record<string, unknown> | number = {},
    limit?: number,
    offset?: number,
  ): Promise<ZaloUpdate | undefined> {
    const body: Record<string, unknown> =
      typeof form === "number"
        ? {
            timeout: form,
            ...(limit !== undefined ? { limit } : {}),
            ...(offset !== undefined ? { offset } : {}),
          }
        : form;
    return this.pollOnce(body);
  }

  private async pollOnce(
    body: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<ZaloUpdate | undefined> {
    const seconds = Number(body.timeout ?? 30);
    const timeoutMs = (Number.isFinite(seconds) ? seconds * 1000 : 30_000) + POLL_HTTP_MARGIN_MS;
    const result = await this.request<unknown>("getUpdates", body, {
      timeoutMs,
      idle: true,
      ...(signal ? { signal } : {}),
    });
    // `{ok:true, result:{}}` has also been seen for an idle poll.
    return unwrapUpdate(result);
  }

  sendMessage(chatId: string, text: string, form: Record<string, unknown> = {}): Promise<ZaloSent> {
    return this.request("sendMessage", { chat_id: chatId, text, ...form });
  }

  /** Extension (not in 0.1.6): `photo` is an http(s) URL; Zalo takes no uploads. An empty caption is left out. */
  sendPhoto(chatId: string, photo: string, options: { caption?: string } = {}): Promise<ZaloSent> {
    const { caption, ...rest } = options;
    return this.request("sendPhoto", { chat_id: chatId, photo, ...(caption ? { caption } : {}), ...rest });
  }

  sendSticker(chatId: string, sticker: string, form: Record<string, unknown> = {}): Promise<ZaloSent> {
    return this.request("sendSticker", { chat_id: chatId, sticker, ...form });
  }

  /** Extension: a voice note by URL (`.aac`); private chats only. */
  sendVoice(chatId: string, voiceUrl: string, form: Record<string, unknown> = {}): Promise<ZaloSent> {
    return this.request("sendVoice", { chat_id: chatId, voice_url: voiceUrl, ...form });
  }

  /** Zalo answers `{ok:true}` without a result; this resolves to true. */
  async sendChatAction(
    chatId: string,
    action: "typing" | "upload_photo" = "typing",
    form: Record<string, unknown> = {},
  ): Promise<true> {
    await this.request("sendChatAction", { chat_id: chatId, action, ...form });
    return true;
  }

  /** Sends only `url` and `secret_token`, as the SDK does. */
  setWebHook(url: string, options: { secret_token?: string } = {}): Promise<ZaloWebhookInfo> {
    return this.request("setWebhook", { url, secret_token: options.secret_token });
  }

  /** Documented as `true`, sampled as `{url:"", updated_at}`: whichever Zalo sends is passed on. */
  deleteWebHook(form: Record<string, unknown> = {}): Promise<ZaloWebhookInfo | true> {
    return this.request("deleteWebhook", form);
  }

  getWebHookInfo(form: Record<string, unknown> = {}): Promise<ZaloWebhookInfo> {
    return this.request("getWebhookInfo", form);
  }

  // The correctly cased names of the wire methods, as aliases.
  setWebhook(url: string, options: { secret_token?: string } = {}): Promise<ZaloWebhookInfo> {
    return this.setWebHook(url, options);
  }
  deleteWebhook(form: Record<string, unknown> = {}): Promise<ZaloWebhookInfo | true> {
    return this.deleteWebHook(form);
  }
  getWebhookInfo(form: Record<string, unknown> = {}): Promise<ZaloWebhookInfo> {
    return this.getWebHookInfo(form);
  }

  /** Extension: Zalo probes the registered webhook URL and reports the outcome. */
  testWebhook(): Promise<{ ok: boolean; url?: string; outcome?: string; hint?: string }> {
    return this.request("testWebhook", {});
  }

  /** Registers a handler for text matching `regexp`, called as (msg, match). */
  onText(regexp: RegExp, callback: TextCallback): this {
    this.textRegexpCallbacks.push({ regexp, callback });
    return this;
  }

  /** Extension: removes an onText handler; true if it was registered. */
  removeTextListener(regexp: RegExp): boolean {
    const i = this.textRegexpCallbacks.findIndex((c) => String(c.regexp) === String(regexp));
    if (i < 0) return false;
    this.textRegexpCallbacks.splice(i, 1);
    return true;
  }

  /**
   * Extension: a handler for each raw update that the poll loop awaits before polling again, so updates are
   * handled one at a time and in order. processUpdate's events fire as well.
   */
  onUpdate(handler: UpdateHandler): this {
    this.updateHandlers.push(handler);
    return this;
  }

  /**
   * Emits the events of one update: 'update' (extension), 'message' (msg, {type}), then the type's own event,
   * then the onText handlers. Accepts the update raw or wrapped in `{ok, result}` (extension).
   */
  processUpdate(body: unknown): void {
    const update = unwrapUpdate(body);
    if (!update) return;
    this.emit("update", update);
    const msg = update.message;
    if (!msg) return;
    const type = messageTypeOf(msg);
    const metadata = { type };
    this.emit("message", msg, metadata);
    if (type) this.emit(type, msg, metadata);
    if (typeof msg.text !== "string") return;
    for (const { regexp, callback } of this.textRegexpCallbacks) {
      regexp.lastIndex = 0;
      const match = regexp.exec(msg.text);
      if (!match) continue;
      regexp.lastIndex = 0;
      callback(msg, match);
      if (this.options.onlyFirstMatch) break;
    }
  }

  isPolling(): boolean {
    return this.poll !== undefined && !this.poll.stopped;
  }

  /** Starts the poll loop (a restart stops the current one first, unless `restart: false`). */
  async startPolling(options: { restart?: boolean } = {}): Promise<void> {
    if (this.poll && !this.poll.stopped) {
      if (options.restart === false) return;
      await this.stopPolling({ cancel: true });
    }
    const state = {
      stopped: false,
      abort: new AbortController(),
      done: Promise.resolve(),
    } as NonNullable<ZaloBot["poll"]>;
    this.poll = state;
    state.done = this.pollLoop(state);
  }

  /** Extension: stops the loop; with `cancel` the poll in flight is aborted, otherwise awaited. */
  async stopPolling(options: StopPollingOptions = {}): Promise<void> {
    const state = this.poll;
    if (!state) return;
    state.stopped = true;
    state.wake?.();
    if (options.cancel) state.abort.abort(options.reason ?? "stopPolling");
    await state.done;
    if (this.poll === state) this.poll = undefined;
  }

  private pollingSettings(): { interval: number; params: Record<string, unknown> } {
    const p = typeof this.options.polling === "object" ? this.options.polling : {};
    const params: Record<string, unknown> = { ...p.params };
    params.timeout ??= p.timeout ?? 10;
    return { interval: Math.max(MIN_POLL_INTERVAL_MS, p.interval ?? 300), params };
  }

  private async pollLoop(state: NonNullable<ZaloBot["poll"]>): Promise<void> {
    const { interval, params } = this.pollingSettings();
    let failures = 0;
    while (!state.stopped) {
      let pause = interval;
      try {
        const update = await this.pollOnce(params, state.abort.signal);
        failures = 0;
        if (update) await this.deliver(update);
      } catch (error) {
        if (state.stopped) break;
        failures += 1;
        pause = Math.max(interval, Math.min(POLL_BACKOFF_MAX_MS, 1000 * 2 ** (failures - 1)));
        this.reportPollingError(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async deliver(update: ZaloUpdate): Promise<void> {
    try {
      this.processUpdate(update);
      for (const handler of this.updateHandlers) await handler(update);
    } catch (error) {
      if (this.listenerCount("error") > 0) this.emit("error", error);
      else this.log(`ZaloBot: an update handler failed: ${errorText(error)}`);
    }
  }

  private reportPollingError(error: unknown): void {
    const safe = error instanceof BaseError ? error : new FatalError(errorText(error));
    if (this.listenerCount("polling_error") > 0) this.emit("polling_error", safe);
    else this.log(`ZaloBot polling error: ${safe.message}`);
  }

  private log(line: string): void {
    const safe = redactToken(line, this.token);
    if (this.options.logger) this.options.logger.error(safe);
    else console.error(safe);
  }
}

/** A failure's own words, without the URL or config an AxiosError carries. */
function errorText(error: unknown): string {
  if (axios.isAxiosError(error)) return error.code ? `${error.code} ${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export default ZaloBot;
