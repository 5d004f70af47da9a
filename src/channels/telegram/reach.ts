import type { Logger } from "../../app.ts";
import { errorText } from "../../redact.ts";

/** What an operator checks first when the Bot API cannot be reached at start. */
export const UNREACHABLE_HINT =
  "check TELEGRAM_API_ROOT, the network or proxy between this host and it, and TELEGRAM_BOT_TOKEN";

export interface ReachOptions {
  /** First wait after a failure; doubled after each failure up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Calls the Bot API's first request (getMe) until it answers. Telegram being down or a proxy not yet up must
 * not kill the process (systemd would restart it in a tight loop), but each failure is logged, redacted,
 * with the wait before the next attempt and what to check, so a silent hang is never the only symptom.
 */
export async function untilReachable<T>(
  call: () => Promise<T>,
  logger: Logger,
  options: ReachOptions = {},
): Promise<T> {
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let delayMs = options.initialDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      logger.warn(
        { attempt, retryInMs: delayMs, err: errorText(error), hint: UNREACHABLE_HINT },
        "Telegram Bot API unreachable at start (getMe failed); retrying",
      );
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}
