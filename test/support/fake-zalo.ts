/**
 * A local stand-in for the Zalo Bot API over real HTTP on 127.0.0.1, written from the documented and observed
 * behaviour (reference §9 with the corrections of §0), for the Zalo tests and the benchmark (so: no
 * test-framework imports). It refuses what Zalo refuses (texts over 2,000 UTF-16 units, photos that are not
 * http(s) URLs, an empty chat_id, a short webhook secret, getUpdates while a webhook is set), answers an idle
 * poll with the 408 body under a configurable HTTP status, pushes updates to a webhook in either body shape,
 * counts a monthly quota, and injects faults. Tests drive it through `/__fake/*` or the FakeZalo handle.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeZaloConfig {
  /** Body shape of webhook pushes: raw `{event_name, message}`, wrapped `{ok, result}`, or alternating. */
  webhookEnvelope: "raw" | "wrapped" | "alternate";
  /** getWebhookInfo without a webhook: HTTP 404 (as observed) or `{url:""}`. */
  getWebhookInfoNoWebhook: "404" | "empty";
  /** setWebhook requires https and a public host. */
  strictHttps: boolean;
  /** sendMessage refuses chats that never wrote to the bot. */
  knownUsersOnly: boolean;
  /** Sends left this month; null is unlimited. */
  quotaRemaining: number | null;
  /** Every update is served (or pushed) a second time, as Zalo has been seen to do. */
  replayConsumed: boolean;
  /** Webhook pushes are sent twice. */
  duplicateDelivery: boolean;
  /** Longest hold of an idle getUpdates, in seconds (the requested timeout is capped at this). */
  pollCapSeconds: number;
  /** HTTP status of the idle-poll body (408 as recorded, 200 as also recorded). */
  idleHttpStatus: 408 | 200;
  /** The idle body's error_code as the string "408" instead of the number. */
  idleCodeAsString: boolean;
  /** Overrides the secret header of webhook pushes: a string sends that instead, null sends none. */
  pushSecretOverride: string | null | undefined;
  /** The bot's name, as a group mention prefixes it ("@<name> "). */
  botName: string;
}

export interface OutboxEntry {
  method: string;
  params: Record<string, unknown>;
  message_id: string;
  date: number;
  delivered: boolean;
  chat_id: string;
}

export interface FailSpec {
  method?: string;
  http_status: number;
  /** A JSON value, or a string sent as is (an HTML page, say). */
  body?: unknown;
  /** Never answers (the connection is held until the client gives up). */
  hang?: boolean;
  /** How many matching calls fail (default 1). */
  times?: number;
}

export interface InjectInput {
  type: "text" | "image" | "sticker" | "voice" | "unsupported";
  chat_type?: "PRIVATE" | "GROUP";
  chat_id?: string;
  from: { id: string; display_name?: string };
  text?: string;
  caption?: string;
  photo_url?: string;
  sticker?: string;
  voice_url?: string;
  mention_bot?: boolean;
}

export type FakeUpdate = { event_name: string; message: Record<string, unknown> };

export interface Delivery {
  message_id: string;
  status: number;
  latency_ms: number;
  envelope: "raw" | "wrapped";
}

const DEFAULT_CONFIG: FakeZaloConfig = {
  webhookEnvelope: "raw",
  getWebhookInfoNoWebhook: "404",
  strictHttps: false,
  knownUsersOnly: false,
  quotaRemaining: null,
  replayConsumed: false,
  duplicateDelivery: false,
  pollCapSeconds: 30,
  idleHttpStatus: 408,
  idleCodeAsString: false,
  pushSecretOverride: undefined,
  botName: "Bot Sự Cố",
};

export const FAKE_ZALO_TOKEN = "1234567890:fake-zalo-token-NOT-REAL-abcdef";
const SEND_METHODS = new Set(["sendMessage", "sendPhoto", "sendSticker", "sendVoice"]);
const EVENT_NAMES: Record<InjectInput["type"], string> = {
  text: "message.text.received",
  image: "message.image.received",
  sticker: "message.sticker.received",
  voice: "message.voice.received",
  unsupported: "message.unsupported.received",
};

const hex20 = () => randomBytes(10).toString("hex");

interface Waiter {
  resolve: (update: FakeUpdate | undefined) => void;
}

export class FakeZalo {
  private server: Server | undefined;
  config: FakeZaloConfig = { ...DEFAULT_CONFIG };
  private queue: FakeUpdate[] = [];
  private pollers: Waiter[] = [];
  private outboxEntries: OutboxEntry[] = [];
  private chatActions: Array<{ chat_id: string; action: string; date: number }> = [];
  private deliveries: Delivery[] = [];
  private failures: FailSpec[] = [];
  private knownChats = new Set<string>();
  private chatTypes = new Map<string, string>();
  private webhook: { url: string; secret: string; updated_at: number } | undefined;
  private outboxWaiters: Array<() => void> = [];
  private pushCount = 0;
  private hung: ServerResponse[] = [];
  /** Calls per method, answered or not. */
  calls: Record<string, number> = {};
  /** Every Bot API request as it arrived (path includes the token: this log stays in the test). */
  requests: Array<{ httpMethod: string; path: string; contentType: string; body: string; at: number }> = [];
  /** Sends counted against the quota since the last reset. */
  sentThisMonth = 0;
  /** Images this server hosts as Zalo's CDN would (an image message carries their URL), by path. */
  private readonly cdn = new Map<string, Buffer>();
  /** Downloads of hosted images served. */
  cdnDownloads = 0;

  constructor(readonly tokens: string[] = [FAKE_ZALO_TOKEN]) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("fake Zalo not started");
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { ok: false, error_code: 500, description: String(error) });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const p of this.pollers.splice(0)) p.resolve(undefined);
    for (const res of this.hung.splice(0)) res.destroy();
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.config = { ...DEFAULT_CONFIG };
    this.queue = [];
    for (const p of this.pollers.splice(0)) p.resolve(undefined);
    this.outboxEntries = [];
    this.chatActions = [];
    this.deliveries = [];
    this.failures = [];
    this.knownChats.clear();
    this.chatTypes.clear();
    this.webhook = undefined;
    this.calls = {};
    this.requests = [];
    this.sentThisMonth = 0;
    this.pushCount = 0;
  }

  configure(patch: Partial<FakeZaloConfig>): void {
    this.config = { ...this.config, ...patch };
  }

  failNext(spec: FailSpec): void {
    this.failures.push({ times: 1, ...spec });
  }

  /** Plays a user: builds the update as Zalo would and queues it for getUpdates or pushes it to the webhook. */
  async inject(
    input: InjectInput,
  ): Promise<{ update: FakeUpdate; delivery: { mode: string; status?: number } }> {
    const chatType = input.chat_type ?? "PRIVATE";
    const chatId = chatType === "PRIVATE" ? input.from.id : (input.chat_id ?? hex20());
    const message: Record<string, unknown> = {
      message_id: hex20(),
      date: Date.now(),
      from: { id: input.from.id, display_name: input.from.display_name ?? "Người dùng", is_bot: false },
      chat: { id: chatId, chat_type: chatType },
    };
    if (input.type === "text") {
      const text = input.text ?? "";
      message.text = chatType === "GROUP" && input.mention_bot ? `@${this.config.botName} ${text}` : text;
    } else if (input.type === "image") {
      const url = input.photo_url ?? `https://photo-stal-1.zdn.vn/fake/${hex20()}.jpg`;
      Object.assign(message, { photo_url: url, photo: url, message_type: "CHAT_PHOTO" });
      if (input.caption) message.caption = input.caption;
    } else if (input.type === "sticker") {
      message.sticker = input.sticker ?? "0e078a2fb66a5f34067b";
      message.url = `https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=${message.sticker}`;
    } else if (input.type === "voice") {
      Object.assign(message, {
        voice_url: input.voice_url ?? `https://f2-voice-aac-dl.zdn.vn/fake/${hex20()}.aac`,
        message_type: "CHAT_VOICE",
      });
    }
    this.knownChats.add(chatId);
    this.chatTypes.set(chatId, chatType);
    const update: FakeUpdate = { event_name: EVENT_NAMES[input.type], message };
    return { update, delivery: await this.deliver(update) };
  }

  /**
   * Hosts the bytes of an image as Zalo's CDN does and returns its URL, to send in an image message (`photo_url`).
   * This server is plain http on loopback, where Zalo's CDN is https.
   */
  hostImage(bytes: Buffer): string {
    const path = `/__cdn/${hex20()}.jpg`;
    this.cdn.set(path, bytes);
    return `${this.url}${path}`;
  }

  /** Queues (or pushes) an update as given, e.g. one with an unknown event_name. */
  async injectRaw(update: FakeUpdate): Promise<{ mode: string; status?: number }> {
    return this.deliver(update);
  }

  private async deliver(update: FakeUpdate): Promise<{ mode: string; status?: number }> {
    if (this.webhook) {
      const status = await this.push(update);
      if (this.config.duplicateDelivery || this.config.replayConsumed) await this.push(update);
      return { mode: "webhook", status };
    }
    this.enqueue(update);
    return { mode: "polling" };
  }

  private enqueue(update: FakeUpdate): void {
    const waiter = this.pollers.shift();
    if (waiter) waiter.resolve(update);
    else this.queue.push(update);
  }

  private async push(update: FakeUpdate): Promise<number> {
    const hook = this.webhook;
    if (!hook) return 0;
    this.pushCount += 1;
    const envelope =
      this.config.webhookEnvelope === "alternate"
        ? this.pushCount % 2 === 0
          ? "wrapped"
          : "raw"
        : this.config.webhookEnvelope;
    const body = envelope === "wrapped" ? { ok: true, result: update } : update;
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": "Java/1.8.0_192",
    };
    const override = this.config.pushSecretOverride;
    const secret = override === undefined ? hook.secret : override;
    if (secret !== null) headers["X-Bot-Api-Secret-Token"] = secret;
    const started = Date.now();
    let status = 0;
    try {
      const res = await fetch(hook.url, { method: "POST", headers, body: JSON.stringify(body) });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0;
    }
    this.deliveries.push({
      message_id: String(update.message.message_id),
      status,
      latency_ms: Date.now() - started,
      envelope,
    });
    return status;
  }

  /** What the bot sent, in order (optionally to one chat). */
  outbox(chatId?: string): OutboxEntry[] {
    return this.outboxEntries.filter((e) => chatId === undefined || e.chat_id === chatId);
  }

  /** Waits until `count` messages were sent to the chat (all chats if undefined); throws after timeoutMs. */
  async waitOutbox(chatId: string | undefined, count = 1, timeoutMs = 5000): Promise<OutboxEntry[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.outbox(chatId);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `fake Zalo: ${found.length} of ${count} messages to ${chatId ?? "any chat"} after ${timeoutMs} ms`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.outboxWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  actions(): Array<{ chat_id: string; action: string; date: number }> {
    return [...this.chatActions];
  }

  webhookDeliveries(): Delivery[] {
    return [...this.deliveries];
  }

  state(): Record<string, unknown> {
    return {
      webhook: this.webhook ? { url: this.webhook.url, updated_at: this.webhook.updated_at } : null,
      queue: this.queue.length,
      pollers: this.pollers.length,
      quota: { remaining: this.config.quotaRemaining, sent: this.sentThisMonth },
      calls: this.calls,
      config: this.config,
    };
  }

  // --- HTTP --------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readRaw(req);
    const params = {
      ...Object.fromEntries(url.searchParams),
      ...parseBody(raw, req.headers["content-type"]),
    };
    if (url.pathname.startsWith("/__cdn/")) {
      const image = req.method === "GET" ? this.cdn.get(url.pathname) : undefined;
      if (!image) return json(res, 404, { error: "not found" });
      this.cdnDownloads++;
      res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Length": image.length });
      res.end(image);
      return;
    }
    if (url.pathname.startsWith("/__fake/")) return this.control(req, url, params, res);
    const match = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(url.pathname);
    if (!match || !["GET", "POST"].includes(req.method ?? "")) {
      return json(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    }
    this.requests.push({
      httpMethod: req.method ?? "",
      path: url.pathname,
      contentType: String(req.headers["content-type"] ?? ""),
      body: raw,
      at: Date.now(),
    });
    const token = decodeURIComponent(match[1] ?? "");
    const method = match[2] ?? "";
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    if (!this.tokens.includes(token)) {
      return json(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    }
    const failure = this.failures.find((f) => f.method === undefined || f.method === method);
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      if (failure.hang) {
        this.hung.push(res);
        return;
      }
      if (typeof failure.body === "string") {
        res.writeHead(failure.http_status, { "Content-Type": "text/html; charset=utf-8" });
        res.end(failure.body);
        return;
      }
      return json(
        res,
        failure.http_status,
        failure.body ?? { ok: false, error_code: failure.http_status, description: "Injected failure" },
      );
    }
    return this.api(method, params, req, res);
  }

  private async api(
    method: string,
    p: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const bad = (description: string) =>
      json(res, 400, { ok: false, error_code: 400, description: `Bad request: ${description}` });
    const ok = (result?: unknown) =>
      json(res, 200, result === undefined ? { ok: true } : { ok: true, result });
    switch (method) {
      case "getMe":
        return ok({
          id: (this.tokens[0] ?? "0").split(":")[0],
          account_name: "bot.fake",
          display_name: this.config.botName,
          account_type: "BASIC",
          can_join_groups: true,
        });
      case "getUpdates":
        return this.getUpdates(p, req, res);
      case "setWebhook": {
        const url = typeof p.url === "string" ? p.url : "";
        const secret = typeof p.secret_token === "string" ? p.secret_token : "";
        if (!url) return bad("The url must not be empty");
        if (secret.length < 8 || secret.length > 256) return bad("The secret_token must be 8-256 characters");
        if (!/^https?:\/\//.test(url)) return bad("The url must start with http:// or https://");
        if (
          this.config.strictHttps &&
          (!url.startsWith("https://") || /\/\/(127\.|localhost|10\.|192\.168\.)/.test(url))
        )
          return bad("The url must be a public https URL");
        this.webhook = { url, secret, updated_at: Date.now() };
        // Updates waiting for a poller now go nowhere, as on Zalo: polling and webhook exclude each other.
        for (const poller of this.pollers.splice(0)) poller.resolve(undefined);
        return ok({ url, updated_at: this.webhook.updated_at });
      }
      case "deleteWebhook":
        this.webhook = undefined;
        return ok({ url: "", updated_at: Date.now() });
      case "getWebhookInfo":
        if (this.webhook) return ok({ url: this.webhook.url, updated_at: this.webhook.updated_at });
        if (this.config.getWebhookInfoNoWebhook === "empty") return ok({ url: "", updated_at: Date.now() });
        return json(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      case "testWebhook": {
        if (!this.webhook) return bad("No webhook is set");
        let status = 0;
        try {
          const r = await fetch(this.webhook.url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "User-Agent": "Java/1.8.0_192" },
            body: "{}",
          });
          status = r.status;
        } catch {
          status = 0;
        }
        const outcome =
          status === 0 ? "webhook.err.conn" : status < 300 ? "webhook.ok" : `webhook.http.${status}`;
        return ok({
          ok: outcome === "webhook.ok",
          url: this.webhook.url,
          outcome,
          status_code: status,
          hint: "",
        });
      }
      case "sendChatAction": {
        const chatId = String(p.chat_id ?? "");
        if (!chatId) return bad("The chat_id must not be empty");
        if (!["typing", "upload_photo"].includes(String(p.action))) return bad("The action is invalid");
        this.chatActions.push({ chat_id: chatId, action: String(p.action), date: Date.now() });
        return ok();
      }
      default:
        if (!SEND_METHODS.has(method))
          return json(res, 404, { ok: false, error_code: 404, description: "Not Found" });
        return this.send(method, p, res, bad);
    }
  }

  private send(
    method: string,
    p: Record<string, unknown>,
    res: ServerResponse,
    bad: (d: string) => undefined,
  ): undefined {
    const chatId = p.chat_id === undefined || p.chat_id === null ? "" : String(p.chat_id);
    if (!chatId) return bad("The chat_id must not be empty");
    const length = (v: unknown) => (typeof v === "string" ? v.length : 0); // UTF-16 code units
    if (method === "sendMessage") {
      const n = length(p.text);
      if (n < 1) return bad("The text must not be empty");
      if (n > 2000) return bad("The text must be at most 2000 characters");
      if (p.parse_mode !== undefined && !["markdown", "html"].includes(String(p.parse_mode)))
        return bad("The parse_mode is invalid");
    } else if (method === "sendPhoto") {
      const photo = typeof p.photo === "string" ? p.photo : "";
      if (!photo) return bad("The photo must not be empty");
      if (!/^https?:\/\/[^\s/]+/.test(photo)) return bad("The photo must start with http:// or https://");
      if (p.caption !== undefined && (length(p.caption) < 1 || length(p.caption) > 2000))
        return bad("The caption must be 1-2000 characters");
    } else if (method === "sendSticker") {
      if (!p.sticker) return bad("The sticker must not be empty");
    } else if (method === "sendVoice") {
      if (!/^https?:\/\/.+\.aac$/.test(String(p.voice_url ?? ""))) return bad("The voice_url is invalid");
    }
    if (this.config.knownUsersOnly && !this.knownChats.has(chatId)) {
      return bad("The user has not interacted with the bot");
    }
    if (this.config.quotaRemaining !== null) {
      if (this.config.quotaRemaining <= 0) {
        return json(res, 429, { ok: false, error_code: 429, description: "Quota exceeded" });
      }
      this.config.quotaRemaining -= 1;
    }
    this.sentThisMonth += 1;
    const entry: OutboxEntry = {
      method,
      params: p,
      message_id: hex20(),
      date: Date.now(),
      // A voice note to a group is accepted and silently dropped (reference §2.9).
      delivered: !(method === "sendVoice" && this.chatTypes.get(chatId) === "GROUP"),
      chat_id: chatId,
    };
    this.outboxEntries.push(entry);
    for (const wake of this.outboxWaiters.splice(0)) wake();
    return json(res, 200, { ok: true, result: { message_id: entry.message_id, date: entry.date } });
  }

  private getUpdates(p: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): undefined {
    if (this.webhook) {
      return json(res, 400, {
        ok: false,
        error_code: 400,
        description: "Webhook is active; call deleteWebhook first",
      });
    }
    const answer = (update: FakeUpdate | undefined) => {
      if (update) {
        if (this.config.replayConsumed && !(update as { replayed?: boolean }).replayed) {
          this.queue.push(Object.assign(structuredClone(update), { replayed: true }));
        }
        const { replayed: _r, ...clean } = update as FakeUpdate & { replayed?: boolean };
        return json(res, 200, { ok: true, result: clean });
      }
      json(res, this.config.idleHttpStatus, {
        ok: false,
        description: "Request timeout",
        error_code: this.config.idleCodeAsString ? "408" : 408,
      });
    };
    const next = this.queue.shift();
    if (next) return answer(next);
    const requested = Number(p.timeout ?? 30);
    const seconds = Math.min(Number.isFinite(requested) ? requested : 30, this.config.pollCapSeconds);
    let settled = false;
    const waiter: Waiter = {
      resolve: (update) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        answer(update);
      },
    };
    const timer = setTimeout(() => {
      this.pollers.splice(this.pollers.indexOf(waiter), 1);
      waiter.resolve(undefined);
    }, seconds * 1000);
    // A poller that hangs up before an update arrives must not swallow it.
    req.socket.once("close", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const i = this.pollers.indexOf(waiter);
      if (i >= 0) this.pollers.splice(i, 1);
    });
    this.pollers.push(waiter);
    return undefined;
  }

  private async control(
    req: IncomingMessage,
    url: URL,
    p: Record<string, unknown>,
    res: ServerResponse,
  ): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    const chatId = url.searchParams.get("chat_id") ?? undefined;
    switch (route) {
      case "POST /__fake/inject":
        return json(res, 200, await this.inject(p as unknown as InjectInput));
      case "GET /__fake/outbox": {
        const since = Number(url.searchParams.get("since") ?? 0);
        return json(
          res,
          200,
          this.outbox(chatId).filter((e) => e.date >= since),
        );
      }
      case "GET /__fake/outbox/wait": {
        try {
          const entries = await this.waitOutbox(
            chatId,
            Number(url.searchParams.get("count") ?? 1),
            Number(url.searchParams.get("timeout_ms") ?? 5000),
          );
          return json(res, 200, entries);
        } catch (error) {
          return json(res, 408, { error: String(error), outbox: this.outbox(chatId) });
        }
      }
      case "GET /__fake/actions":
        return json(res, 200, this.actions());
      case "GET /__fake/webhook/deliveries":
        return json(res, 200, this.webhookDeliveries());
      case "GET /__fake/state":
        return json(res, 200, this.state());
      case "POST /__fake/config":
        this.configure(p as Partial<FakeZaloConfig>);
        return json(res, 200, this.config);
      case "POST /__fake/fail-next":
        this.failNext(p as unknown as FailSpec);
        return json(res, 200, { ok: true });
      case "POST /__fake/reset":
        this.reset();
        return json(res, 200, { ok: true });
      default:
        return json(res, 404, { error: "unknown control route" });
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): undefined {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
  return undefined;
}

/** JSON and urlencoded bodies are parsed; a multipart body gives no parameters (Zalo takes no uploads). */
async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string, type = ""): Record<string, unknown> {
  if (!raw) return {};
  if (type.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return {};
}

/** Starts a fake Zalo server on a free port. */
export async function startFakeZalo(tokens?: string[]): Promise<FakeZalo> {
  return new FakeZalo(tokens).start();
}
