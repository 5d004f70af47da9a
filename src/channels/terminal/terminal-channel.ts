import type { App } from "../../app.ts";
import type { Contact } from "../../domain/contacts.ts";
import type { Locale } from "../../i18n.ts";
import type { InboundEvent } from "../../inbound/event.ts";
import type { ChatMessage } from "../../messages.ts";
import type { ChannelSender } from "../../outbox/lane.ts";
import { OutboxLane } from "../../outbox/lane.ts";
import type { SendFailure } from "../../outbox/retry.ts";
import { contactName } from "../../present/incident.ts";
import type { OutboxRow } from "../../store/store.ts";
import { formatChatMessage, htmlToText } from "./format.ts";

export const TERMINAL_CHANNEL = "terminal";

/** Delivers the terminal's outbox rows by printing them (choices numbered: type the number to choose). */
export class TerminalSender implements ChannelSender {
  readonly channel = TERMINAL_CHANNEL;

  constructor(private readonly print: (text: string) => void) {}

  async send(row: OutboxRow): Promise<unknown> {
    const payload = row.payload as Partial<ChatMessage>;
    if (typeof payload.text === "string") this.print(formatChatMessage(payload as ChatMessage));
    return null;
  }

  classify(): SendFailure {
    return { kind: "permanent" };
  }

  describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The product driven from a terminal: one local user, choices typed by number. It goes through the same router,
 * engine, flows and dispatcher as the bots, on the same database, so a newcomer can file a report with no token.
 */
export class TerminalChannel {
  private seq = 0;
  private readonly session = Date.now().toString(36);

  constructor(
    private readonly app: App,
    private readonly print: (text: string) => void,
    private readonly locale: Locale = app.config.defaultLocale,
    private readonly userId = "local",
  ) {
    app.dispatcher.register(
      new OutboxLane(app.store, new TerminalSender(print), app.logger, app.laneOptions),
    );
  }

  /** Handles one typed line; what it answers is printed once sent. */
  async handleLine(line: string, now = new Date()): Promise<void> {
    const trimmed = line.trim();
    const command = /^\/(\w+)(?:@\w+)?\s*(.*)$/s.exec(trimmed);
    const event: InboundEvent = {
      channel: TERMINAL_CHANNEL,
      chatId: this.userId,
      userId: this.userId,
      chatType: "private",
      languageCode: this.locale,
      dedupeKey: `${this.session}:${++this.seq}`,
      at: now,
      payload: command
        ? { kind: "command", command: command[1] ?? "", args: command[2] ?? "" }
        : { kind: "text", text: line },
    };
    const routed = this.app.router.handle(event);
    await this.app.dispatcher.dispatch({ channel: TERMINAL_CHANNEL, chatId: this.userId }, routed, {
      wait: true,
    });
    // Routed tickets stay pending for a bot's duty chats; the terminal only says where they would go.
    if (routed.ticketId === undefined) return;
    const incident = this.app.store.incidentByTicket(routed.ticketId);
    const contacts = this.app.store.contacts();
    for (const destination of incident?.routing.destinations ?? []) {
      this.print(
        this.describeDelivery(
          routed.ticketId,
          destination,
          contacts.find((c) => c.id === destination.contactId),
        ),
      );
    }
  }

  private describeDelivery(
    ticketId: string,
    routed: { contactId: string; kinds: readonly string[]; rules: readonly string[] },
    contact: Contact | undefined,
  ): string {
    const t = this.app.translator;
    const name = contact ? contactName(contact, this.locale) : routed.contactId;
    const kinds = routed.kinds.map((k) => t.t(this.locale, `routing:kind.${k}`)).join(", ");
    const emails = contact?.emails.join(", ") || "—";
    return htmlToText(
      t.t(this.locale, "common:terminal.wouldDeliver", {
        ticketId,
        name,
        kinds,
        emails,
        rules: routed.rules.join(", "),
      }),
    );
  }
}
