/**
 * `npm run bench`: the engine against a @grammyjs/conversations implementation of the same report, both
 * behind grammY's `bot.handleUpdate` with the Telegram API faked locally, both on SQLite files on disk (WAL).
 * A program, not a test: it prints readable lines and one JSON line with the headline figures. Then the delivery
 * benchmark (bench/delivery.ts: the outbox through the sender and rate limiter to a fake Bot API enforcing
 * Telegram's limits) prints its own lines and JSON line, and so does the storm benchmark (bench/storm.ts: 500
 * reports in ten minutes into one duty group, storm mode gathering them into digests).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Update } from "grammy/types";
import { createApp, createLogger } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { openDatabase } from "../src/store/db.ts";
import { runDeliveryBench } from "./delivery.ts";
import { createEngineBot, type EngineBotTimes } from "./engine-bot.ts";
import { runExtractBench } from "./extract.ts";
import { apiCalls, BOT_TOKEN, fakeFetch, textUpdate } from "./fake-telegram.ts";
import { createGrowthEngine, textFlow } from "./growth.ts";
import { probeMachine } from "./machine.ts";
import { createPeerBot, memoizedTranslator } from "./peer-bot.ts";
import { REPORT_SCRIPT, textScript } from "./script.ts";
import { runStormBench } from "./storm.ts";
import { createZaloBenchBot, driveZalo, zaloCalls } from "./zalo-bot.ts";

const CHATS = Number(process.env.BENCH_CHATS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GROWTH_ROUNDS = Number(process.env.BENCH_GROWTH_ROUNDS ?? 6);
const GROWTH_CHATS = Math.max(1, Math.round(CHATS / 3));
// One unmeasured round per variant, the same for both sides: a bot runs for weeks, so the figures are for code
// V8 has already optimized, not for its first few hundred updates (which the first measured round showed).
const WARMUP_CHATS = Number(process.env.BENCH_WARMUP_CHATS ?? CHATS);

// ── measurement helpers ─────────────────────────────────────────────────────────────────────────────────

interface Sample {
  updates: number;
  wallMs: number;
  latencies: number[];
}

let nextChatId = 1_000_000;

/** What the bench needs of a grammY Bot. */
interface Handler {
  handleUpdate(update: Update): Promise<void>;
}

/**
 * Drives `chats` fresh chats through `script`, round-robin: update k of every chat, then update k+1 of every
 * chat, so consecutive updates always belong to different chats. Updates are built before the clock starts;
 * each `bot.handleUpdate` is awaited (the engine is synchronous; grammY processes one update at a time here).
 */
async function drive(bot: Handler, script: readonly string[], chats: number): Promise<Sample> {
  const ids = Array.from({ length: chats }, () => nextChatId++);
  const updates: Update[] = [];
  for (const line of script) for (const id of ids) updates.push(textUpdate(id, line));
  const latencies = new Array<number>(updates.length);
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) {
    const t0 = performance.now();
    await bot.handleUpdate(updates[i] as Update);
    latencies[i] = performance.now() - t0;
  }
  return { updates: updates.length, wallMs: performance.now() - start, latencies };
}

function merge(samples: Sample[]): Sample {
  return {
    updates: samples.reduce((s, x) => s + x.updates, 0),
    wallMs: samples.reduce((s, x) => s + x.wallMs, 0),
    latencies: samples.flatMap((x) => x.latencies),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

function summarize(s: Sample) {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const mean = s.latencies.reduce((a, b) => a + b, 0) / Math.max(1, s.latencies.length);
  return {
    perSecond: (s.updates / s.wallMs) * 1000,
    mean,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const round = (n: number, digits: number) => Number(n.toFixed(digits));

function line(label: string, s: Sample): ReturnType<typeof summarize> {
  const r = summarize(s);
  console.log(
    `  ${label.padEnd(34)} ${String(s.updates).padStart(6)} updates  ${fmt(r.perSecond, 0).padStart(7)} upd/s  ` +
      `mean ${fmt(r.mean, 3)} ms  p50 ${fmt(r.p50, 3)} ms  p99 ${fmt(r.p99, 3)} ms  max ${fmt(r.max, 1)} ms`,
  );
  return r;
}

function sentMessages(): number {
  return apiCalls.get("sendMessage") ?? 0;
}

// ── setup ───────────────────────────────────────────────────────────────────────────────────────────────

const dir = mkdtempSync(join(tmpdir(), "incident-bench-"));
// Diagnostic only: the engine's database in memory, so no commit reaches a file. It shows how much of the
// engine's side is the durable commit's system calls on this machine; its figures are never a result (the
// product commits every update to disk before it answers, invariant 1).
const engineInMemory = process.env.BENCH_ENGINE_DB === "memory";
const config = parseConfig({
  DATABASE_PATH: engineInMemory ? ":memory:" : join(dir, "engine.db"),
  LOG_LEVEL: "silent",
  TZ: "Asia/Ho_Chi_Minh",
  DEFAULT_LOCALE: "vi",
});
const app = createApp(config, createLogger("silent"));
// The peer's own file, opened with the same pragmas (WAL, synchronous=NORMAL); no engine schema in it.
const peerDb = openDatabase(join(dir, "peer.db"), { migrate: false });
const memoPeerI18n = process.env.BENCH_PEER_MEMO_I18N === "1";
const peerDeps = {
  db: peerDb,
  t: memoPeerI18n ? memoizedTranslator(app.translator) : app.translator,
  rules: app.store.routingRules(),
};

const engineTimes: EngineBotTimes = { updates: 0, handleMs: 0, sendMs: 0 };
const engineBot = createEngineBot(app.router, app.store, engineTimes);
const peerBot = createPeerBot(peerDeps, "report");
// The Zalo path gets its own database, as the peer does: sharing the engine's file would grow it twice as fast
// and charge the Telegram rounds with the Zalo rounds' checkpoints.
const zaloApp = createApp(
  parseConfig({
    DATABASE_PATH: join(dir, "zalo.db"),
    LOG_LEVEL: "silent",
    TZ: "Asia/Ho_Chi_Minh",
    DEFAULT_LOCALE: "vi",
  }),
  createLogger("silent"),
);
const zaloBot = createZaloBenchBot({
  router: zaloApp.router,
  store: zaloApp.store,
  translator: zaloApp.translator,
  defaultLocale: config.defaultLocale,
});
const flow10 = textFlow(10);
const flow30 = textFlow(30);
const engine10 = createEngineBot(
  createGrowthEngine(app.store, app.translator, config.timeZone, flow10),
  app.store,
);
const engine30 = createEngineBot(
  createGrowthEngine(app.store, app.translator, config.timeZone, flow30),
  app.store,
);
const peer10 = createPeerBot(peerDeps, 10);
const peer30 = createPeerBot(peerDeps, 30);
const script10 = textScript(10);
const script30 = textScript(30);

console.log(
  `incident-bot bench — node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, databases in ${dir} (on disk, WAL)`,
);
console.log(
  `full report: ${REPORT_SCRIPT.length} updates per chat (/start + ${REPORT_SCRIPT.length - 1} typed answers), ` +
    `${CHATS} chats round-robin, ${ROUNDS} measured rounds per side, alternating engine/peer` +
    (memoPeerI18n ? " [diagnostic: peer translations memoized]" : "") +
    (engineInMemory ? " [diagnostic: the engine's database in memory, not durable; not a result]" : ""),
);
const machine = probeMachine(dir);
console.log(
  `machine: a 4 KB pwrite costs ${fmt(machine.pwrite4kUs, 2)} µs and an fstat ${fmt(machine.fstatUs, 2)} µs ` +
    "from Node (the engine's commit makes about twenty such calls per update: locks and WAL frames)",
);

/** One full report on each side, checked: a ticket per chat and no refused answer, or the figures are void. */
async function checkFlows(): Promise<void> {
  const before = sentMessages();
  const refusedBefore = apiCalls.get("refused") ?? 0;
  await drive(engineBot, REPORT_SCRIPT, 1);
  const engineSent = sentMessages() - before;
  await drive(peerBot, REPORT_SCRIPT, 1);
  const peerSent = sentMessages() - before - engineSent;
  const tickets = (app.db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
  const reports = (peerDb.prepare("SELECT count(*) AS n FROM reports").get() as { n: number }).n;
  console.log(
    `check: engine sent ${engineSent} messages and filed ${tickets} ticket(s); ` +
      `peer sent ${peerSent} messages and filed ${reports} report(s)`,
  );
  // The same answers must have been stored on both sides (the engine adds files/reportedAt, the peer severity).
  const engineAnswers = JSON.parse(
    (app.db.prepare("SELECT answers FROM incidents").get() as { answers: string }).answers,
  ) as Record<string, unknown>;
  const peerAnswers = JSON.parse(
    (peerDb.prepare("SELECT data FROM reports").get() as { data: string }).data,
  ) as Record<string, unknown>;
  const differing = Object.keys({ ...engineAnswers, ...peerAnswers })
    .filter((k) => !["files", "reportedAt", "severity"].includes(k))
    .filter((k) => JSON.stringify(engineAnswers[k]) !== JSON.stringify(peerAnswers[k]));
  console.log(`check: stored answers differ on ${differing.length ? differing.join(", ") : "no field"}`);
  if (
    tickets !== 1 ||
    reports !== 1 ||
    differing.length > 0 ||
    (apiCalls.get("refused") ?? 0) !== refusedBefore
  ) {
    throw new Error("the scripted report did not complete identically on both sides; figures would be void");
  }
}

/**
 * What the fake costs per sendMessage through grammY's client and the fake fetch, the way both the engine's
 * replies and the peer's (from inside its conversations) go: the same for both sides, printed for the reader.
 */
async function fakeOverhead(): Promise<number> {
  const { Api } = await import("grammy");
  const api = new Api(BOT_TOKEN, { fetch: fakeFetch });
  const text = "x".repeat(600);
  for (let i = 0; i < 500; i++) await api.sendMessage(1, text, { parse_mode: "HTML" });
  const t0 = performance.now();
  for (let i = 0; i < 5000; i++) await api.sendMessage(1, text, { parse_mode: "HTML" });
  return ((performance.now() - t0) / 5000) * 1000;
}

// ── run ─────────────────────────────────────────────────────────────────────────────────────────────────

const began = performance.now();
await checkFlows();

console.log(`warm-up: ${WARMUP_CHATS} chats per variant, not measured`);
await drive(engineBot, REPORT_SCRIPT, WARMUP_CHATS);
await drive(peerBot, REPORT_SCRIPT, WARMUP_CHATS);
await driveZalo(zaloBot, REPORT_SCRIPT, WARMUP_CHATS);
await drive(engine10, script10, WARMUP_CHATS);
await drive(engine30, script30, WARMUP_CHATS);
await drive(peer10, script10, WARMUP_CHATS);
await drive(peer30, script30, WARMUP_CHATS);

console.log("full report flow (per update, through bot.handleUpdate):");
const engineRuns: Sample[] = [];
const peerRuns: Sample[] = [];
const zaloRuns: Sample[] = [];
const sent = { engine: 0, peer: 0 };
for (let r = 0; r < ROUNDS; r++) {
  if (r === 0) Object.assign(engineTimes, { updates: 0, handleMs: 0, sendMs: 0 });
  let before = sentMessages();
  engineRuns.push(await drive(engineBot, REPORT_SCRIPT, CHATS));
  sent.engine += sentMessages() - before;
  line(`engine round ${r + 1}`, engineRuns.at(-1) as Sample);
  before = sentMessages();
  peerRuns.push(await drive(peerBot, REPORT_SCRIPT, CHATS));
  sent.peer += sentMessages() - before;
  line(`@grammyjs/conversations round ${r + 1}`, peerRuns.at(-1) as Sample);
  // The same report through the Zalo channel's path (client, normalize, render), same engine, same database.
  zaloRuns.push(await driveZalo(zaloBot, REPORT_SCRIPT, CHATS));
  line(`engine via Zalo round ${r + 1}`, zaloRuns.at(-1) as Sample);
}
const engineMain = line("ENGINE (all rounds)", merge(engineRuns));
const peerMain = line("@grammyjs/conversations (all rounds)", merge(peerRuns));
const zaloMain = line("ENGINE VIA ZALO (all rounds)", merge(zaloRuns));
console.log(
  `  Zalo path: ${zaloCalls.sendMessage} sendMessage calls, ${zaloCalls.refused} refused; ` +
    `per-update cost vs the Telegram path ×${fmt(zaloMain.mean / engineMain.mean)}`,
);
const engineUpdates = merge(engineRuns).updates;
console.log(
  `  messages sent per update: engine ${fmt(sent.engine / engineUpdates)}, ` +
    `peer ${fmt(sent.peer / merge(peerRuns).updates)}`,
);

console.log(
  `  engine update, mean split: router and engine ${fmt(engineTimes.handleMs / engineTimes.updates, 3)} ms, ` +
    `send outbox + markSent ${fmt(engineTimes.sendMs / engineTimes.updates, 3)} ms, grammY and the rest ` +
    `${fmt(engineMain.mean - (engineTimes.handleMs + engineTimes.sendMs) / engineTimes.updates, 3)} ms`,
);

if (!memoPeerI18n) {
  console.log(
    "  note: on each update the peer re-runs its conversation and re-renders every prompt already sent; " +
      "BENCH_PEER_MEMO_I18N=1 memoizes its translations to show that share",
  );
}

console.log(
  "conversation length (mean per-update time, 10 vs 30 free-text questions; engine side = Engine.handle " +
    "with an n-question flow registered as its report flow):",
);
// Short rounds in alternating order (e10 e30 p10 p30, then reversed), so drift in the machine's load
// (other processes share these 2 cores) falls on both lengths alike.
const growth = { e10: [] as Sample[], e30: [] as Sample[], p10: [] as Sample[], p30: [] as Sample[] };
const growthRuns: Array<[Sample[], Handler, string[]]> = [
  [growth.e10, engine10, script10],
  [growth.e30, engine30, script30],
  [growth.p10, peer10, script10],
  [growth.p30, peer30, script30],
];
for (let r = 0; r < GROWTH_ROUNDS; r++) {
  const order = r % 2 === 0 ? growthRuns : [...growthRuns].reverse();
  for (const [samples, bot, script] of order) samples.push(await drive(bot, script, GROWTH_CHATS));
}
const e10 = line("engine, 10 questions", merge(growth.e10));
const e30 = line("engine, 30 questions", merge(growth.e30));
const p10 = line("conversations, 10 questions", merge(growth.p10));
const p30 = line("conversations, 30 questions", merge(growth.p30));
const engineGrowth = e30.mean / e10.mean;
const peerGrowth = p30.mean / p10.mean;
console.log(
  `  cost growth 30 vs 10: engine ×${fmt(engineGrowth)}, @grammyjs/conversations ×${fmt(peerGrowth)}`,
);

const overheadUs = await fakeOverhead();
console.log(
  `fake API per sendMessage: ${fmt(overheadUs, 1)} µs through grammY's client and the fake fetch (engine and ` +
    "peer alike; no socket)",
);

// Sanity: every measured chat finished on both sides, nothing left pending for Telegram (the last sent marks
// are written first: they otherwise wait for the next transaction, which would be the next update).
app.store.flushSentMarks();
const engineLeft = (
  app.db.prepare("SELECT count(*) AS n FROM conversations WHERE channel = 'telegram'").get() as { n: number }
).n;
const pending = (
  app.db
    .prepare("SELECT count(*) AS n FROM outbox WHERE channel = 'telegram' AND status = 'pending'")
    .get() as {
    n: number;
  }
).n;
const peerLeft = (peerDb.prepare("SELECT count(*) AS n FROM conversation_state").get() as { n: number }).n;
const tickets = (app.db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
const reports = (peerDb.prepare("SELECT count(*) AS n FROM reports").get() as { n: number }).n;
console.log(
  `state after the run: engine ${tickets} tickets, ${engineLeft} open conversations, ${pending} unsent messages; ` +
    `peer ${reports} reports, ${peerLeft} open conversations; refused answers ${apiCalls.get("refused") ?? 0}`,
);
console.log(
  `total bench time ${fmt((performance.now() - began) / 1000, 1)} s, load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

await app.close();
await zaloApp.close();
peerDb.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    engine_updates_per_s: Math.round(engineMain.perSecond),
    peer_updates_per_s: Math.round(peerMain.perSecond),
    ratio_vs_peer: round(engineMain.perSecond / peerMain.perSecond, 2),
    engine_p99_ms: round(engineMain.p99, 3),
    zalo_updates_per_s: Math.round(zaloMain.perSecond),
    zalo_vs_telegram_cost: round(zaloMain.mean / engineMain.mean, 2),
    engine_cost_growth_30_vs_10: round(engineGrowth, 2),
    peer_cost_growth_30_vs_10: round(peerGrowth, 2),
    machine_pwrite_4k_us: round(machine.pwrite4kUs, 2),
    ...(engineInMemory ? { diagnostic: "engine database in memory" } : {}),
  }),
);

await runDeliveryBench();
await runStormBench();
runExtractBench();
