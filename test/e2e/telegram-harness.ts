import { mkdtempSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { createApp, createLogger } from "../../src/app.ts";
import { type RunningBot, startTelegram } from "../../src/channels/telegram/run.ts";
import type { SenderOptions } from "../../src/channels/telegram/sender.ts";
import { parseConfig } from "../../src/config.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { FakeBotFiles } from "../support/fake-bot-files.ts";
import { multipartParts, uploadedFile } from "../support/multipart.ts";
import { messageError } from "../support/telegram-rules.ts";

export const TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
export const SECRET = "e2e-secret_0123456789";

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Waits until the condition holds (polling), or fails with the given description. */
export async function waitFor<T>(
  condition: () => T | undefined | null | false,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface BotMessage {
  messageId: number;
  message: {
    chat_id: string;
    text: string;
    reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data?: string; url?: string }>> };
  };
}

/**
 * The emulator accepts any text; real Telegram refuses bad HTML, text over 4,096 characters, invalid UTF-16 and
 * callback data over 64 bytes. Every message and edit the bot makes is checked against those rules; what Telegram
 * would have refused is collected (the stack's `stop` fails the test with it).
 */
export function watchTelegramRules(server: TelegramServer): string[] {
  const refused: string[] = [];
  const check = (method: string, raw: unknown) => {
    const body = { ...(raw as Record<string, unknown>) };
    if (typeof body.reply_markup === "string") body.reply_markup = JSON.parse(body.reply_markup);
    const error = messageError(body);
    if (error) refused.push(`${method} to ${String(body.chat_id)}: ${error}`);
  };
  const add = server.addBotMessage.bind(server);
  const edit = server.editMessageText.bind(server);
  server.addBotMessage = (raw, token) => {
    check("sendMessage", raw);
    return add(raw, token);
  };
  server.editMessageText = (raw) => {
    check("editMessageText", raw);
    edit(raw);
  };
  return refused;
}

export interface SentDocument {
  chatId: string;
  filename: string;
  bytes: Buffer;
  caption: string;
}

/**
 * sendDocument for the emulator (telegram-test-api has none): a multipart upload, refused as Telegram refuses
 * an empty file or a caption over 1,024 characters; accepted, it is kept with its bytes in `documents` (not
 * among the chat's text messages).
 */
/** The little of the emulator's express app this needs (telegram-test-api keeps it private). */
interface EmulatorApp {
  get(path: string, handler: (req: { params: Record<string, string> }, res: ServerResponse) => void): void;
  post(
    path: string,
    handler: (
      req: NodeJS.ReadableStream & { headers: Record<string, string | undefined>; body?: unknown },
      res: { status(code: number): { json(body: unknown): void }; json(body: unknown): void },
    ) => void,
  ): void;
  _router: { stack: Array<{ route?: { path: string } }> };
}

export function acceptDocuments(server: TelegramServer): SentDocument[] {
  const documents: SentDocument[] = [];
  const app = (server as unknown as { webServer: EmulatorApp }).webServer;
  app.post("/bot:token/sendDocument", (req, res) => {
    const refuse = (description: string) =>
      res.status(400).json({ ok: false, error_code: 400, description: `Bad Request: ${description}` });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const parts = multipartParts(Buffer.concat(chunks), String(req.headers["content-type"] ?? ""));
      const file = uploadedFile(parts);
      const caption = parts.find((p) => p.name === "caption")?.body.toString("utf8") ?? "";
      const chatId = parts.find((p) => p.name === "chat_id")?.body.toString("utf8") ?? "";
      if (!file || file.body.length === 0) return refuse("file must be non-empty");
      if (caption.length > 1024) return refuse("message caption is too long");
      documents.push({ chatId, filename: file.filename ?? "", bytes: file.body, caption });
      // Kept apart from the chat's text messages, which the tests read in order (a file has no text to read).
      res.json({
        ok: true,
        result: {
          message_id: 1_000_000 + documents.length,
          chat: { id: Number(chatId), type: "private" },
          date: Math.floor(Date.now() / 1000),
          document: { file_name: file.filename, file_size: file.body.length },
          ...(caption ? { caption } : {}),
        },
      });
    });
  });
  beforeCatchAll(app);
  return documents;
}

/** Moves the route just added before the emulator's catch-all "unknown method" route. */
function beforeCatchAll(app: EmulatorApp): void {
  const stack = app._router.stack;
  const mine = stack.pop();
  const catchAll = stack.findIndex((layer) => layer.route?.path === "/bot:token/:method");
  if (mine) stack.splice(catchAll, 0, mine);
}

/**
 * getFile and the file server for the emulator (telegram-test-api has neither), as Telegram serves a bot the
 * files people send it: the tests add bytes and send a message carrying the returned file id.
 */
export function serveFiles(server: TelegramServer): FakeBotFiles {
  const files = new FakeBotFiles();
  const app = (server as unknown as { webServer: EmulatorApp }).webServer;
  app.post("/bot:token/getFile", (req, res) => {
    const [status, body] = files.getFile((req.body ?? {}) as Record<string, unknown>);
    res.status(status).json(body);
  });
  beforeCatchAll(app);
  app.get("/file/bot:token/*", (req, res) => {
    files.serve(res, req.params.token === TOKEN ? req.params[0] : undefined);
  });
  beforeCatchAll(app);
  return files;
}

/** The Bot API emulator plus the real bot (grammY or Telegraf, polling or webhook) on a fresh database. */
export async function startStack(
  framework: "grammy" | "telegraf",
  mode: "polling" | "webhook" = "polling",
  extraEnv: Record<string, string> = {},
  senderOptions: SenderOptions = {},
) {
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const refused = watchTelegramRules(server);
  const documents = acceptDocuments(server);
  const files = serveFiles(server);
  const dir = mkdtempSync(join(tmpdir(), "incident-e2e-"));
  const httpPort = await freePort();
  const app = createApp(
    parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.config.apiURL,
      TELEGRAM_FRAMEWORK: framework,
      TELEGRAM_MODE: mode,
      WEBHOOK_URL: `http://127.0.0.1:${httpPort}/telegram/hook`,
      WEBHOOK_SECRET: SECRET,
      PORT: String(httpPort),
      DATABASE_PATH: join(dir, "bot.db"),
      LOG_LEVEL: "silent",
      ...extraEnv,
    }),
    createLogger("silent"),
  );
  // Telegram's limits sped up 100 times: the tests walk a whole report in seconds, the limiter still in the path.
  const bot: RunningBot = await startTelegram(app, {
    baseDelayMs: 50,
    limiter: new RateLimiter({ timeScale: 100 }),
    ...senderOptions,
  });
  const processed = () =>
    (
      app.db.prepare("SELECT count(*) AS n FROM processed_updates WHERE channel = 'telegram'").get() as {
        n: number;
      }
    ).n;
  return {
    server,
    app,
    bot,
    httpPort,
    processed,
    /** What the bot sent that real Telegram would have refused with a 400. */
    refused,
    /** Files the bot sent (sendDocument), in order, with their bytes. */
    documents,
    /** Files people send the bot: add bytes, send a message with the file id (getFile and download serve them). */
    files,
    /** Bot messages in one chat, in order (edits applied). */
    messages(chatId: number): BotMessage[] {
      return (server.storage.botMessages as unknown as BotMessage[])
        .filter((m) => String(m.message.chat_id) === String(chatId))
        .sort((a, b) => a.messageId - b.messageId);
    },
    /** Resolves once one more update is applied and everything queued for the chat has been sent. */
    async settled(chatId: number, before: number): Promise<void> {
      await waitFor(
        () => processed() > before && app.store.pendingForChat("telegram", String(chatId)).length === 0,
        `update ${before + 1} of chat ${chatId} to be applied and answered`,
      );
    },
    async stop(): Promise<void> {
      await bot.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      if (refused.length > 0) {
        throw new Error(`the bot sent what Telegram refuses:\n${refused.slice(0, 5).join("\n")}`);
      }
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** What a client sends as `reply_to_message` when someone answers one of the bot's messages. */
export function botMessageRef(messageId: number) {
  return { message_id: messageId, from: { id: 1, is_bot: true, first_name: "Bot" }, date: 0, text: "" };
}

/** Someone in a duty group (a supergroup) with the bot, through the emulator's client. */
export function groupClient(
  stack: Stack,
  who: { userId: number; chatId: number; chatTitle?: string; firstName?: string },
) {
  return stack.server.getClient(TOKEN, {
    userId: who.userId,
    chatId: who.chatId,
    type: "supergroup",
    chatTitle: who.chatTitle ?? "Tổ trực VNCERT",
    ...(who.firstName ? { firstName: who.firstName } : {}),
  });
}

/** An admin binds the group to a contact with /bind; resolves once the bot confirms it in the group. */
export async function bindGroup(
  stack: Stack,
  admin: { userId: number; chatId: number; chatTitle?: string; firstName?: string },
  contact = "vncert",
): Promise<void> {
  const client = groupClient(stack, admin);
  await client.sendCommand(client.makeCommand(`/bind ${contact}`));
  await waitFor(
    () => stack.messages(admin.chatId).some((m) => m.message.text.includes("Đã gắn nhóm")),
    `the bind confirmation in group ${admin.chatId}`,
  );
}

/** A person in a private chat with the bot, typing and pressing buttons through the emulator's client. */
export class EmulatedUser {
  private readonly client;
  readonly from;

  constructor(
    private readonly stack: Stack,
    readonly id: number,
    languageCode = "vi",
  ) {
    this.client = stack.server.getClient(TOKEN, {
      userId: id,
      chatId: id,
      firstName: `User${id}`,
      userName: `user${id}`,
      type: "private",
    });
    this.from = {
      id,
      is_bot: false,
      first_name: `User${id}`,
      username: `user${id}`,
      language_code: languageCode,
    };
  }

  messages(): BotMessage[] {
    return this.stack.messages(this.id);
  }

  lastText(): string {
    return this.messages().at(-1)?.message.text ?? "";
  }

  /** Every text the bot sent to this user since message index `from`. */
  textsSince(from: number): string {
    return this.messages()
      .slice(from)
      .map((m) => m.message.text)
      .join("\n---\n");
  }

  async say(text: string): Promise<void> {
    const before = this.stack.processed();
    await this.client.sendMessage(this.client.makeMessage(text, { from: this.from } as never));
    await this.stack.settled(this.id, before);
  }

  async command(text: string): Promise<void> {
    const before = this.stack.processed();
    await this.client.sendCommand(this.client.makeCommand(text, { from: this.from } as never));
    await this.stack.settled(this.id, before);
  }

  /** Replies to one of the bot's messages (what the client does when a message asks for a reply). */
  async reply(text: string, toMessageId: number): Promise<void> {
    const before = this.stack.processed();
    await this.client.sendMessage(
      this.client.makeMessage(text, {
        from: this.from,
        reply_to_message: botMessageRef(toMessageId),
      } as never),
    );
    await this.stack.settled(this.id, before);
  }

  /** Sends a document: a file the stack's `files` serves, as Telegram hands the bot a file id. */
  async document(file: { fileId: string; uniqueId: string }, name: string, mime: string): Promise<void> {
    const before = this.stack.processed();
    const message = this.client.makeMessage("", {
      from: this.from,
      document: { file_id: file.fileId, file_unique_id: file.uniqueId, file_name: name, mime_type: mime },
    } as never) as unknown as Record<string, unknown>;
    // A document message has a caption at most, never a text.
    delete message.text;
    await this.client.sendMessage(message as never);
    await this.stack.settled(this.id, before);
  }

  /** Presses the button with this value on the newest message that has one. */
  async press(value: string): Promise<void> {
    const found = [...this.messages()]
      .reverse()
      .flatMap((m) => (m.message.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ({ m, b })))
      .find(({ b }) => b.callback_data?.endsWith(`|${value}`));
    if (!found?.b.callback_data)
      throw new Error(`no button "${value}" on screen; last message:\n${this.lastText()}`);
    await this.pressData(found.b.callback_data, found.m.messageId);
  }

  /** Sends a callback query with any data (to test stale and forged buttons). */
  async pressData(data: string, messageId: number): Promise<void> {
    const before = this.stack.processed();
    await this.client.sendCallback(
      this.client.makeCallbackQuery(data, { from: this.from, message: { message_id: messageId } } as never),
    );
    await this.stack.settled(this.id, before);
  }
}

/** One complete report as a person files it: buttons for choices, typing for text. */
export const REPORT_BY_BUTTONS: ReadonlyArray<{ say: string } | { press: string } | { command: string }> = [
  { command: "/start" },
  { say: "Cổng thông tin điện tử tỉnh laichau.gov.vn" },
  { press: "malware" },
  { press: "civil" }, // owner sector, asked early (rule R8)
  { press: "now" },
  { say: "Nhiều máy trạm báo nhiễm virus, phần mềm diệt virus không xử lý được, máy chủ chạy chậm" },
  { press: "ongoing" },
  { press: "log_review" },
  { press: "user_report" },
  { press: "_done" },
  { press: "3" },
  { press: "no" }, // national critical
  { press: "yes" }, // service disrupted
  { press: "no" }, // public service
  { press: "no" }, // privileged account
  { press: "none" }, // data exposed
  { say: "5" }, // machines
  { press: "yes" }, // spreading
  { press: "no" }, // dangerous situation
  { press: "no" }, // can handle alone
  { say: "Sở KH&CN tỉnh Lai Châu" },
  { say: "UBND tỉnh Lai Châu" },
  { press: "_skipSection" },
  { press: "none" }, // notified: nobody yet (answers at once)
  { press: "_skip" }, // support
  { press: "yes" }, // confidential
  { say: "Nguyễn Văn An" },
  { say: "Chuyên viên" },
  { say: "Sở Khoa học và Công nghệ tỉnh Lai Châu" },
  { say: "Tầng 3, Khu hành chính tỉnh, TP Lai Châu" },
  { say: "0912 345 678" },
  { say: "an.nv@laichau.gov.vn" },
  { press: "prefill" }, // the organisation's phone: the same
  { press: "prefill" }, // the organisation's e-mail: the same
  { say: "Lai Châu" },
  { press: "save" },
  { press: "submit" },
];

/** The same report, not confidential (I8 "no"): duty groups may show its details. */
export const OPEN_REPORT_BY_BUTTONS = REPORT_BY_BUTTONS.map((step, i, all) => {
  const previous = all[i - 1];
  // I8 follows the support question (skipped); a change of order fails loudly below.
  return previous && "press" in previous && previous.press === "_skip" ? { press: "no" } : step;
});
if (OPEN_REPORT_BY_BUTTONS.filter((s, i) => s !== REPORT_BY_BUTTONS[i]).length !== 1)
  throw new Error("REPORT_BY_BUTTONS changed: update OPEN_REPORT_BY_BUTTONS in telegram-harness.ts");

/** Plays a scripted report as the user (not confidential unless asked). */
export async function fileReport(
  user: {
    say(t: string): Promise<void>;
    press(v: string): Promise<void>;
    command(t: string): Promise<void>;
  },
  steps: typeof REPORT_BY_BUTTONS = OPEN_REPORT_BY_BUTTONS,
) {
  for (const step of steps) {
    if ("say" in step) await user.say(step.say);
    else if ("press" in step) await user.press(step.press);
    else await user.command(step.command);
  }
}
