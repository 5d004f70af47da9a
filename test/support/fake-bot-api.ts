/**
 * A local stand-in for the Telegram Bot API over real HTTP, for the delivery tests and the delivery benchmark
 * (so: no test-framework imports here). It enforces Telegram's send limits on its own (429 with retry_after,
 * deliberately not sharing code with the bot's limiter), injects faults on a schedule or at random from a
 * seed, and records every message that became visible, per chat, in order.
 *
 * Like Telegram, it refuses (400, nothing shown) text over 4,096 characters after entity parsing, invalid HTML,
 * invalid UTF-16 and callback data over 64 bytes (test/support/telegram-rules.ts).
 *
 * Files users "sent" (addFile) are served like Telegram serves them to a bot: getFile gives a file_path (refused
 * with 400 "file is too big" over 20 MB), then GET /file/bot<token>/<file_path> gives the bytes; downloads can
 * be failed or held on their own schedule (fileFaultFor).
 *
 * Every injected fault strikes before the request is processed: a dropped or reset request never became a
 * message. (Real Telegram can also process a request and lose its answer; no bot can tell that case apart,
 * since the Bot API has no idempotency key, and this fake does not simulate it.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeBotFiles } from "./fake-bot-files.ts";
import { multipartParts, uploadedFile } from "./multipart.ts";
import { markupError, messageError } from "./telegram-rules.ts";

/** 500: an internal error; 429: a flood wait; drop: never answered (or cut late); reset: connection cut. */
export type Fault = "500" | "429" | "drop" | "reset";

export interface FaultContext {
  /** 1-based index of this call among all send calls (sendMessage, editMessageText, copyMessage). */
  call: number;
  method: string;
  chatId: string;
  text: string | undefined;
}

export interface FakeLimits {
  globalPerSecond: number;
  perChatPerSecond: number;
  /** Sends a chat may get at once before the per-second rate applies (GCRA tolerance). */
  perChatBurst: number;
  groupPerMinute: number;
}

export interface FakeBotApiOptions {
  token?: string;
  /** Limits sped up by this factor; retry_after is still given in Telegram seconds. */
  timeScale?: number;
  /** Telegram's limits by default; false turns enforcement off. */
  limits?: Partial<FakeLimits> | false;
  /** Faults by send-call index (1-based). */
  schedule?: Record<number, Fault>;
  /** Faults at random, reproducibly: each send call draws one number from a generator seeded here. */
  random?: { seed: number; p500?: number; p429?: number; pDrop?: number; pReset?: number };
  /** Faults chosen per call (e.g. always fail one message); consulted first. */
  faultFor?: (call: FaultContext) => Fault | undefined;
  /** retry_after (Telegram seconds) of an injected 429. */
  injectedRetryAfter?: number;
  /**
   * Cut a dropped request's connection after this many ms (real time, not scaled) instead of holding it until
   * close. A client can then notice a drop without a short timeout of its own: a short client timeout can also
   * fire on a request this fake did process when the machine is slow, and that looks like a duplicate.
   */
  dropCutAfterMs?: number;
  /** Monotonic milliseconds. */
  now?: () => number;
  /** Faults of file downloads (GET /file/…), by 1-based download index; "drop" holds the request open. */
  fileFaultFor?: (download: number) => Fault | undefined;
}

export interface VisibleMessage {
  messageId: number;
  /** Text (sendMessage; the latest after edits), or undefined for a copy. */
  text: string | undefined;
  copyOf?: { fromChatId: string; messageId: number };
  /** A file sent with sendDocument (its caption is `text`). */
  document?: { fileName: string; size: number };
  replyTo?: number;
  replyMarkup?: unknown;
  /** When it became visible (this server's clock, ms). */
  at: number;
  edits: number;
}

export interface FakeStats {
  /** Calls per method, answered or not. */
  calls: Record<string, number>;
  /** sendMessage + editMessageText + copyMessage calls. */
  sendCalls: number;
  /** Send calls that took effect. */
  accepted: number;
  /** 429 answers because a limit was exceeded. */
  limit429: number;
  /** Which limit each of those was. */
  limit429By: { global: number; chat: number; group: number };
  /** Faults injected, by kind. */
  injected: Record<Fault, number>;
  /** Sends refused with a 400 because Telegram would refuse them (bad HTML, too long, bad callback data). */
  refused: Array<{ method: string; chatId: string; description: string }>;
  /** File downloads asked for (GET /file/…), and those that gave the bytes. */
  fileDownloads: number;
  filesServed: number;
}

const SEND_METHODS = new Set(["sendMessage", "editMessageText", "copyMessage", "sendDocument"]);
const DEFAULT_TOKEN = "123456:fake-bot-api-token-not-real-aaaa";

/** A fake Telegram Bot API on 127.0.0.1 (an ephemeral port). */
export class FakeBotApi {
  readonly token: string;
  readonly stats: FakeStats = {
    calls: {},
    sendCalls: 0,
    accepted: 0,
    limit429: 0,
    limit429By: { global: 0, chat: 0, group: 0 },
    injected: { "500": 0, "429": 0, drop: 0, reset: 0 },
    refused: [],
    fileDownloads: 0,
    filesServed: 0,
  };
  /** Files users "sent", served by getFile and /file/ (fake-bot-files.ts). */
  private readonly files = new FakeBotFiles();
  private readonly scale: number;
  private readonly limits: FakeLimits | undefined;
  private readonly now: () => number;
  private readonly random: (() => number) | undefined;
  private readonly messages = new Map<string, VisibleMessage[]>();
  private readonly nextId = new Map<string, number>();
  /** Arrival times of accepted sends: all chats, and per chat. */
  private readonly accepts: number[] = [];
  private readonly chatAccepts = new Map<string, number[]>();
  /** Per chat, GCRA's theoretical arrival time. */
  private readonly chatTat = new Map<string, number>();
  /** Requests held open (dropped) and pending getUpdates waits, released on close. */
  private readonly held = new Set<ServerResponse>();
  private readonly waits = new Set<NodeJS.Timeout>();
  private firstAccept: number | undefined;
  private lastAccept: number | undefined;
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly options: FakeBotApiOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.scale = options.timeScale ?? 1;
    this.limits =
      options.limits === false
        ? undefined
        : {
            globalPerSecond: 30,
            perChatPerSecond: 1,
            perChatBurst: 3,
            groupPerMinute: 20,
            ...options.limits,
          };
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ? mulberry32(options.random.seed) : undefined;
  }

  /** Starts a fake on an ephemeral port. */
  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi(options);
    await api.listen();
    return api;
  }

  /** What to pass as the runtimes' apiRoot. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * A file as if a user had sent it: its file_id and file_unique_id for a message. `size` makes Telegram
   * announce another size than the bytes' (a file over 20 MB without holding 20 MB in the test).
   */
  addFile(
    bytes: Buffer,
    options: { size?: number; path?: string } = {},
  ): { fileId: string; uniqueId: string } {
    return this.files.add(bytes, options);
  }

  /** Messages visible in one chat, in the order they appeared. */
  visible(chatId: string | number): VisibleMessage[] {
    return this.messages.get(String(chatId)) ?? [];
  }

  /** Chats with at least one visible message. */
  chats(): string[] {
    return [...this.messages.keys()];
  }

  /** Arrival times of the first and last accepted send (ms, this server's clock). */
  acceptedSpan(): { first: number; last: number } | undefined {
    return this.firstAccept === undefined || this.lastAccept === undefined
      ? undefined
      : { first: this.firstAccept, last: this.lastAccept };
  }

  /** Stops listening, cutting held requests. */
  async close(): Promise<void> {
    for (const t of this.waits) clearTimeout(t);
    this.waits.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) reply(res, 500, { ok: false, error_code: 500, description: "fake failed" });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    if (file) {
      this.download(req, res, file[1] ?? "", decodeURIComponent(file[2] ?? ""));
      return;
    }
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    const method = match?.[2] ?? "";
    this.stats.calls[method] = (this.stats.calls[method] ?? 0) + 1;
    const body = await readBody(req);
    if (!match || match[1] !== this.token) {
      reply(res, match ? 401 : 404, {
        ok: false,
        error_code: match ? 401 : 404,
        description: match ? "Unauthorized" : "Not Found",
      });
      return;
    }
    if (SEND_METHODS.has(method)) {
      const call = ++this.stats.sendCalls;
      const fault = this.faultFor({
        call,
        method,
        chatId: String(body.chat_id ?? ""),
        text: typeof body.text === "string" ? body.text : undefined,
      });
      if (fault) {
        this.stats.injected[fault]++;
        if (fault === "reset") {
          req.socket.destroy();
        } else if (fault === "drop") {
          this.held.add(res);
          const cutAfter = this.options.dropCutAfterMs;
          const cut =
            cutAfter === undefined
              ? undefined
              : setTimeout(() => {
                  this.waits.delete(cut as NodeJS.Timeout);
                  req.socket.destroy();
                }, cutAfter);
          if (cut) this.waits.add(cut);
          res.on("close", () => {
            this.held.delete(res);
            if (cut) {
              clearTimeout(cut);
              this.waits.delete(cut);
            }
          });
        } else if (fault === "429") {
          reply(res, ...tooMany(this.options.injectedRetryAfter ?? 1));
        } else {
          reply(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
        }
        return;
      }
    }
    if (method === "getUpdates") {
      // Long polling: wait a little (not the full timeout) so a polling client does not spin.
      const timer = setTimeout(
        () => {
          this.waits.delete(timer);
          reply(res, 200, { ok: true, result: [] });
        },
        Math.min(Number(body.timeout ?? 0) * 1000, 100),
      );
      this.waits.add(timer);
      return;
    }
    reply(res, ...this.answer(method, body));
  }

  private answer(method: string, body: Record<string, unknown>): Answer {
    switch (method) {
      case "getMe":
        return [
          200,
          {
            ok: true,
            result: {
              id: Number(this.token.split(":")[0]),
              is_bot: true,
              first_name: "Fake",
              username: "fake_incident_bot",
              can_join_groups: true,
              can_read_all_group_messages: false,
              supports_inline_queries: false,
            },
          },
        ];
      case "sendMessage":
      case "copyMessage":
      case "editMessageText":
        return this.send(method, body);
      case "getFile":
        return this.files.getFile(body);
      case "sendDocument": {
        // Like Telegram: an upload without a file, or an empty one, is refused.
        const file = body.document as { fileName?: string; size?: number } | undefined;
        if (!file?.size) return badRequest("file must be non-empty");
        return this.send(method, body);
      }
      case "answerCallbackQuery":
      case "setMyCommands":
      case "setWebhook":
      case "deleteWebhook":
        return [200, { ok: true, result: true }];
      default:
        return [404, { ok: false, error_code: 404, description: "Not Found: method not found" }];
    }
  }

  /** GET /file/bot<token>/<path>, with the download faults asked for ("drop" holds the request open). */
  private download(req: IncomingMessage, res: ServerResponse, token: string, path: string): void {
    const fault = this.options.fileFaultFor?.(++this.stats.fileDownloads);
    if (fault === "drop") {
      this.held.add(res);
      res.on("close", () => this.held.delete(res));
    } else if (fault === "reset") {
      req.socket.destroy();
    } else if (fault) {
      reply(res, Number(fault), {
        ok: false,
        error_code: Number(fault),
        description: "Internal Server Error",
      });
    } else if (this.files.serve(res, token === this.token ? path : undefined)) {
      this.stats.filesServed++;
    }
  }

  private faultFor(call: FaultContext): Fault | undefined {
    const chosen = this.options.faultFor?.(call) ?? this.options.schedule?.[call.call];
    if (chosen) return chosen;
    const r = this.options.random;
    if (!r || !this.random) return undefined;
    let x = this.random();
    for (const [fault, p] of [
      ["500", r.p500],
      ["429", r.p429],
      ["drop", r.pDrop],
      ["reset", r.pReset],
    ] as const) {
      if (x < (p ?? 0)) return fault;
      x -= p ?? 0;
    }
    return undefined;
  }

  private send(method: string, body: Record<string, unknown>): Answer {
    const chatId = String(body.chat_id ?? "");
    if (!chatId) return badRequest("chat not found");
    // Refused like Telegram refuses it (400, nothing shown): text over 4,096 after entities, bad HTML, invalid
    // UTF-16, callback data over 64 bytes.
    const refused =
      method === "copyMessage" || method === "sendDocument"
        ? markupError(body.reply_markup)
        : messageError(body as Record<string, unknown>);
    if (refused) {
      this.stats.refused.push({ method, chatId, description: refused });
      return [400, { ok: false, error_code: 400, description: refused }];
    }
    const now = this.now();
    const wait = this.limitWait(chatId, now);
    if (wait) {
      this.stats.limit429++;
      this.stats.limit429By[wait.limit]++;
      return tooMany(Math.max(1, Math.ceil((wait.ms * this.scale) / 1000)));
    }
    const chat = this.messages.get(chatId) ?? [];
    const replyTo = (body.reply_parameters as { message_id?: number } | undefined)?.message_id;
    let result: unknown;
    if (method === "editMessageText") {
      const target = chat.find((m) => m.messageId === Number(body.message_id));
      if (!target) {
        return badRequest("message to edit not found");
      }
      // Like Telegram: an edit that changes neither the text nor the keyboard is refused.
      if (
        target.text === body.text &&
        JSON.stringify(target.replyMarkup ?? null) === JSON.stringify(body.reply_markup ?? null)
      ) {
        return badRequest("message is not modified");
      }
      target.text = String(body.text ?? "");
      target.replyMarkup = body.reply_markup;
      target.edits++;
      result = { message_id: target.messageId, chat: chatOf(chatId), date: 0, text: target.text };
    } else {
      const messageId = (this.nextId.get(chatId) ?? 0) + 1;
      this.nextId.set(chatId, messageId);
      const message: VisibleMessage = {
        messageId,
        text:
          method === "sendMessage"
            ? String(body.text ?? "")
            : method === "sendDocument"
              ? String(body.caption ?? "")
              : undefined,
        ...(method === "sendDocument"
          ? { document: body.document as { fileName: string; size: number } }
          : {}),
        at: now,
        edits: 0,
        ...(method === "copyMessage"
          ? { copyOf: { fromChatId: String(body.from_chat_id), messageId: Number(body.message_id) } }
          : {}),
        ...(replyTo !== undefined ? { replyTo } : {}),
        ...(body.reply_markup !== undefined ? { replyMarkup: body.reply_markup } : {}),
      };
      chat.push(message);
      this.messages.set(chatId, chat);
      result =
        method === "copyMessage"
          ? { message_id: messageId }
          : { message_id: messageId, chat: chatOf(chatId), date: 0, text: message.text };
    }
    this.stats.accepted++;
    this.accepts.push(now);
    this.firstAccept ??= now;
    this.lastAccept = now;
    const times = this.chatAccepts.get(chatId) ?? [];
    times.push(now);
    this.chatAccepts.set(chatId, times);
    if (this.limits) {
      const interval = 1000 / this.scale / this.limits.perChatPerSecond;
      this.chatTat.set(chatId, Math.max(this.chatTat.get(chatId) ?? now, now) + interval);
    }
    return [200, { ok: true, result }];
  }

  /** How long this send would have to wait, and for which limit; undefined when it may go now. */
  private limitWait(
    chatId: string,
    now: number,
  ): { ms: number; limit: "global" | "chat" | "group" } | undefined {
    const limits = this.limits;
    if (!limits) return undefined;
    const second = 1000 / this.scale;
    const minute = 60_000 / this.scale;
    // Only the last minute matters to any limit.
    trimBefore(this.accepts, now - minute);
    const times = this.chatAccepts.get(chatId) ?? [];
    trimBefore(times, now - minute);
    const lastSecond = countAfter(this.accepts, now - second);
    if (lastSecond >= limits.globalPerSecond) {
      const oldest = this.accepts[this.accepts.length - limits.globalPerSecond] ?? now;
      return { ms: oldest + second - now, limit: "global" };
    }
    const interval = second / limits.perChatPerSecond;
    const earliest = (this.chatTat.get(chatId) ?? now) - (limits.perChatBurst - 1) * interval;
    if (now < earliest) return { ms: earliest - now, limit: "chat" };
    if (chatId.startsWith("-") && countAfter(times, now - minute) >= limits.groupPerMinute) {
      const oldest = times[times.length - limits.groupPerMinute] ?? now;
      return { ms: oldest + minute - now, limit: "group" };
    }
    return undefined;
  }
}

function chatOf(chatId: string): Record<string, unknown> {
  return chatId.startsWith("-")
    ? { id: Number(chatId), type: chatId.startsWith("-100") ? "supergroup" : "group", title: "Duty" }
    : { id: Number(chatId), type: "private", first_name: "User" };
}

/** An HTTP status and the JSON body Telegram would answer. */
type Answer = [number, unknown];

function tooMany(retryAfter: number): Answer {
  return [
    429,
    {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    },
  ];
}

function badRequest(what: string): Answer {
  return [400, { ok: false, error_code: 400, description: `Bad Request: ${what}` }];
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const query = Object.fromEntries(new URL(req.url ?? "/", "http://x").searchParams);
  const type = req.headers["content-type"] ?? "";
  if (type.includes("multipart/form-data")) {
    // An upload (sendDocument): the fields as text, the file by its name and size.
    const parts = multipartParts(Buffer.concat(chunks), type);
    const file = uploadedFile(parts);
    const fields = Object.fromEntries(
      parts.filter((p) => p.filename === undefined).map((p) => [p.name, p.body.toString("utf8")]),
    );
    return {
      ...query,
      ...fields,
      ...(file ? { document: { fileName: file.filename ?? "", size: file.body.length } } : {}),
    };
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return query;
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    return { ...query, ...(JSON.parse(raw) as Record<string, unknown>) };
  }
  const form: Record<string, unknown> = { ...query };
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      form[k] = JSON.parse(v);
    } catch {
      form[k] = v;
    }
  }
  return form;
}

/** Counts sorted times strictly after `cutoff`. */
function countAfter(times: number[], cutoff: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0 && (times[i] as number) > cutoff; i--) n++;
  return n;
}

function trimBefore(times: number[], cutoff: number): void {
  let n = 0;
  while (n < times.length && (times[n] as number) <= cutoff) n++;
  if (n > 0) times.splice(0, n);
}

/** A small seeded generator (mulberry32): the same seed, the same faults. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
