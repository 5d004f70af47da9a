import { createLogger, registerJobs } from "../../src/app.ts";
import { DUTY_JOB_KINDS } from "../../src/duty/desk.ts";
import type { InboundPayload } from "../../src/inbound/event.ts";
import { InboundRouter } from "../../src/inbound/route.ts";
import { Scheduler } from "../../src/outbox/scheduler.ts";
import { withAlertPeriods } from "../../src/roster/periods.ts";
import { StoredDeadlineSettings } from "../../src/settings/deadline-settings.ts";
import { createHarness } from "../engine/harness.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { ACK_DEADLINES, dutyRig } from "../support/duty-rig.ts";

export { ADMIN } from "../support/duty-rig.ts";
export const PAGE_TIMEOUT_MS = 5 * 60_000;

/**
 * A duty desk and router on a fresh database with a hand-driven clock: the scheduler fires jobs only when the
 * test moves the clock and asks it to (paging time is the scheduler's, never a timer's).
 */
export function rosterSetup(start = new Date("2026-11-21T03:00:00Z")) {
  const h = createHarness({ now: start });
  let pages = 0;
  // As createApp builds it: the stored deadline settings, seeded once, read through the alert periods.
  const stored = new StoredDeadlineSettings(h.store, {
    ackDeadlines: ACK_DEADLINES,
    pageTimeoutMs: PAGE_TIMEOUT_MS,
  });
  h.store.transaction(() => stored.seed(start.toISOString()));
  const rig = dutyRig({
    harness: h,
    desk: {
      settings: withAlertPeriods(h.store, stored),
      onPage: () => {
        pages++;
      },
    },
  });
  const { desk } = rig;
  const router = new InboundRouter(h.engine, desk);
  let clock = start;
  const scheduler = registerJobs(
    new Scheduler({ store: h.store, logger: createLogger("silent"), clock: () => clock }),
    h.engine,
    undefined,
    undefined,
  );
  for (const kind of DUTY_JOB_KINDS) scheduler.on(kind, (job, now) => desk.fireJob(job, now));
  let seq = 0;
  /** Moves the clock to `ms` after the start, runs what fell due and fans routed tickets out. */
  const at = (ms: number) => {
    clock = new Date(start.getTime() + ms);
    const fired = scheduler.runDue();
    desk.fanOut(clock, ["telegram", "zalo"]);
    return fired;
  };
  /** Something a person sends, through the router as a channel adapter would hand it over. */
  const inbound = (
    who: {
      channel?: string;
      userId: string;
      chatId?: string;
      chatType?: "private" | "group";
      replyTo?: string;
    },
    payload: InboundPayload,
  ) =>
    router.handle({
      channel: who.channel ?? "telegram",
      chatId: who.chatId ?? who.userId,
      chatType: who.chatType ?? "private",
      userId: who.userId,
      userName: `Cán bộ ${who.userId}`,
      dedupeKey: `r${++seq}`,
      at: clock,
      ...(who.replyTo ? { replyTo: who.replyTo } : {}),
      payload,
    });
  const messagesTo = (channel: string, chatId: string) => rig.messagesTo(chatId, channel);
  /** The channel gave the latest message queued to a chat this message id (as the sender records it). */
  const lastSentAs = (channel: string, chatId: string, messageId: number) => {
    const row = h.store.db
      .prepare("SELECT id FROM outbox WHERE channel = ? AND chat_id = ? ORDER BY id DESC LIMIT 1")
      .get(channel, chatId) as { id: number };
    h.store.markSent(row.id, clock.toISOString(), { messageIds: [messageId] });
  };
  const fileReport = () => rig.fileReport(REPORT_WALK);
  const timeline = (ticketId: string) =>
    h.store
      .timeline(h.store.incidentByTicket(ticketId)?.id ?? 0)
      .map((e) => ({ action: e.action, ...e.details }));
  return {
    h,
    desk,
    router,
    scheduler,
    at,
    inbound,
    messagesTo,
    lastSentAs,
    fileReport,
    timeline,
    pages: () => pages,
  };
}
