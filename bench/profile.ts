/**
 * Where the engine's time goes (not part of `npm run bench`). Drives the engine bot only and prints the mean
 * time of each step of the scripted report; run under the V8 profiler for function-level figures:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts
 *   npx tsx bench/analyze-profile.ts /tmp/prof/<file>.cpuprofile
 *
 * Diagnostics only (never used by `npm run bench`): PROFILE_DB=memory runs on ":memory:" instead of a file,
 * PROFILE_AUTOCHECKPOINT=0 turns off WAL auto-checkpoints, to see what the disk costs the mean and the tail.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp, createLogger } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { createEngineBot, type EngineBotTimes } from "./engine-bot.ts";
import { textUpdate } from "./fake-telegram.ts";
import { REPORT_SCRIPT } from "./script.ts";

const CHATS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

const dir = mkdtempSync(join(tmpdir(), "incident-profile-"));
const databasePath = process.env.PROFILE_DB === "memory" ? ":memory:" : join(dir, "engine.db");
const config = parseConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: "silent" });
const app = createApp(config, createLogger("silent"));
if (process.env.PROFILE_AUTOCHECKPOINT !== undefined) {
  app.db.pragma(`wal_autocheckpoint = ${Number(process.env.PROFILE_AUTOCHECKPOINT)}`);
}
const times: EngineBotTimes = { updates: 0, handleMs: 0, sendMs: 0 };
const bot = createEngineBot(app.router, app.store, times);

const stepMs = new Array<number>(REPORT_SCRIPT.length).fill(0);
const stepSamples: number[][] = REPORT_SCRIPT.map(() => []);
const all: number[] = [];
let chatId = 5_000_000;
let total = 0;
for (let r = 0; r < ROUNDS + 1; r++) {
  const ids = Array.from({ length: CHATS }, () => chatId++);
  const updates = REPORT_SCRIPT.map((line) => ids.map((id) => textUpdate(id, line)));
  if (r === 1) {
    stepMs.fill(0);
    for (const x of stepSamples) x.length = 0;
    all.length = 0;
    Object.assign(times, { updates: 0, handleMs: 0, sendMs: 0 });
    total = 0;
  }
  for (let s = 0; s < updates.length; s++) {
    for (const u of updates[s] ?? []) {
      const t0 = performance.now();
      await bot.handleUpdate(u);
      const dt = performance.now() - t0;
      stepMs[s] = (stepMs[s] ?? 0) + dt;
      stepSamples[s]?.push(dt);
      all.push(dt);
      total += dt;
    }
  }
}
const n = ROUNDS * CHATS;
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
};
console.log(
  `engine only (${databasePath === ":memory:" ? "in memory" : "on disk"}): ${n} reports, ${times.updates} updates, ` +
    `mean ${(total / times.updates).toFixed(3)} ms, p50 ${pct(all, 0.5).toFixed(3)} ms, p99 ${pct(all, 0.99).toFixed(3)} ms`,
);
const heavy = [REPORT_SCRIPT.length - 2, REPORT_SCRIPT.length - 1];
const rest = all.filter((_, i) => !heavy.includes(Math.floor(i / CHATS) % REPORT_SCRIPT.length));
console.log(
  `  p99 without the last two steps (profile saved + summary, submission): ${pct(rest, 0.99).toFixed(3)} ms`,
);
console.log(
  `  engine.handle ${(times.handleMs / times.updates).toFixed(3)} ms, send+markSent ` +
    `${(times.sendMs / times.updates).toFixed(3)} ms per update`,
);
console.log("mean and p99 ms per step of the report (the update carrying that answer):");
REPORT_SCRIPT.forEach((line, s) => {
  const mean = ((stepMs[s] ?? 0) / n).toFixed(3).padStart(7);
  const p99 = pct(stepSamples[s] ?? [], 0.99)
    .toFixed(3)
    .padStart(7);
  console.log(`  ${String(s).padStart(2)} ${mean} ${p99}  ${line.slice(0, 50)}`);
});
await app.close();
rmSync(dir, { recursive: true, force: true });
