import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { cliTimeout, PER_CLI_RUN_MS } from "../support/cli-budget.ts";

// The child runs on the real clock, so the detection time is "now" instead of a fixed hour of today.
const WALK = WALL_CLOCK_REPORT_WALK;
const dir = mkdtempSync(join(tmpdir(), "incident-bot-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The terminal chat as a separate process on a database file, with a way to wait for its prompt. */
function startChat(dbPath: string) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli.ts", "chat"],
    {
      env: { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: "silent", DEFAULT_LOCALE: "vi" },
    },
  );
  let output = "";
  let prompts = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    output += chunk;
    prompts += chunk.split("\n> ").length - 1;
    for (const w of [...waiters]) {
      if (prompts >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  /**
   * Resolves once the n-th prompt has been printed, i.e. the n-th line (or the start) was committed. The limit
   * only bounds a hung child; the first prompt includes the process start, as slow as a CLI run under load.
   */
  const prompt = (n: number) =>
    new Promise<void>((resolve, reject) => {
      if (prompts >= n) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`no prompt ${n}; output:\n${output.slice(-800)}`)),
        PER_CLI_RUN_MS,
      );
      waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return { child, prompt, exited, output: () => output };
}

/** How many lines the database has applied (each typed line, plus the /start or /report of each session). */
function appliedUpdates(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  const n = (
    db.prepare("SELECT count(*) AS n FROM processed_updates WHERE channel = 'terminal'").get() as {
      n: number;
    }
  ).n;
  db.close();
  return n;
}

// Five processes, and each typed line waits for its commit.
const LIMIT = cliTimeout(5) + WALK.length * 1_000;
describe("a killed process loses nothing (SIGKILL at several points)", { timeout: LIMIT }, () => {
  it("resumes the conversation with every committed answer and files exactly one ticket", async () => {
    const dbPath = join(dir, "crash.db");
    // Kill points: after a committed line (wait), or right after writing a line (in flight).
    const kills: Array<{ at: number; inFlight: boolean }> = [
      { at: 3, inFlight: false },
      { at: 10, inFlight: true },
      { at: 25, inFlight: false }, // inside the profile flow, stacked on the report
      { at: 31, inFlight: true }, // the submit itself
    ];
    let sessions = 0;
    let next = 0;
    for (const kill of [...kills, { at: WALK.length, inFlight: false, last: true }]) {
      const chat = startChat(dbPath);
      sessions++;
      await chat.prompt(1);
      // Resume from what the database has applied, not from what this test believes it sent.
      next = appliedUpdates(dbPath) - sessions;
      if (sessions > 1) expect(chat.output()).toMatch(/chưa hoàn thành|Đã tiếp nhận/);
      let prompts = 1;
      while (next < kill.at && next < WALK.length) {
        chat.child.stdin.write(`${WALK[next]}\n`);
        next++;
        if (kill.inFlight && next === kill.at) break;
        await chat.prompt(++prompts);
      }
      if ("last" in kill) {
        chat.child.stdin.end();
        await chat.exited;
        break;
      }
      chat.child.kill("SIGKILL");
      await chat.exited;
    }

    const db = new Database(dbPath, { readonly: true });
    const incidents = db.prepare("SELECT ticket_id, answers FROM incidents").all() as {
      ticket_id: string;
      answers: string;
    }[];
    expect(incidents).toHaveLength(1);
    const answers = JSON.parse(incidents[0]?.answers ?? "{}");
    expect(answers).toMatchObject({
      system: "Cổng thông tin điện tử tỉnh laichau.gov.vn",
      type: "malware",
      description: WALK[4],
      status: "ongoing",
      detection: ["log_review", "user_report"],
      systemLevel: "3",
      machines: 5,
      canHandleAlone: "no",
      operator: "Sở KH&CN tỉnh Lai Châu",
      notified: ["none"],
      reporter: { fullName: "Nguyễn Văn An", email: "an.nv@laichau.gov.vn", province: "Lai Châu" },
    });
    const routed = db.prepare("SELECT count(*) AS n FROM outbox WHERE channel = 'duty'").get() as {
      n: number;
    };
    expect(routed.n).toBe(2);
    expect(db.prepare("SELECT count(*) AS n FROM conversations").get()).toEqual({ n: 0 });
    db.close();
  });
});
