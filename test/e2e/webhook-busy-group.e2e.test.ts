import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import { SECRET, type Stack, startStack, waitFor } from "./telegram-harness.ts";

const ADMIN = 8101;
const GROUP = -1008100;

describe("webhook answers do not wait for sends (issue 11, item 8)", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it("a group waiting for its per-minute window does not delay the webhook's answer", async () => {
    // Telegram's real timing, with a group allowed one message a minute: its second message waits a minute.
    const current = await startStack(
      "grammy",
      "webhook",
      { ADMIN_TELEGRAM_IDS: String(ADMIN) },
      { limiter: new RateLimiter({ limits: { groupPerMinute: 1 } }) },
    );
    stack = current;
    let updateId = 1;
    const inGroup = (text: string) =>
      fetch(`http://127.0.0.1:${current.httpPort}/telegram/hook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify({
          update_id: updateId++,
          message: {
            message_id: updateId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: GROUP, type: "supergroup", title: "Tổ trực" },
            from: { id: ADMIN, is_bot: false, first_name: "Trực", language_code: "vi" },
            text,
            entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 0 }],
          },
        }),
        // Telegram gives up on a slow answer and delivers the update again; far less than a minute here.
        signal: AbortSignal.timeout(5000),
      });
    expect((await inGroup("/bind vncert")).status).toBe(200);
    await waitFor(() => current.messages(GROUP).length === 1, "the bind confirmation (the group's one send)");

    const before = current.processed();
    const started = Date.now();
    const response = await inGroup("/tickets");
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    // Committed before the answer; its reply waits in the outbox for the group's next window.
    expect(current.processed()).toBe(before + 1);
    expect(current.app.store.pendingForChat("telegram", String(GROUP))).toHaveLength(1);
    expect(current.messages(GROUP)).toHaveLength(1);
  });
});
