import { renderTop, top } from "./stack.ts";
import type { Turn } from "./turn.ts";

export const DRAFT_REMINDER = "draft_reminder";
export const DRAFT_EXPIRY = "draft_expiry";

/** A draft timer fired: the reporter is reminded, or the stale draft is dropped. */
export function timer(turn: Turn, job: string): void {
  turn.timerFired = job;
  const active = top(turn);
  if (!active) return;
  if (job === DRAFT_REMINDER) {
    turn.say("flow:reminder", { hours: Math.round(turn.options.drafts.expiryMs / 3_600_000) });
    renderTop(turn);
    return;
  }
  if (job === DRAFT_EXPIRY) {
    turn.stack = [];
    turn.say("flow:final.expired");
  }
}

/**
 * While a report is on the stack, its reminder (or, once reminded, its expiry) is due one period after the
 * last update; with no report left, the timer goes.
 */
export function armDraftTimers(turn: Turn): void {
  const { channel, chatId, userId } = turn.event;
  const draftKey = `draft:${channel}:${chatId}`;
  if (turn.stack.some((e) => e.flow === "report")) {
    const payload = { channel, chatId, userId };
    const { reminderMs, expiryMs } = turn.options.drafts;
    const [kind, dueMs] =
      turn.timerFired === DRAFT_REMINDER ? [DRAFT_EXPIRY, expiryMs] : [DRAFT_REMINDER, reminderMs];
    const due = Date.parse(turn.at) + dueMs;
    const current = turn.store.jobState(draftKey);
    // Moving a reminder by under 1% of its period (at most a minute) changes nothing a user notices.
    const close =
      current?.status === "pending" &&
      current.kind === kind &&
      Math.abs(Date.parse(current.dueAt) - due) < Math.min(60_000, dueMs / 100);
    if (!close) turn.store.scheduleJob(draftKey, kind, new Date(due).toISOString(), payload, turn.at);
  } else {
    turn.store.cancelJob(draftKey);
  }
}
