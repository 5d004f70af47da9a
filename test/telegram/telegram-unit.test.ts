import { Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { createApp, createLogger } from "../../src/app.ts";
import { createTelegramDeps } from "../../src/channels/telegram/deps.ts";
import { grammyPort, incidentComposer } from "../../src/channels/telegram/grammy.ts";
import { normalizeUpdate, parseCommand } from "../../src/channels/telegram/normalize.ts";
import type { TelegramPort } from "../../src/channels/telegram/port.ts";
import {
  callbackData,
  inlineKeyboard,
  MAX_MESSAGE_CHARS,
  splitMessage,
} from "../../src/channels/telegram/render.ts";
import { TelegramSender } from "../../src/channels/telegram/sender.ts";
import { parseConfig } from "../../src/config.ts";
import { FLOWS } from "../../src/conversation/flows.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { openDatabase } from "../../src/store/db.ts";
import { type OutboxRow, Store } from "../../src/store/store.ts";
import { manualTime } from "../support/manual-time.ts";

/** The database as the store has written it, sent marks included (they otherwise wait for a group commit). */
function written(store: Store) {
  store.flushSentMarks();
  return store.db;
}

const NOW = new Date("2026-11-21T03:00:00Z");
const user = { id: 1001, is_bot: false, first_name: "An", language_code: "vi" };

describe("normalizing Telegram updates", () => {
  it("reads commands with a bot suffix, deep-link payloads and aliases", () => {
    expect(parseCommand("/start report")).toEqual({ command: "start", args: "report" });
    expect(parseCommand("/BaoCao@IncidentBot")).toEqual({ command: "baocao", args: "" });
    expect(parseCommand("/trangthai   SC-2026-000001 ")).toEqual({
      command: "trangthai",
      args: "SC-2026-000001",
    });
    expect(parseCommand("not a command")).toBeUndefined();
  });

  it("turns a private text message into a text event keyed by update_id, at the time it was sent", () => {
    const inbound = normalizeUpdate(
      {
        update_id: 77,
        message: {
          message_id: 5,
          date: NOW.getTime() / 1000 - 60,
          chat: { id: 1001, type: "private", first_name: "An" },
          from: user,
          text: "Cổng thông tin",
        },
      } as Update,
      NOW,
    );
    expect(inbound).toMatchObject({
      kind: "event",
      event: {
        chatId: "1001",
        userId: "1001",
        dedupeKey: "77",
        languageCode: "vi",
        payload: { kind: "text", text: "Cổng thông tin" },
      },
    });
    if (inbound.kind === "event") expect(inbound.event.at.toISOString()).toBe("2026-11-21T02:59:00.000Z");
  });

  it("records the largest photo and documents with their metadata; the caption goes along", () => {
    const photo = normalizeUpdate(
      {
        update_id: 1,
        message: {
          message_id: 1,
          date: NOW.getTime() / 1000,
          chat: { id: 1, type: "private", first_name: "An" },
          from: user,
          caption: "ảnh màn hình",
          photo: [
            { file_id: "small", file_unique_id: "s", width: 90, height: 90, file_size: 1000 },
            { file_id: "big", file_unique_id: "b", width: 1280, height: 960, file_size: 90000 },
          ],
        },
      } as Update,
      NOW,
    );
    expect(photo).toMatchObject({
      event: {
        payload: {
          kind: "file",
          caption: "ảnh màn hình",
          file: { fileId: "big", uniqueId: "b", size: 90000, kind: "photo" },
        },
      },
    });
    const doc = normalizeUpdate(
      {
        update_id: 2,
        message: {
          message_id: 2,
          date: NOW.getTime() / 1000,
          chat: { id: 1, type: "private", first_name: "An" },
          from: user,
          document: {
            file_id: "d",
            file_unique_id: "du",
            file_name: "access.log",
            mime_type: "text/plain",
            file_size: 321,
          },
        },
      } as Update,
      NOW,
    );
    expect(doc).toMatchObject({
      event: {
        payload: {
          kind: "file",
          file: { name: "access.log", mimeType: "text/plain", size: 321, kind: "document" },
        },
      },
    });
  });

  it("splits callback data into token and value, and marks data without a separator as unknown", () => {
    const press = (data: string) =>
      normalizeUpdate(
        {
          update_id: 3,
          callback_query: {
            id: "cb1",
            from: user,
            chat_instance: "x",
            data,
            message: { message_id: 9, date: 0, chat: { id: 1001, type: "private", first_name: "An" } },
          },
        } as Update,
        NOW,
      );
    expect(press("r.type|malware")).toMatchObject({
      callbackQueryId: "cb1",
      event: { messageRef: "9", payload: { kind: "choice", token: "r.type", value: "malware" } },
    });
    expect(press("garbage")).toMatchObject({
      event: { payload: { kind: "choice", token: "", value: "garbage" } },
    });
  });

  it("in a group, marks the event as a group's (the router decides what is ours there)", () => {
    const group = (text: string) =>
      normalizeUpdate(
        {
          update_id: 4,
          message: {
            message_id: 1,
            date: 0,
            chat: { id: -100, type: "supergroup", title: "Trực ban" },
            from: user,
            text,
          },
        } as Update,
        NOW,
      );
    expect(group("/baocao@IncidentBot")).toMatchObject({
      kind: "event",
      event: {
        chatId: "-100",
        chatType: "group",
        languageCode: "vi",
        payload: { kind: "command", command: "baocao", args: "" },
      },
    });
    expect(group("máy chủ bị tấn công")).toMatchObject({
      kind: "event",
      event: { chatType: "group", payload: { kind: "text" } },
    });
    expect(group("máy chủ bị tấn công")).not.toHaveProperty("event.replyTo");
  });
});

describe("rendering for Telegram", () => {
  it("every choice of every question and state fits Telegram's 64-byte callback data", () => {
    for (const flow of Object.values(FLOWS)) {
      for (const q of flow.questions) {
        const input = q.input;
        const options = "options" in input ? [...input.options] : [];
        for (const value of [
          ...options,
          "yes",
          "no",
          "unknown",
          "now",
          "prefill",
          "_back",
          "_skip",
          "_keep",
          "_done",
          "_skipSection",
        ]) {
          expect(() => callbackData(`${flow.tokenPrefix}.${q.id}`, value)).not.toThrow();
        }
      }
    }
    expect(() => callbackData("r.x", "y".repeat(80))).toThrow(/64 bytes/);
  });

  it("numbers buttons like the other channels' lists and puts short ones two to a row", () => {
    const keyboard = inlineKeyboard("r.serviceDisrupted", [
      { value: "yes", label: "Có" },
      { value: "no", label: "Không" },
      { value: "_back", label: "⬅️ Quay lại" },
    ]);
    expect(keyboard.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ["1. Có", "2. Không"],
      ["3. ⬅️ Quay lại"],
    ]);
  });

  it("splits an over-long message on paragraph and line boundaries, never losing text", () => {
    const paragraph = (i: number) => `<b>Mục ${i}</b>\n${"dòng ".repeat(60)}`;
    const text = Array.from({ length: 40 }, (_, i) => paragraph(i)).join("\n\n");
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
      expect((part.match(/<b>/g) ?? []).length).toBe((part.match(/<\/b>/g) ?? []).length);
    }
    expect(parts.join("\n\n")).toBe(text);
  });
});

/** A port that records calls and fails as told. */
function scriptedPort(
  failures: Array<Error & { parameters?: { retry_after?: number }; description?: string }>,
) {
  const sent: string[] = [];
  const calls: Array<{ method: string; chatId: string; args: unknown[] }> = [];
  const port: TelegramPort = {
    async sendMessage(chatId, text, options) {
      calls.push({ method: "sendMessage", chatId: String(chatId), args: [text, options] });
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(text);
      return { message_id: sent.length };
    },
    async editMessageText(chatId, messageId, text, options) {
      calls.push({ method: "editMessageText", chatId: String(chatId), args: [messageId, text, options] });
      const failure = failures.shift();
      if (failure) throw failure;
      return true;
    },
    async copyMessage(chatId, fromChatId, messageId, options) {
      calls.push({ method: "copyMessage", chatId: String(chatId), args: [fromChatId, messageId, options] });
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(`copy of ${fromChatId}/${messageId}`);
      return { message_id: 500 + sent.length };
    },
    async sendDocument(chatId, file, options) {
      calls.push({ method: "sendDocument", chatId: String(chatId), args: [file.filename, options] });
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(`document ${file.filename}`);
      return { message_id: 700 + sent.length };
    },
    async answerCallbackQuery() {
      return true;
    },
    async setMyCommands() {
      return true;
    },
    async getFile() {
      return {};
    },
  };
  return { port, sent, calls };
}

const apiError = (description: string, retryAfter?: number, errorCode?: number) =>
  Object.assign(new Error(description), {
    description,
    ...(retryAfter ? { parameters: { retry_after: retryAfter } } : {}),
    ...(errorCode ? { error_code: errorCode } : {}),
  });

describe("the Telegram sender", () => {
  function setup(
    failures: ReturnType<typeof apiError>[],
    maxAttempts = 3,
    extra: { limiter?: RateLimiter; onDeadLetter?: (row: OutboxRow, error: string) => void } = {},
  ) {
    const store = new Store(openDatabase(":memory:"));
    let clock = NOW;
    const { port, sent, calls } = scriptedPort(failures);
    const sender = new TelegramSender(store, port, createLogger("silent"), {
      maxAttempts,
      baseDelayMs: 1000,
      clock: () => clock,
      limiter: extra.limiter ?? RateLimiter.unlimited(),
      ...(extra.onDeadLetter ? { onDeadLetter: extra.onDeadLetter } : {}),
    });
    const queue = (text: string, i: number) =>
      store.enqueue(`k${i}`, "telegram", "1001", { kind: "chat", text }, NOW.toISOString());
    const put = (key: string, payload: unknown) =>
      store.enqueue(key, "telegram", "1001", payload, NOW.toISOString());
    const status = () => written(store).prepare("SELECT status, result FROM outbox ORDER BY id").all();
    return {
      store,
      sender,
      sent,
      calls,
      queue,
      put,
      status,
      advance: (ms: number) => (clock = new Date(clock.getTime() + ms)),
    };
  }

  it("honours retry_after on 429 and keeps the chat's order", async () => {
    const s = setup([apiError("Too Many Requests: retry after 7", 7)]);
    s.queue("một", 1);
    s.queue("hai", 2);
    await s.sender.flushChat("1001");
    expect(s.sent).toEqual([]); // the second waits behind the first
    const row = s.store.duePending("telegram", "9999")[0];
    expect(row?.nextAttemptAt).toBe(new Date(NOW.getTime() + 7000).toISOString());
    s.advance(6000);
    await s.sender.flushChat("1001");
    expect(s.sent).toEqual([]);
    s.advance(1000);
    await s.sender.flushChat("1001");
    expect(s.sent).toEqual(["một", "hai"]);
  });

  it("backs off exponentially on server errors and dead-letters after the last attempt", async () => {
    const s = setup([
      apiError("Internal Server Error"),
      apiError("Internal Server Error"),
      apiError("Internal Server Error"),
    ]);
    s.queue("một", 1);
    for (let i = 0; i < 3; i++) {
      await s.sender.flushChat("1001");
      s.advance(60_000);
    }
    expect(s.sent).toEqual([]);
    const dead = written(s.store).prepare("SELECT status, attempts, last_error FROM outbox").get();
    expect(dead).toEqual({ status: "dead", attempts: 3, last_error: "Internal Server Error" });
  });

  it("reports a dead letter once, after it is marked dead, and goes on with the chat's next message", async () => {
    const reports: Array<{ id: number; status: unknown; error: string }> = [];
    const s = setup([apiError("Internal Server Error"), apiError("Internal Server Error")], 2, {
      onDeadLetter: (row, error) =>
        reports.push({
          id: row.id,
          error,
          status: (
            written(s.store).prepare("SELECT status FROM outbox WHERE id = ?").get(row.id) as {
              status: string;
            }
          ).status,
        }),
    });
    const first = s.queue("một", 1);
    s.queue("hai", 2);
    await s.sender.flushChat("1001");
    expect(reports).toEqual([]);
    s.advance(60_000);
    await s.sender.flushChat("1001");
    s.advance(60_000);
    await s.sender.flushChat("1001");
    expect(reports).toEqual([{ id: first, status: "dead", error: "Internal Server Error" }]);
    expect(s.sent).toEqual(["hai"]);
  });

  it("dead-letters at once what Telegram refuses for good (blocked, bad request), without retrying", async () => {
    const reports: string[] = [];
    const s = setup([apiError("Forbidden: bot was blocked by the user", undefined, 403)], 8, {
      onDeadLetter: (_row, error) => reports.push(error),
    });
    s.queue("một", 1);
    await s.sender.flushChat("1001");
    expect(written(s.store).prepare("SELECT status, attempts FROM outbox").get()).toEqual({
      status: "dead",
      attempts: 1,
    });
    expect(reports).toEqual(["Forbidden: bot was blocked by the user"]);
  });

  it("an edit Telegram refuses as unchanged or too old is not a failure", async () => {
    const s = setup([apiError("Bad Request: message is not modified", undefined, 400)]);
    s.store.enqueue(
      "e1",
      "telegram",
      "1001",
      { kind: "edit", messageRef: "5", text: "x" },
      NOW.toISOString(),
    );
    await s.sender.flushChat("1001");
    expect(written(s.store).prepare("SELECT status FROM outbox").get()).toEqual({ status: "sent" });
  });

  it("concurrent flushes of one chat send each message once", async () => {
    const s = setup([]);
    for (let i = 0; i < 5; i++) s.queue(`m${i}`, i);
    await Promise.all([s.sender.flushChat("1001"), s.sender.flushChat("1001"), s.sender.flushAll()]);
    expect(s.sent).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  it("a flush asked for during a pass also sends what was queued meanwhile", async () => {
    const s = setup([]);
    s.queue("m0", 0);
    const first = s.sender.flushChat("1001");
    s.queue("m1", 1);
    await Promise.all([first, s.sender.flushChat("1001")]);
    expect(s.sent).toEqual(["m0", "m1"]);
  });

  it("sends a reply to the given message and opens the reply field when there are no choices", async () => {
    const s = setup([]);
    s.put("a", { kind: "chat", text: "Hỏi thêm", replyTo: "42", forceReply: true });
    s.put("b", {
      kind: "chat",
      text: "Chọn",
      forceReply: true,
      token: "d.q",
      choices: [{ value: "yes", label: "Có" }],
    });
    await s.sender.flushChat("1001");
    expect(s.calls.map((c) => c.args[1])).toEqual([
      {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        reply_parameters: { message_id: 42, allow_sending_without_reply: true },
        reply_markup: { force_reply: true, selective: true },
      },
      {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        reply_markup: { inline_keyboard: [[{ text: "1. Có", callback_data: "d.q|yes" }]] },
      },
    ]);
  });

  it("a long reply carries the reply on its first part and the reply field on its last", async () => {
    const s = setup([]);
    const text = Array.from({ length: 3 }, () => "x".repeat(3000)).join("\n\n");
    s.put("a", { kind: "chat", text, replyTo: "7", forceReply: true });
    await s.sender.flushChat("1001");
    const options = s.calls.map((c) => c.args[1] as Record<string, unknown>);
    expect(options).toHaveLength(3);
    expect(options.map((o) => o.reply_parameters)).toEqual([
      { message_id: 7, allow_sending_without_reply: true },
      undefined,
      undefined,
    ]);
    expect(options.map((o) => o.reply_markup)).toEqual([
      undefined,
      undefined,
      { force_reply: true, selective: true },
    ]);
  });

  it("copies a message into the chat, as a reply when asked, and stores the copy's id", async () => {
    const s = setup([]);
    s.put("c", { kind: "copy", fromChatId: "2002", messageRef: "17", replyTo: "3" });
    s.put("d", { kind: "copy", fromChatId: "2002", messageRef: "18" });
    await s.sender.flushChat("1001");
    expect(s.calls).toEqual([
      {
        method: "copyMessage",
        chatId: "1001",
        args: ["2002", 17, { reply_parameters: { message_id: 3, allow_sending_without_reply: true } }],
      },
      { method: "copyMessage", chatId: "1001", args: ["2002", 18, {}] },
    ]);
    expect(s.status()).toEqual([
      { status: "sent", result: JSON.stringify({ messageIds: [501] }) },
      { status: "sent", result: JSON.stringify({ messageIds: [502] }) },
    ]);
  });

  it("every send, edit and copy waits for the rate limiter: one a second in a chat", async () => {
    const time = manualTime();
    const s = setup([], 3, {
      limiter: new RateLimiter({ limits: { perChatBurst: 1 }, now: time.now, setTimer: time.setTimer }),
    });
    s.put("a", { kind: "chat", text: "một" });
    s.put("b", { kind: "edit", messageRef: "1", text: "một ✔️" });
    s.put("c", { kind: "copy", fromChatId: "2002", messageRef: "17" });
    const flushed = s.sender.flushChat("1001");
    await time.advance(0);
    expect(s.calls.map((c) => c.method)).toEqual(["sendMessage"]);
    await time.advance(999);
    expect(s.calls.map((c) => c.method)).toEqual(["sendMessage"]);
    await time.advance(1);
    expect(s.calls.map((c) => c.method)).toEqual(["sendMessage", "editMessageText"]);
    await time.advance(1000);
    await flushed;
    expect(s.calls.map((c) => c.method)).toEqual(["sendMessage", "editMessageText", "copyMessage"]);
  });

  it("stop() gives up sends still waiting for their window without spending an attempt", async () => {
    const time = manualTime();
    const s = setup([], 3, {
      limiter: new RateLimiter({ limits: { perChatBurst: 1 }, now: time.now, setTimer: time.setTimer }),
    });
    s.queue("một", 1);
    s.queue("hai", 2);
    const flushed = s.sender.flushChat("1001");
    await time.advance(0);
    s.sender.stop();
    await flushed;
    expect(s.sent).toEqual(["một"]);
    expect(written(s.store).prepare("SELECT status, attempts FROM outbox ORDER BY id").all()).toEqual([
      { status: "sent", attempts: 1 },
      { status: "pending", attempts: 0 },
    ]);
  });
});

describe("grammY middleware (capturing transformer, bot.handleUpdate)", () => {
  it("answers /start with the welcome and the first question with buttons, and answers every button press", async () => {
    const app = createApp(
      parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
      createLogger("silent"),
    );
    const botInfo: UserFromGetMe = {
      id: 42,
      is_bot: true,
      first_name: "Incident",
      username: "IncidentBot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as UserFromGetMe;
    const bot = new Bot("123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", { botInfo });
    const calls: Array<{ method: string; payload: Record<string, unknown> }> = [];
    bot.api.config.use((_prev, method, payload) => {
      calls.push({ method, payload: payload as Record<string, unknown> });
      return Promise.resolve({
        ok: true,
        result:
          method === "sendMessage"
            ? { message_id: calls.length, date: 0, chat: { id: 1001, type: "private" } }
            : true,
      } as never);
    });
    bot.use(incidentComposer(createTelegramDeps(app, grammyPort(bot.api), "IncidentBot")));
    await bot.handleUpdate({
      update_id: 1,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 1001, type: "private", first_name: "An" },
        from: user,
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    } as Update);
    const sends = calls.filter((c) => c.method === "sendMessage");
    expect(sends.map((c) => String(c.payload.text).slice(0, 8))).toEqual(["Xin chào", "<b>Câu 1"]);
    expect(sends[1]?.payload).toMatchObject({
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ callback_data: "r.system|_skip" }]] },
    });
    await bot.handleUpdate({
      update_id: 2,
      callback_query: {
        id: "q1",
        from: user,
        chat_instance: "c",
        data: "r.system|_skip",
        message: { message_id: 2, date: 0, chat: { id: 1001, type: "private", first_name: "An" } },
      },
    } as Update);
    expect(
      calls.some((c) => c.method === "answerCallbackQuery" && c.payload.callback_query_id === "q1"),
    ).toBe(true);
    const edit = calls.find((c) => c.method === "editMessageText");
    expect(edit?.payload).toMatchObject({ message_id: 2, reply_markup: { inline_keyboard: [] } });
    expect(String(edit?.payload.text)).toContain("✔️ <b>Bỏ qua</b>");
    await app.close();
  });
});
