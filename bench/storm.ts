/**
 * Storm benchmark: 500 reports for one province within 10 minutes of Telegram time, all routed to one duty
 * group, through the real duty desk (storm mode), dispatcher, outbox lane, TelegramSender, RateLimiter and grammY
 * client to the fake Bot API enforcing Telegram's limits (20 messages a minute per group, edits included). A
 * program, not a test: run alone with `npx tsx bench/storm.ts`, or as part of `npm run bench`. Prints readable
 * lines, then one JSON line.
 *
 * Time scale: sped up by BENCH_STORM_SCALE (default 15) in the fake, the limiter and the desk's clock alike, so
 * the ten minutes take 40 s. Delays are reported in Telegram seconds. A ticket is visible once its id shows in
 * the group, in its own post or in a digest (the group is looked at every 5 ms of real time: 75 ms of Telegram
 * time at the default scale, the resolution of the figures).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startStormRig, untilSim } from "../test/support/storm-rig.ts";

export interface StormBenchResult {
  storm_reports: number;
  storm_max_delay_s: number;
  storm_lost: number;
  storm_fraction_429: number;
}

const REPORTS = 500;
const SPAN_MS = 10 * 60_000;

/** A reproducible generator, so every run files the same wave. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Severity mix of a wave: a few Nghiêm trọng, more Cao, most Trung bình and Thấp. */
function severity(x: number): 1 | 2 | 3 | 4 {
  return x < 0.05 ? 4 : x < 0.25 ? 3 : x < 0.65 ? 2 : 1;
}

export async function runStormBench(
  scale = Number(process.env.BENCH_STORM_SCALE ?? 15),
  // BENCH_STORM_BASELINE=1: storm mode off (one post per ticket, as before it), for comparison; ~2 min longer.
  baseline = process.env.BENCH_STORM_BASELINE === "1",
): Promise<StormBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "incident-storm-bench-"));
  const rig = await startStormRig({
    scale,
    databasePath: join(dir, "storm.db"),
    ...(baseline ? { chatLimits: () => undefined } : {}),
  });
  try {
    const random = mulberry32(2026);
    // Arrival times: uniform over the ten minutes, sorted (a wave, not a metronome: bursts and lulls).
    const start = rig.simMs();
    const times = Array.from({ length: REPORTS }, () => start + random() * SPAN_MS).sort((a, b) => a - b);
    console.log(
      `storm: ${REPORTS} reports for one province within ${SPAN_MS / 60_000} min of Telegram time, one duty group, ` +
        `fake Bot API enforcing 30/s overall, 1/s per chat, 20/min per group (edits included); sped up ×${scale}${baseline ? "; BASELINE: storm mode off" : ""}`,
    );
    for (const at of times) {
      await untilSim(rig, at, scale);
      const domain = `cong${Math.floor(random() * 120)}.binhphuoc.gov.vn`;
      rig.submit({ severity: severity(random()), answers: { domains: [domain] } });
    }
    await rig.drain(baseline ? 600_000 : 120_000);
    const delays = [...rig.delays().values()];
    const seen = delays.filter((d): d is number => d !== undefined);
    const lost = delays.length - seen.length;
    const sorted = [...seen].sort((a, b) => a - b);
    const max = sorted.at(-1) ?? Number.NaN;
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const stats = rig.fake.stats;
    const tooMany = stats.limit429 + stats.injected["429"];
    const calls = stats.calls;
    const digests = rig.db.prepare("SELECT count(*) AS n FROM duty_digests").get() as { n: number };
    const posts = rig.db.prepare("SELECT count(*) AS n FROM duty_posts").get() as { n: number };
    console.log(
      `  ${seen.length} of ${REPORTS} visible: ${posts.n} in posts of their own, the rest in ${digests.n} digests; ` +
        `delay median ${median.toFixed(1)} s, max ${max.toFixed(1)} s (Telegram time)`,
    );
    console.log(
      `  sendMessage ${calls.sendMessage ?? 0}, editMessageText ${calls.editMessageText ?? 0}, ` +
        `429 answers ${tooMany} of ${stats.sendCalls} send calls`,
    );
    const result: StormBenchResult = {
      storm_reports: REPORTS,
      storm_max_delay_s: Number(max.toFixed(1)),
      storm_lost: lost,
      storm_fraction_429: Number((tooMany / Math.max(1, stats.sendCalls)).toFixed(4)),
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runStormBench();
}
