import { inspect } from "node:util";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import ZaloBotDefault, {
  FatalError,
  MIN_POLL_INTERVAL_MS,
  ParseError,
  ZaloBot,
  type ZaloBotOptions,
  ZaloError,
} from "../../src/channels/zalo/client.ts";
import type { ZaloMessage, ZaloUpdate } from "../../src/channels/zalo/types.ts";
import { FAKE_ZALO_TOKEN, FakeZalo } from "../support/fake-zalo.ts";

const TOKEN = FAKE_ZALO_TOKEN;
const SECRET_PART = TOKEN.split(":")[1] ?? "";
let fake: FakeZalo;
const bots: ZaloBot[] = [];
/** Every error any test saw: all are checked for the token at the end. */
const seenErrors: unknown[] = [];
const logLines: string[] = [];

function bot(options: ZaloBotOptions = {}, token = TOKEN): ZaloBot {
  const b = new ZaloBot(token, {
    baseApiUrl: fake.url,
    logger: { error: (line) => logLines.push(line) },
    ...options,
  });
  bots.push(b);
  return b;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    seenErrors.push(error);
    return error;
  }
  throw new Error("expected the call to fail");
}

function lastRequest() {
  const r = fake.requests.at(-1);
  if (!r) throw new Error("no request");
  return { ...r, body: JSON.parse(r.body) as unknown };
}

beforeAll(async () => {
  fake = await new FakeZalo().start();
});
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stopPolling({ cancel: true })));
  fake.reset();
});
afterAll(async () => {
  await fake.stop();
});

describe("wire format: POST JSON to <baseApiUrl>/bot<token>/<method>", () => {
  it("sends each method with the documented wire name and body", async () => {
    const b = bot();
    const cases: Array<[() => Promise<unknown>, string, unknown]> = [
      [() => b.getMe(), "getMe", {}],
      [() => b.sendMessage("u1", "Xin chào"), "sendMessage", { chat_id: "u1", text: "Xin chào" }],
      [
        () => b.sendMessage("u1", "**đậm**", { parse_mode: "markdown" }),
        "sendMessage",
        { chat_id: "u1", text: "**đậm**", parse_mode: "markdown" },
      ],
      [
        () => b.sendPhoto("u1", "https://cdn.example.vn/a.jpg", { caption: "Ảnh" }),
        "sendPhoto",
        { chat_id: "u1", photo: "https://cdn.example.vn/a.jpg", caption: "Ảnh" },
      ],
      [
        () => b.sendPhoto("u1", "https://cdn.example.vn/a.jpg", { caption: "" }),
        "sendPhoto",
        { chat_id: "u1", photo: "https://cdn.example.vn/a.jpg" },
      ],
      [
        () => b.sendSticker("u1", "0e078a2fb66a5f34067b"),
        "sendSticker",
        { chat_id: "u1", sticker: "0e078a2fb66a5f34067b" },
      ],
      [() => b.sendChatAction("u1"), "sendChatAction", { chat_id: "u1", action: "typing" }],
      [
        () => b.setWebHook("https://bot.example.vn/zalo/hook", { secret_token: "s3cret-value" }),
        "setWebhook",
        { url: "https://bot.example.vn/zalo/hook", secret_token: "s3cret-value" },
      ],
      [
        () => b.setWebhook("https://bot.example.vn/zalo/hook", { secret_token: "s3cret-value" }),
        "setWebhook",
        { url: "https://bot.example.vn/zalo/hook", secret_token: "s3cret-value" },
      ],
      [() => b.getWebHookInfo(), "getWebhookInfo", {}],
      [() => b.getWebhookInfo(), "getWebhookInfo", {}],
      [() => b.deleteWebHook(), "deleteWebhook", {}],
      [() => b.deleteWebhook(), "deleteWebhook", {}],
      [() => b.getUpdates({ timeout: 0 }), "getUpdates", { timeout: 0 }],
      [() => b.getUpdates(0, 5, 0), "getUpdates", { timeout: 0, limit: 5, offset: 0 }],
    ];
    for (const [call, method, body] of cases) {
      await call().catch(() => undefined);
      const r = lastRequest();
      expect(r.httpMethod).toBe("POST");
      expect(r.path).toBe(`/bot${TOKEN}/${method}`);
      expect(r.contentType).toContain("application/json");
      expect(r.body).toEqual(body);
    }
  });

  it("puts /test in the path in the test environment and trims a trailing slash of the base", async () => {
    const b = bot({ baseApiUrl: `${fake.url}/`, testEnvironment: true });
    await b.getMe();
    expect(lastRequest().path).toBe(`/bot${TOKEN}/test/getMe`);
  });
});

describe("envelopes", () => {
  it("resolves to result when ok, and sendChatAction (no result) to true", async () => {
    const b = bot();
    expect(await b.getMe()).toMatchObject({ id: "1234567890", account_name: "bot.fake" });
    const sent = await b.sendMessage("u1", "một");
    expect(sent.message_id).toMatch(/^[0-9a-f]{20}$/);
    expect(typeof sent.date).toBe("number");
    expect(await b.sendChatAction("u1", "typing")).toBe(true);
    expect(fake.actions()).toEqual([expect.objectContaining({ chat_id: "u1", action: "typing" })]);
    await b.setWebhook(`${fake.url}/nowhere`, { secret_token: "12345678" });
    expect(await b.getWebhookInfo()).toMatchObject({ url: `${fake.url}/nowhere` });
    expect(await b.deleteWebhook()).toMatchObject({ url: "" });
  });

  it("accepts deleteWebhook answered with true, as documented", async () => {
    fake.failNext({ method: "deleteWebhook", http_status: 200, body: { ok: true, result: true } });
    expect(await bot().deleteWebhook()).toBe(true);
  });
});

describe("which error each failure gives", () => {
  it("a missing token: FatalError EFATAL, no request made", async () => {
    const b = new ZaloBot("", { baseApiUrl: fake.url });
    const error = await failure(b.getMe());
    expect(error).toBeInstanceOf(FatalError);
    expect(error).toMatchObject({ code: "EFATAL" });
    expect(fake.requests).toHaveLength(0);
  });

  it("ok:false: ZaloError EZALO, message 'EZALO: <code> <description>', response the body", async () => {
    const b = bot({}, "999:wrong-token-NOT-REAL");
    const error = (await failure(b.getMe())) as ZaloError;
    expect(error).toBeInstanceOf(ZaloError);
    expect(error.code).toBe("EZALO");
    expect(error.message).toBe("EZALO: 401 Unauthorized");
    expect(error.response).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    expect(error.status).toBe(401);

    const tooLong = (await failure(bot().sendMessage("u1", "a".repeat(2001)))) as ZaloError;
    expect(tooLong.errorCode).toBe(400);
    const empty = (await failure(bot().sendMessage("", "x"))) as ZaloError;
    expect(empty.message).toBe("EZALO: 400 Bad request: The chat_id must not be empty");
    const dataUri = (await failure(bot().sendPhoto("u1", "data:image/png;base64,AAAA"))) as ZaloError;
    expect(dataUri.message).toContain("must start with http:// or https://");
  });

  it("ok:false under HTTP 200 and a 5xx envelope are ZaloErrors with their status", async () => {
    fake.failNext({ http_status: 200, body: { ok: false, error_code: 404, description: "Not Found" } });
    expect(await failure(bot().getMe())).toMatchObject({ code: "EZALO", status: 200, errorCode: 404 });
    fake.failNext({ http_status: 502, body: { ok: false, error_code: 502, description: "Bad gateway" } });
    expect(await failure(bot().getMe())).toMatchObject({ code: "EZALO", status: 502 });
    fake.failNext({ http_status: 429, body: { ok: false, error_code: 429, description: "Quota exceeded" } });
    expect(await failure(bot().sendMessage("u1", "x"))).toMatchObject({
      message: "EZALO: 429 Quota exceeded",
    });
  });

  it("a body that is not JSON (an nginx 429 page, a 200 of garbage): ParseError EPARSE", async () => {
    fake.failNext({ http_status: 429, body: "<html><body>429 Too Many Requests</body></html>" });
    const html = (await failure(bot().sendMessage("u1", "x"))) as ParseError;
    expect(html).toBeInstanceOf(ParseError);
    expect(html.code).toBe("EPARSE");
    expect(html.response.status).toBe(429);
    expect(html.response.body).toContain("429 Too Many Requests");
    fake.failNext({ http_status: 200, body: "not json" });
    expect(await failure(bot().getMe())).toBeInstanceOf(ParseError);
  });

  it("no answer (a hang past the timeout, a refused connection): FatalError EFATAL", async () => {
    fake.failNext({ method: "getMe", http_status: 200, hang: true });
    const hung = await failure(bot({ request: { timeout: 200 } }).getMe());
    expect(hung).toBeInstanceOf(FatalError);
    const refused = new ZaloBot(TOKEN, { baseApiUrl: "http://127.0.0.1:1" });
    expect(await failure(refused.getMe())).toBeInstanceOf(FatalError);
  });
});

describe("idle polls", () => {
  for (const [status, asString] of [
    [408, false],
    [200, false],
    [200, true],
  ] as const) {
    it(`an idle poll (HTTP ${status}, error_code ${asString ? '"408"' : 408}) resolves to nothing after the timeout`, async () => {
      fake.configure({ idleHttpStatus: status, idleCodeAsString: asString });
      const started = Date.now();
      expect(await bot().getUpdates({ timeout: 1 })).toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });
  }

  it("the poll's HTTP timeout is longer than the poll timeout (a 1 s poll survives a 500 ms request timeout)", async () => {
    expect(await bot({ request: { timeout: 500 } }).getUpdates({ timeout: 1 })).toBeUndefined();
  });

  it("the loop reports no polling_error and logs nothing on idle polls, and does not spin", async () => {
    fake.configure({ idleHttpStatus: 200, pollCapSeconds: 0.3 });
    const errors: unknown[] = [];
    const b = bot({ polling: { interval: 0, params: { timeout: 1 } } });
    b.on("polling_error", (e: unknown) => errors.push(e));
    await new Promise((r) => setTimeout(r, 1500));
    await b.stopPolling({ cancel: true });
    expect(errors).toEqual([]);
    expect(logLines).toEqual([]);
    const calls = fake.calls.getUpdates ?? 0;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(6); // 0.3 s hold + ≥ 0.1 s pause: at most ~4 in 1.5 s
  });
});

describe("polling and events", () => {
  const update = (message: Partial<ZaloMessage>, event = "message.text.received"): ZaloUpdate => ({
    event_name: event,
    message: {
      message_id: "2d758cb5e222177a4e35",
      date: 1750316131602,
      from: { id: "6ede9afa66b88fe6d6a9", display_name: "Ted", is_bot: false },
      chat: { id: "6ede9afa66b88fe6d6a9", chat_type: "PRIVATE" },
      ...message,
    },
  });

  it("does not modify the options object, and on() returns the bot", () => {
    const options = { polling: { autoStart: false }, baseApiUrl: fake.url, request: { timeout: 1000 } };
    const copy = structuredClone(options);
    const b = new ZaloBot(TOKEN, options);
    expect(options).toEqual(copy);
    expect(b.on("message", () => undefined)).toBe(b);
    expect(ZaloBotDefault).toBe(ZaloBot);
    expect(ZaloBot.errors.ZaloError).toBe(ZaloError);
  });

  it("processUpdate takes raw and wrapped bodies and emits message, the type event and onText", () => {
    const b = bot();
    const seen: string[] = [];
    b.on("message", (_msg: ZaloMessage, meta: { type?: string }) => seen.push(`message:${meta.type}`));
    for (const type of ["text", "photo", "sticker", "voice"]) b.on(type, () => seen.push(type));
    b.onText(/^\/start(?:\s+(.*))?$/, (_msg, match) => seen.push(`start:${match?.[1] ?? ""}`));
    b.onText(/.*/, () => seen.push("any"));
    b.processUpdate(update({ text: "/start abc" }));
    b.processUpdate({ ok: true, result: update({ photo_url: "https://photo-stal-1.zdn.vn/a.jpg" }) });
    b.processUpdate(update({ sticker: "0e078a2fb66a5f34067b" }, "message.sticker.received"));
    b.processUpdate(update({ voice_url: "https://f2.zdn.vn/v.aac" }, "message.voice.received"));
    b.processUpdate(update({}, "message.unsupported.received"));
    b.processUpdate({ event_name: "user.follow" });
    expect(seen).toEqual([
      "message:text",
      "text",
      "start:abc",
      "any",
      "message:photo",
      "photo",
      "message:sticker",
      "sticker",
      "message:voice",
      "voice",
      "message:undefined",
    ]);
  });

  it("onlyFirstMatch stops onText at the first match", () => {
    const b = bot({ onlyFirstMatch: true });
    const seen: string[] = [];
    b.onText(/a/, () => seen.push("first"));
    b.onText(/a/, () => seen.push("second"));
    b.processUpdate(update({ text: "a" }));
    expect(seen).toEqual(["first"]);
  });

  it("polls updates in order, one per call, with at least the minimum interval between polls", async () => {
    const b = bot({ polling: { interval: 0, params: { timeout: 1 } } });
    const texts: string[] = [];
    b.on("text", (msg: ZaloMessage) => texts.push(msg.text ?? ""));
    for (const text of ["một", "hai", "ba"]) {
      await fake.inject({ type: "text", from: { id: "a1b2c3d4e5f60718293a" }, text });
    }
    await vi.waitFor(() => expect(texts).toEqual(["một", "hai", "ba"]), { timeout: 3000 });
    expect(b.isPolling()).toBe(true);
    const polls = fake.requests.filter((r) => r.path.endsWith("/getUpdates")).map((r) => r.at);
    for (let i = 1; i < Math.min(polls.length, 4); i++) {
      expect((polls[i] ?? 0) - (polls[i - 1] ?? 0)).toBeGreaterThanOrEqual(MIN_POLL_INTERVAL_MS - 5);
    }
    const started = Date.now();
    await b.stopPolling({ cancel: true });
    expect(Date.now() - started).toBeLessThan(500);
    expect(b.isPolling()).toBe(false);
  });

  it("a failing poll is a polling_error and the loop backs off instead of spinning", async () => {
    const b = bot({ polling: { interval: 0, params: { timeout: 1 } } }, "42:revoked-token-NOT-REAL");
    const errors: unknown[] = [];
    b.on("polling_error", (e: unknown) => {
      errors.push(e);
      seenErrors.push(e);
    });
    await new Promise((r) => setTimeout(r, 2000));
    await b.stopPolling({ cancel: true });
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toBeInstanceOf(ZaloError);
    expect(fake.calls.getUpdates ?? 0).toBeLessThanOrEqual(3); // 1 s, then 2 s of backoff
  });

  it("without a polling_error listener the failure is logged, redacted", async () => {
    fake.failNext({ method: "getUpdates", http_status: 502, body: `<html>${TOKEN}</html>`, times: 1 });
    const b = bot({ polling: { interval: 0, params: { timeout: 1 } } });
    await vi.waitFor(() => expect(logLines.length).toBeGreaterThanOrEqual(1), { timeout: 3000 });
    await b.stopPolling({ cancel: true });
    expect(logLines.join("\n")).toContain("EPARSE");
  });
});

describe("the token never appears", () => {
  it("in any error seen above: message, stack, JSON, inspect, each property, pino's serializer", async () => {
    // Failures whose natural text would carry the URL: a timeout, a refused connection, a body echoing it.
    fake.failNext({ http_status: 500, body: `<pre>POST /bot${TOKEN}/getMe failed</pre>` });
    await failure(bot().getMe());
    fake.failNext({
      http_status: 400,
      body: { ok: false, error_code: 400, description: `bad /bot${TOKEN}/x` },
    });
    await failure(bot().getMe());
    fake.failNext({ method: "getMe", http_status: 200, hang: true });
    await failure(bot({ request: { timeout: 100 } }).getMe());
    await failure(new ZaloBot(TOKEN, { baseApiUrl: "http://127.0.0.1:1" }).getMe());
    expect(seenErrors.length).toBeGreaterThanOrEqual(15);
    const lines: string[] = [];
    const logger = pino({}, { write: (line: string) => lines.push(line) });
    for (const error of seenErrors) {
      const e = error as Error & Record<string, unknown>;
      const texts = [
        e.message,
        e.stack ?? "",
        JSON.stringify(e),
        inspect(e, { depth: 10 }),
        ...Object.getOwnPropertyNames(e).map((k) => {
          try {
            return JSON.stringify(e[k]) ?? String(e[k]);
          } catch {
            return inspect(e[k], { depth: 10 });
          }
        }),
      ];
      logger.error({ err: e }, "call failed");
      for (const text of texts) expect(text).not.toContain(SECRET_PART);
    }
    for (const line of [...lines, ...logLines]) expect(line).not.toContain(SECRET_PART);
  });
});
