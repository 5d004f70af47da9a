import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, waitFor } from "../e2e/telegram-harness.ts";
import { WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { FakeZalo } from "../support/fake-zalo.ts";

const dir = mkdtempSync(join(tmpdir(), "zalo-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const USER = "e1b2c3d4e5f60718293e";

/** The bot as an operator runs it (`incident-bot start` with only ZALO_BOT_TOKEN), in its own process. */
function startBot(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, out: () => out };
}

describe("Zalo: SIGKILL of the bot mid-report", () => {
  it("after a restart the report completes with every answer, including one sent while the bot was down", async () => {
    const fake = await new FakeZalo().start();
    fake.configure({ pollCapSeconds: 1 });
    const dbPath = join(dir, "bot.db");
    const env = {
      ZALO_BOT_TOKEN: fake.tokens[0] ?? "",
      ZALO_API_ROOT: fake.url,
      PORT: String(await freePort()),
      DATABASE_PATH: dbPath,
      LOG_LEVEL: "info",
    };
    const walk = ["/start", ...WALL_CLOCK_REPORT_WALK];
    let db: Database.Database | undefined;
    const reader = () => {
      db ??= new Database(dbPath, { readonly: true, fileMustExist: true });
      return db;
    };
    const applied = (key: string) =>
      reader()
        .prepare("SELECT 1 FROM processed_updates WHERE channel = 'zalo' AND dedupe_key = ?")
        .get(key) !== undefined;
    const say = async (text: string) => {
      const { update } = await fake.inject({ type: "text", from: { id: USER, display_name: "An" }, text });
      return String(update.message.message_id);
    };
    const half = 12;
    let bot = startBot(env);
    try {
      await waitFor(() => bot.out().includes("zalo channel started"), "the bot to start", 30_000);
      for (const text of walk.slice(0, half)) {
        const key = await say(text);
        await waitFor(() => applied(key), `"${text}" applied`, 10_000);
      }
      // Killed while it may still be sending the last answers: nothing it committed may be lost.
    } finally {
      bot.child.kill("SIGKILL");
      await bot.exited;
    }
    // An answer typed while the bot is down waits at Zalo.
    await say(walk[half] ?? "");
    bot = startBot(env);
    try {
      await waitFor(() => bot.out().includes("zalo channel started"), "the bot to restart", 30_000);
      for (const text of walk.slice(half + 1)) {
        const key = await say(text);
        await waitFor(() => applied(key), `"${text}" applied`, 10_000);
      }
      await waitFor(
        () => fake.outbox(USER).some((e) => /Mã phiếu: SC-\d{4}-\d{6}/.test(String(e.params.text))),
        "the ticket confirmation",
        15_000,
      );
      const incidents = reader()
        .prepare("SELECT answers FROM incidents WHERE channel = 'zalo'")
        .all() as Array<{ answers: string }>;
      expect(incidents).toHaveLength(1);
      expect(JSON.parse(incidents[0]?.answers ?? "{}")).toMatchObject({
        system: walk[1],
        type: "malware",
        detection: ["log_review", "user_report"],
        machines: 5,
        reporter: { fullName: "Nguyễn Văn An", phone: "0912 345 678" },
      });
    } finally {
      db?.close();
      bot.child.kill("SIGTERM");
      await bot.exited;
      await fake.stop();
    }
  }, 120_000);
});
