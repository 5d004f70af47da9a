import type { Engine } from "../../conversation/engine.ts";
import type { Contact } from "../../domain/contacts.ts";
import type { Locale, Translator } from "../../i18n.ts";
import { type ChatMessage, DUTY_CHANNEL, type RoutedTicket } from "../../messages.ts";
import { contactName } from "../../present/incident.ts";
import type { Store } from "../../store/store.ts";
import { formatChatMessage, htmlToText } from "./format.ts";

export const TERMINAL_CHANNEL = "terminal";

/**
 * The engine driven from a terminal: one local user, choices typed by number. It is the same engine and flows
 * as the bots, on the same database, so a newcomer can file a report with no token.
 */
export class TerminalChannel {
  private seq = 0;
  private readonly session = Date.now().toString(36);

  constructor(
    private readonly engine: Engine,
    private readonly store: Store,
    private readonly t: Translator,
    private readonly locale: Locale,
    private readonly userId = "local",
  ) {}

  /** Handles one typed line and returns what the terminal prints in answer. */
  handleLine(line: string, now = new Date()): string[] {
    const trimmed = line.trim();
    const command = /^\/(\w+)(?:@\w+)?\s*(.*)$/s.exec(trimmed);
    const result = this.engine.handle({
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
    });
    const out = this.drain(now);
    // Routed tickets stay pending for the bot's dispatcher; the terminal only says where they would go.
    const contacts = this.store.contacts();
    for (const id of result.outbox) {
      const row = this.store.outboxRow(id);
      if (row?.channel !== DUTY_CHANNEL) continue;
      const routed = row.payload as RoutedTicket;
      out.push(
        this.describeDelivery(
          routed,
          contacts.find((c) => c.id === routed.contactId),
        ),
      );
    }
    return out;
  }

  /** Prints (and marks sent) every pending message for this terminal user, including any left by a crash. */
  drain(now = new Date()): string[] {
    const out: string[] = [];
    const at = now.toISOString();
    for (const row of this.store.duePending(TERMINAL_CHANNEL, at, 1000)) {
      if (row.chatId !== this.userId) continue;
      out.push(formatChatMessage(row.payload as ChatMessage));
      this.store.markSent(row.id, at);
    }
    return out;
  }

  private describeDelivery(routed: RoutedTicket, contact: Contact | undefined): string {
    const name = contact ? contactName(contact, this.locale) : routed.contactId;
    const kinds = routed.kinds.map((k) => this.t.t(this.locale, `routing:kind.${k}`)).join(", ");
    const emails = contact?.emails.join(", ") || "—";
    return htmlToText(
      this.t.t(this.locale, "common:terminal.wouldDeliver", {
        ticketId: routed.ticketId,
        name,
        kinds,
        emails,
        rules: routed.rules.join(", "),
      }),
    );
  }
}
