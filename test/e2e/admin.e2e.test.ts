import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, createLogger } from "../../src/app.ts";
import { startTelegram } from "../../src/channels/telegram/run.ts";
import { parseConfig } from "../../src/config.ts";
import { Engine } from "../../src/conversation/engine.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import {
  acceptDocuments,
  EmulatedUser,
  fileReport,
  freePort,
  type Stack,
  serveFiles,
  TOKEN,
  waitFor,
  watchTelegramRules,
} from "./telegram-harness.ts";

const ADMIN = 7001;
const SECOND_ADMIN = 7002;
const STRANGER = 7666;

/**
 * The real bot (grammY, polling) against the Bot API emulator, with the engine given the contact administration
 * settings from the configuration (what src/app.ts is to pass once integrated).
 */
async function startAdminStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const dir = mkdtempSync(join(tmpdir(), "incident-admin-e2e-"));
  const refused = watchTelegramRules(server);
  const documents = acceptDocuments(server);
  const files = serveFiles(server);
  const httpPort = await freePort();
  const app = createApp(
    parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.config.apiURL,
      PORT: String(httpPort),
      DATABASE_PATH: join(dir, "bot.db"),
      LOG_LEVEL: "silent",
      ADMIN_TELEGRAM_IDS: `${ADMIN},${SECOND_ADMIN}`,
      ...extraEnv,
    }),
    createLogger("silent"),
  );
  app.engine = new Engine({
    ...app.engine.options,
    admin: {
      configAdmins: { telegram: app.config.adminTelegramIds },
      changeApproval: app.config.contactChangeApproval,
      staleMs: app.config.contactStaleMs,
    },
  });
  // Telegram's per-chat limit (one message a second) sped up, as the emulator answers at once.
  const bot = await startTelegram(app, { baseDelayMs: 50, limiter: new RateLimiter({ timeScale: 100 }) });
  const processed = () =>
    (
      app.db.prepare("SELECT count(*) AS n FROM processed_updates WHERE channel = 'telegram'").get() as {
        n: number;
      }
    ).n;
  const messages = (chatId: number) =>
    (server.storage.botMessages as unknown as ReturnType<Stack["messages"]>)
      .filter((m) => String(m.message.chat_id) === String(chatId))
      .sort((a, b) => a.messageId - b.messageId);
  return {
    server,
    app,
    bot,
    httpPort,
    processed,
    refused,
    files,
    documents,
    messages,
    async settled(chatId: number, before: number) {
      await waitFor(
        () => processed() > before && app.store.pendingForChat("telegram", String(chatId)).length === 0,
        `update ${before + 1} of chat ${chatId} to be applied and answered`,
      );
    },
    async stop() {
      await bot.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      if (refused.length > 0) throw new Error(`the bot sent what Telegram refuses:\n${refused.join("\n")}`);
    },
  };
}

describe("contact administration end to end (grammY, polling, emulator)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startAdminStack({ CONTACT_CHANGE_APPROVAL: "true" });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("an admin edits the provincial phone in chat; the next ticket's confirmation shows the new number", async () => {
    const admin = new EmulatedUser(stack, ADMIN);
    await admin.command("/contacts_admin");
    expect(admin.lastText()).toContain("Quản lý bảng đầu mối");
    await admin.press("provincial");
    expect(admin.lastText()).toContain("0213.3798.798");
    await admin.press("phones");
    await admin.say("0213 3876 111");
    expect(admin.lastText()).toMatch(/Trước: 0213\.3798\.798\nSau: 0213 3876 111/);
    await admin.press("_save");
    // Version 2 is migration 8's legacy flag on the Sở TT&TT entry.
    expect(admin.lastText()).toContain("Đã lưu (phiên bản 3)");

    const reporter = new EmulatedUser(stack, 7100);
    await fileReport(reporter);
    const confirmation = reporter.lastText();
    expect(confirmation).toMatch(/SC-\d{4}-\d{6}/);
    expect(confirmation).toContain("0213 3876 111");
    expect(confirmation).not.toContain("0213.3798.798");
  }, 60_000);

  it("a non-admin's commands and forged callbacks change nothing and are audited", async () => {
    const stranger = new EmulatedUser(stack, STRANGER);
    await stranger.command("/contacts_admin");
    expect(stranger.lastText()).toContain("Chỉ quản trị viên");
    await stranger.command("/grant 7666 admin");
    const last = stranger.messages().at(-1)?.messageId ?? 1;
    await stranger.pressData("a.confirm|_save", last);
    await stranger.pressData("a.view|_delete", last);
    expect(stranger.lastText()).toContain("Chỉ quản trị viên");
    expect(stack.app.store.rolesOf("telegram", String(STRANGER))).toEqual([]);
    expect(stack.app.store.contact("provincial")?.version).toBe(3);
    expect(
      stack.app.db
        .prepare("SELECT action, subject FROM audit_log WHERE actor = ? AND outcome = 'denied' ORDER BY id")
        .all(`telegram:${STRANGER}`),
    ).toEqual([
      { action: "admin.command", subject: "/contacts_admin" },
      { action: "admin.command", subject: "/grant" },
      { action: "admin.button", subject: "a.confirm" },
      { action: "admin.button", subject: "a.view" },
    ]);
  });

  it("four-eyes: a VNCERT/CC change waits for the second admin, who is asked in chat and approves it", async () => {
    const admin = new EmulatedUser(stack, ADMIN);
    const second = new EmulatedUser(stack, SECOND_ADMIN);
    await second.command("/help");
    const seen = second.messages().length;
    await admin.command("/contacts_admin");
    await admin.press("vncert");
    await admin.press("hotlines");
    await admin.say("0869 100 999");
    await admin.press("_save");
    expect(admin.lastText()).toContain("cần một quản trị viên khác duyệt");
    expect(stack.app.store.contact("vncert")?.hotlines).toEqual(["086.9100.317"]);
    await waitFor(() => second.messages().length > seen, "the approval request to the second admin");
    const request = second.textsSince(seen);
    expect(request).toContain("Đề nghị duyệt thay đổi #1");
    const before = admin.messages().length;
    await admin.command("/approve 1");
    expect(admin.textsSince(before)).toContain("không tự duyệt");
    await second.command("/approve 1");
    expect(second.lastText()).toContain("Đã duyệt thay đổi #1");
    expect(stack.app.store.contact("vncert")?.hotlines).toEqual(["0869 100 999"]);
  }, 30_000);
});
