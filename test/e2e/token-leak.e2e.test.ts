import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, TOKEN, waitFor } from "./telegram-harness.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-leak-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET_PART = TOKEN.split(":")[1] ?? "never";

/** `incident-bot start` as an operator runs it; everything it prints is collected. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "info", ...env },
  });
  let printed = "";
  child.stdout.on("data", (c: Buffer) => {
    printed += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    printed += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, printed: () => printed };
}

describe.each(["grammy", "telegraf"] as const)("%s: the token never reaches the output", (framework) => {
  it("with Telegram unreachable at start, each getMe failure is logged with what to check, redacted", async () => {
    const closed = await freePort();
    const run = start({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_FRAMEWORK: framework,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${closed}`,
      DATABASE_PATH: join(dir, `${framework}-closed.db`),
      PORT: String(await freePort()),
    });
    try {
      // Two attempts: the first right away, the second after the first backoff.
      await waitFor(
        () => (run.printed().match(/Telegram Bot API unreachable/g) ?? []).length >= 2,
        "two logged getMe failures",
        15_000,
      );
      const line =
        run
          .printed()
          .split("\n")
          .find((l) => l.includes("Telegram Bot API unreachable")) ?? "";
      const entry = JSON.parse(line) as { level: number; attempt: number; retryInMs: number; hint: string };
      expect(entry.level).toBe(40);
      expect(entry.attempt).toBe(1);
      expect(entry.retryInMs).toBeGreaterThan(0);
      expect(entry.hint).toMatch(/TELEGRAM_API_ROOT/);
      expect(entry.hint).toMatch(/TELEGRAM_BOT_TOKEN/);
      expect(run.printed()).not.toContain(SECRET_PART);
    } finally {
      run.child.kill("SIGKILL");
      await run.exited;
    }
  }, 30_000);

  it("when Telegram goes away while polling, the library's errors are logged without the token", async () => {
    const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
    await server.start();
    const run = start({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_FRAMEWORK: framework,
      TELEGRAM_API_ROOT: server.config.apiURL,
      DATABASE_PATH: join(dir, `${framework}-gone.db`),
      PORT: String(await freePort()),
    });
    try {
      await waitFor(() => run.printed().includes("telegram channel started"), "the bot to start", 15_000);
      await server.stop();
      // The polling library fails its getUpdates calls now; what it says must go through the logger.
      await waitFor(
        () => /polling (failed|stopped)|getUpdates/.test(run.printed()),
        "a polling failure to be reported",
        15_000,
      );
      await new Promise((r) => setTimeout(r, 2000));
      expect(run.printed()).toContain("polling failed (getUpdates); retrying");
      expect(run.printed()).not.toContain(SECRET_PART);
      // Every line is the logger's JSON: no library prints on its own.
      for (const line of run
        .printed()
        .split("\n")
        .filter((l) => l.trim())) {
        expect(() => JSON.parse(line), line).not.toThrow();
      }
    } finally {
      run.child.kill("SIGKILL");
      await run.exited;
    }
  }, 40_000);
});
