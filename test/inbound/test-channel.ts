import type { App } from "../../src/app.ts";
import type { InboundEvent, InboundPayload } from "../../src/inbound/event.ts";
import { type ChannelSender, OutboxLane } from "../../src/outbox/lane.ts";
import type { OutboxRow } from "../../src/store/store.ts";

/** A message as this channel shows it: text and numbered choices, no buttons (like Zalo). */
export interface Shown {
  id: number;
  text: string;
  choices: string[];
}

/**
 * A channel that exists only in tests, with no Telegram code: it normalizes typed lines into the neutral event,
 * hands them to the router, and its sender "shows" outbox rows per chat with ids of its own.
 */
export class TestChannel implements ChannelSender {
  readonly channel = "testchat";
  readonly chats = new Map<string, Shown[]>();
  private nextId = 1;
  private seq = 0;

  constructor(
    private readonly app: App,
    private readonly clock: () => Date,
  ) {
    app.dispatcher.register(new OutboxLane(app.store, this, app.logger, app.laneOptions));
  }

  async send(row: OutboxRow): Promise<unknown> {
    const p = row.payload as {
      kind: string;
      text?: string;
      messageRef?: string;
      choices?: { label: string }[];
    };
    const shown = this.chats.get(row.chatId) ?? [];
    this.chats.set(row.chatId, shown);
    const choices = (p.choices ?? []).map((c, i) => `${i + 1}. ${c.label}`);
    if (p.kind === "edit") {
      const old = shown.find((m) => String(m.id) === p.messageRef);
      if (old) Object.assign(old, { text: p.text ?? "", choices });
      return { edited: old !== undefined };
    }
    shown.push({ id: this.nextId, text: p.text ?? "", choices });
    return { messageIds: [this.nextId++] };
  }

  classify() {
    return { kind: "permanent" } as const;
  }

  describe(error: unknown): string {
    return String(error);
  }

  /** One typed line from a person in a chat, optionally replying to a message shown there. */
  async type(who: { chatId: string; userId: string; group?: boolean }, text: string, replyTo?: number) {
    const command = /^\/(\w+)\s*(.*)$/s.exec(text.trim());
    const payload: InboundPayload = command
      ? { kind: "command", command: command[1] ?? "", args: command[2] ?? "" }
      : { kind: "text", text };
    const event: InboundEvent = {
      channel: this.channel,
      chatId: who.chatId,
      chatType: who.group ? "group" : "private",
      userId: who.userId,
      userName: `Người dùng ${who.userId}`,
      dedupeKey: String(++this.seq),
      at: this.clock(),
      ...(replyTo === undefined ? {} : { replyTo: String(replyTo) }),
      payload,
    };
    const routed = this.app.router.handle(event);
    await this.app.dispatcher.dispatch(event, routed, { wait: true });
    await this.app.dispatcher.drain(); // the fan-out and other chats run in the background
    return routed;
  }
}
