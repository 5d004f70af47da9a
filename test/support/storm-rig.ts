/**
 * A wave of reports into one duty group, for the storm end-to-end test and the storm benchmark (so: no
 * test-framework imports here). The real duty desk fans tickets out (storm mode included) through the real
 * dispatcher, outbox lane, TelegramSender, RateLimiter and grammY client to the fake Bot API enforcing
 * Telegram's limits (429 when one is exceeded), from a real SQLite outbox.
 *
 * Time scale: the fake's and the limiter's limits are sped up by `scale`, and the desk and the lane read a clock
 * that runs `scale` times faster than real time (their "last minute" is Telegram's minute), so a wave of ten
 * minutes takes 600 / scale seconds. Reports are stored as a submission stores them (incident row, timeline,
 * one routed row per destination, in one transaction), without walking the questionnaire: the subject here is
 * what the duty chat sees, not the conversation.
 */
import { performance } from "node:perf_hooks";
import { Bot } from "grammy";
import { createLogger } from "../../src/app.ts";
import { grammyPort } from "../../src/channels/telegram/grammy.ts";
import { TelegramSender } from "../../src/channels/telegram/sender.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { INCIDENT_TYPES } from "../../src/domain/incident-types.ts";
import { formatTicketId } from "../../src/domain/tickets.ts";
import { DutyDesk } from "../../src/duty/desk.ts";
import type { ChatLimitsOf } from "../../src/duty/storm.ts";
import { createTranslator } from "../../src/i18n.ts";
import { DUTY_CHANNEL, type RoutedTicket } from "../../src/messages.ts";
import { Dispatcher } from "../../src/outbox/dispatch.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { FakeBotApi } from "./fake-bot-api.ts";

export const STORM_GROUP = "-1001234567890";
const TICKET_ID = /SC-\d{4}-\d{6}/g;

export interface StormReport {
  severity: 1 | 2 | 3 | 4;
  type?: string;
  organisation?: string;
  answers?: Record<string, unknown>;
}

export interface StormRigOptions {
  scale: number;
  /** A file on disk, or ":memory:". */
  databasePath: string;
  chatLimits?: ChatLimitsOf;
  /** Real milliseconds between looks at what the group shows. */
  watchEveryMs?: number;
}

export type StormRig = Awaited<ReturnType<typeof startStormRig>>;

/** Starts the fake, the desk, the dispatcher and a watcher of the duty group; binds the group to `provincial`. */
export async function startStormRig(o: StormRigOptions) {
  const scale = o.scale;
  const db = openDatabase(o.databasePath);
  const store = new Store(db);
  const fake = await FakeBotApi.start({ timeScale: scale });
  const logger = createLogger("silent");
  const p0 = performance.now();
  const t0 = Date.parse("2026-11-21T02:00:00Z");
  /** Telegram time, in ms since the epoch. */
  const simMs = () => t0 + (performance.now() - p0) * scale;
  const clock = () => new Date(simMs());
  const desk = new DutyDesk({
    store,
    translator: createTranslator("vi"),
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    detail: "full",
    configAdmins: { telegram: ["9000"] },
    ackDeadlines: { 4: { minutes: 15 }, 3: { minutes: 60 }, 2: { minutes: 240 }, 1: { workingDays: 1 } },
    ...(o.chatLimits ? { chatLimits: o.chatLimits } : {}),
  });
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  const lane = new TelegramSender(store, grammyPort(bot.api), logger, {
    limiter: new RateLimiter({ timeScale: scale }),
    clock,
    baseDelayMs: 200 / scale,
  });
  const dispatcher = new Dispatcher({
    logger,
    fanOut: (now, channels) => desk.fanOut(now, channels),
    clock,
    fanOutIntervalMs: Math.max(5, 1000 / scale),
  });
  dispatcher.register(lane);
  store.bindChat("provincial", "telegram", STORM_GROUP, "telegram:9000", clock().toISOString());
  await dispatcher.start();

  const submittedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const severities = new Map<string, number>();
  const pending: Promise<void>[] = [];
  let n = 0;
  const look = () => {
    const now = simMs();
    for (const m of fake.visible(STORM_GROUP)) {
      for (const id of m.text?.match(TICKET_ID) ?? []) if (!seenAt.has(id)) seenAt.set(id, now);
    }
  };
  const watcher = setInterval(look, o.watchEveryMs ?? 5);

  /** Stores one report as a submission does and offers it to the duty chats at once (as the router does). */
  function submit(report: StormReport): string {
    const at = clock().toISOString();
    const ticketId = storeReport(store, ++n, report, at);
    submittedAt.set(ticketId, Date.parse(at));
    severities.set(ticketId, report.severity);
    const offered = dispatcher.fanOut().catch(() => undefined);
    pending.push(offered);
    return ticketId;
  }

  /** Whether everything queued is out: no message waiting, no routed ticket waiting, every digest rendered. */
  function settled(): boolean {
    store.flushSentMarks();
    const waiting = db
      .prepare(
        "SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND channel IN ('telegram', 'duty')",
      )
      .get() as { n: number };
    return waiting.n === 0 && store.digests.unrendered().length === 0;
  }

  /** Waits (real ms at most) until everything is out and the group shows it. */
  async function drain(timeoutMs: number): Promise<void> {
    await Promise.allSettled(pending);
    const began = performance.now();
    while (performance.now() - began < timeoutMs) {
      look();
      if (settled() && [...submittedAt.keys()].every((id) => seenAt.has(id))) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    look();
  }

  /** Per ticket: Telegram seconds from submission to first visible in the group (undefined: never seen). */
  function delays(): Map<string, number | undefined> {
    const out = new Map<string, number | undefined>();
    for (const [id, at] of submittedAt) {
      const seen = seenAt.get(id);
      out.set(id, seen === undefined ? undefined : Math.max(0, seen - at) / 1000);
    }
    return out;
  }

  async function close(): Promise<void> {
    clearInterval(watcher);
    dispatcher.stop();
    await dispatcher.drain();
    db.close();
    await fake.close();
  }

  return { store, db, fake, desk, dispatcher, clock, simMs, submit, drain, delays, severities, close };
}

/** Sleeps until Telegram time `simMs` on the rig's clock. */
export async function untilSim(rig: StormRig, simMs: number, scale: number): Promise<void> {
  const wait = (simMs - rig.simMs()) / scale;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/**
 * Stores report number `n` as a submission does (incident row, timeline entry, a routed row for the provincial
 * unit, in one transaction); returns its ticket id.
 */
export function storeReport(store: Store, n: number, report: StormReport, at: string): string {
  const ticketId = formatTicketId(2026, n);
  const contactVersion = store.contact("provincial")?.version ?? 0;
  const routed: RoutedTicket = {
    kind: "ticket_routed",
    ticketId,
    contactId: "provincial",
    contactVersion,
    kinds: ["notify"],
    rules: ["R1"],
  };
  store.transaction(() => {
    const { row } = store.insertIncident({
      ticketId,
      submissionKey: `storm-${ticketId}`,
      channel: "telegram",
      chatId: String(700_000 + n),
      reporterUserId: String(700_000 + n),
      reporterLocale: "vi",
      incidentType: report.type ?? INCIDENT_TYPES[n % INCIDENT_TYPES.length] ?? "other",
      severity: report.severity,
      severityReasons: [],
      serious: report.severity >= 3,
      answers: {
        reporter: { organisation: report.organisation ?? `Sở ${n % 17} tỉnh Bình Phước` },
        description: "Phát hiện truy cập bất thường vào cổng thông tin.",
        ...report.answers,
      },
      routing: {
        destinations: [{ contactId: "provincial", contactVersion, kinds: ["notify"], rules: ["R1"] }],
        advice: [],
        firedRules: ["R1"],
      },
      status: "new",
      detectedAt: at,
      createdAt: at,
    });
    store.addTimeline(row.id, at, `telegram:${row.reporterUserId}`, "submitted", {});
    store.enqueue(`ticket:${ticketId}:provincial`, DUTY_CHANNEL, "provincial", routed, at);
  });
  return ticketId;
}
