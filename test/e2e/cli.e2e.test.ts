import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, describe, expect, it } from "vitest";
import { cliTimeout, PER_CLI_RUN_MS } from "../support/cli-budget.ts";
import { freePort, TOKEN, waitFor } from "./telegram-harness.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI as an operator would, with only the given environment. */
function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

// One process a test; starting the bot next to the emulator weighs about two CLI runs.
describe("incident-bot start", { timeout: cliTimeout(2) }, () => {
  it("with no channel configured, exits 1 naming the variable to set and pointing at npm run chat", async () => {
    const run = cli(["start"], { DATABASE_PATH: join(dir, "none.db") });
    expect(await run.exited).toBe(1);
    expect(run.err()).toContain("TELEGRAM_BOT_TOKEN");
    expect(run.err()).toContain("npm run chat");
  });

  it("with a bad variable, exits 1 naming it", async () => {
    const run = cli(["start"], { TELEGRAM_MODE: "push", DATABASE_PATH: join(dir, "bad.db") });
    expect(await run.exited).toBe(1);
    expect(run.err()).toMatch(/TELEGRAM_MODE: expected one of polling, webhook/);
  });

  it("runs the bot against a Bot API server and stops gracefully on SIGTERM", async () => {
    const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    const dbPath = join(dir, "bot.db");
    const run = cli(["start"], {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.config.apiURL,
      DATABASE_PATH: dbPath,
      PORT: String(await freePort()),
      LOG_LEVEL: "info",
    });
    try {
      await waitFor(
        () => run.out().includes("telegram channel started"),
        "the bot to start",
        2 * PER_CLI_RUN_MS,
      );
      expect(run.out()).not.toContain(TOKEN.split(":")[1] ?? "never");
      const client = server.getClient(TOKEN, { userId: 9001, chatId: 9001, type: "private" });
      await client.sendCommand(client.makeCommand("/start"));
      await waitFor(
        () => server.storage.botMessages.filter((m) => String(m.message.chat_id) === "9001").length >= 2,
        "the welcome and the first question",
      );
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
      const db = new Database(dbPath, { readonly: true });
      expect(db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get()).toEqual({ n: 0 });
      db.close();
    } finally {
      run.child.kill("SIGKILL");
      await server.stop();
    }
  });
});
