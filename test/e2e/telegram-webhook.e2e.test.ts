import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { find, parseExposition } from "../support/prometheus-text.ts";
import { REPORT_BY_BUTTONS, SECRET, type Stack, startStack, waitFor } from "./telegram-harness.ts";

/** Posts updates to the bot's webhook as Telegram does; the bot's answers go to the emulator. */
class WebhookUser {
  private updateId = 1;
  private messageId = 1;
  readonly from;

  constructor(
    private readonly stack: Stack,
    readonly id: number,
  ) {
    this.from = { id, is_bot: false, first_name: "Lan", language_code: "vi" };
  }

  /**
   * Posts an update; once answered (the update is committed, sends come after), waits until this chat's
   * messages are out, as a person would wait to read the answer.
   */
  async post(update: object, secret: string | null = SECRET): Promise<Response> {
    const response = await this.send(update, secret);
    if (response.status === 200) {
      await waitFor(
        () => this.stack.app.store.pendingForChat("telegram", String(this.id)).length === 0,
        `the answers to chat ${this.id}`,
      );
    }
    return response;
  }

  private send(update: object, secret: string | null): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.stack.httpPort}/telegram/hook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
      },
      body: JSON.stringify({ update_id: this.id * 1000 + this.updateId++, ...update }),
    });
  }

  private message(fields: object) {
    return {
      message: {
        message_id: this.messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: this.id, type: "private", first_name: "Lan" },
        from: this.from,
        ...fields,
      },
    };
  }

  async say(text: string): Promise<void> {
    const response = await this.post(this.message({ text }));
    expect(response.status).toBe(200);
  }

  async command(text: string): Promise<void> {
    const length = text.split(" ")[0]?.length ?? text.length;
    const response = await this.post(
      this.message({ text, entities: [{ type: "bot_command", offset: 0, length }] }),
    );
    expect(response.status).toBe(200);
  }

  async sendPhoto(caption?: string): Promise<void> {
    const photo = [
      {
        file_id: "AgACAgUAAxk-photo",
        file_unique_id: "AQADphoto",
        width: 1280,
        height: 720,
        file_size: 81234,
      },
    ];
    const response = await this.post(this.message({ photo, ...(caption ? { caption } : {}) }));
    expect(response.status).toBe(200);
  }

  async press(value: string): Promise<void> {
    const found = [...this.stack.messages(this.id)]
      .reverse()
      .flatMap((m) => (m.message.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ({ m, b })))
      .find(({ b }) => b.callback_data?.endsWith(`|${value}`));
    if (!found?.b.callback_data) throw new Error(`no button "${value}" on screen`);
    const response = await this.post({
      callback_query: {
        id: `cb${this.updateId}`,
        from: this.from,
        chat_instance: "ci",
        data: found.b.callback_data,
        message: {
          message_id: found.m.messageId,
          date: 0,
          chat: { id: this.id, type: "private", first_name: "Lan" },
        },
      },
    });
    expect(response.status).toBe(200);
  }
}

describe("Telegram end to end, grammY, webhook", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("grammy", "webhook");
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("refuses updates without the right secret token (401) and applies nothing", async () => {
    const user = new WebhookUser(stack, 7001);
    const before = stack.processed();
    for (const secret of [null, "wrong-secret-value-123", `${SECRET}x`, ""]) {
      const response = await user.post(
        {
          message: {
            message_id: 1,
            date: 0,
            chat: { id: 7001, type: "private" },
            from: user.from,
            text: "/start",
          },
        },
        secret,
      );
      expect(response.status, String(secret)).toBe(401);
    }
    expect(stack.processed()).toBe(before);
    expect(stack.messages(7001)).toEqual([]);
  });

  it("reports health on /healthz", async () => {
    const response = await fetch(`http://127.0.0.1:${stack.httpPort}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("files a complete report with an attached screenshot; a redelivered update is applied once", async () => {
    const user = new WebhookUser(stack, 7002);
    await user.command("/start report");
    await user.sendPhoto("Cổng thông tin tỉnh");
    const conversation = stack.app.store.conversation("telegram", "7002");
    const snapshot = conversation?.stack[0]?.snapshot as
      | { context: { files: object[]; answers: object } }
      | undefined;
    const context = snapshot?.context;
    expect(context?.files).toEqual([
      {
        fileId: "AgACAgUAAxk-photo",
        uniqueId: "AQADphoto",
        size: 81234,
        mimeType: "image/jpeg",
        kind: "photo",
        // The photo's own message, so that it can be copied to duty chats as evidence.
        messageRef: expect.any(String),
      },
    ]);
    // The caption counted as the answer to the question on screen (the affected system).
    expect(context?.answers).toEqual({ system: "Cổng thông tin tỉnh" });
    // Telegram retries a webhook delivery it thinks failed: the same update_id must change nothing.
    const sent = stack.messages(7002).length;
    const again = await fetch(`http://127.0.0.1:${stack.httpPort}/telegram/hook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify({
        update_id: 7002 * 1000 + 2,
        message: {
          message_id: 2,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 7002, type: "private" },
          from: user.from,
          text: "lặp lại",
        },
      }),
    });
    expect(again.status).toBe(200);
    expect(stack.messages(7002).length).toBe(sent);
    // The rest of the report, from the incident type on (the caption answered the system question).
    for (const step of REPORT_BY_BUTTONS.slice(2)) {
      if ("say" in step) await user.say(step.say);
      else if ("press" in step) await user.press(step.press);
      else await user.command(step.command);
    }
    const incident = stack.app.store.incidentsByReporter("telegram", "7002")[0];
    expect(incident?.ticketId).toMatch(/^SC-\d{4}-\d{6}$/);
    expect((incident?.answers as { files?: unknown[] } | undefined)?.files).toHaveLength(1);
    expect(stack.messages(7002).at(-1)?.message.text).toContain(incident?.ticketId ?? "?");

    // The running bot serves its metrics beside /healthz: the new ticket, and the answers it sent.
    const scraped = await fetch(`http://127.0.0.1:${stack.httpPort}/metrics`);
    expect(scraped.status).toBe(200);
    const metrics = parseExposition(await scraped.text());
    const tickets = find(metrics, "incident_bot_tickets", { severity: String(incident?.severity) });
    expect(tickets.reduce((n, s) => n + s.value, 0)).toBe(1);
    expect(
      find(metrics, "incident_bot_outbox_sent_total", { channel: "telegram" })[0]?.value,
    ).toBeGreaterThan(10);
  });
});
