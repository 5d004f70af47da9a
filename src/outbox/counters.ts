/**
 * What the lanes count for monitoring, by channel only (never a chat id or message text: those identify people).
 * The outbox depends on this shape, not on a metrics library; the app passes its per-app registry's counters.
 */
export interface DeliveryCounters {
  /** A message was delivered. */
  sent(channel: string): void;
  /** The service asked us to wait (Telegram's 429 with retry_after). */
  rateLimited(channel: string): void;
  /** A message was given up on. */
  deadLettered(channel: string): void;
}
