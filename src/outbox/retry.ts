/**
 * The one retry policy of every sender (Telegram, Zalo, e-mail): how many attempts, how long to wait between
 * them, and when a message is given up on (dead-lettered). Senders only say what a failure means.
 */

/** What a failed send means for the message, as the channel's sender classifies its error. */
export type SendFailure =
  /** No retry can change it (a bad request, a blocked bot, a mailbox that does not exist). */
  | { kind: "permanent" }
  /** The service asked us to wait this long (Telegram's 429 retry_after). */
  | { kind: "retryAfter"; ms: number }
  /** Network, server or timeout: worth another attempt after a backoff. */
  | { kind: "transient" }
  /** Never sent (stopped while waiting for a rate-limit window): no attempt spent, the row stays as it is. */
  | { kind: "notSent" };

export interface RetryPolicy {
  /** Attempts before a message is dead-lettered. */
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with jitter. */
  baseDelayMs: number;
}

/** What becomes of the row after a failed attempt. */
export type Verdict = { kind: "dead" } | { kind: "retry"; delayMs: number } | { kind: "keep" };

/**
 * Decides the fate of a row that failed after `attemptsBefore` earlier attempts: dead at a permanent failure or
 * the last attempt, else a retry after the wait the service asked for, or an exponential backoff with jitter
 * (half to one and a half times the doubled delay), so that many rows failing together do not retry together.
 */
export function verdict(
  policy: RetryPolicy,
  attemptsBefore: number,
  failure: SendFailure,
  random: () => number = Math.random,
): Verdict {
  if (failure.kind === "notSent") return { kind: "keep" };
  const attempts = attemptsBefore + 1;
  if (failure.kind === "permanent" || attempts >= policy.maxAttempts) return { kind: "dead" };
  if (failure.kind === "retryAfter") return { kind: "retry", delayMs: failure.ms };
  const backoff = policy.baseDelayMs * 2 ** (attempts - 1);
  return { kind: "retry", delayMs: backoff / 2 + random() * backoff };
}
