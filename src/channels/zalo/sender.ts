import type { Logger } from "../../app.ts";
import { type Locale, resolveLocale, type Translator } from "../../i18n.ts";
import type { ChatMessage, CopyMessage, EditMessage } from "../../messages.ts";
import type { ChannelSender } from "../../outbox/lane.ts";
import { SqliteZaloSends } from "../../store/repos/zalo-sends.ts";
import type { OutboxRow, Store } from "../../store/store.ts";
import { ParseError, ZaloError } from "./errors.ts";
import { ZALO_CHANNEL } from "./normalize.ts";
import type { QuotaCrossing, ZaloSendCounter } from "./quota.ts";
import { renderWithChoices, splitZaloText } from "./render.ts";
import type { ZaloSent } from "./types.ts";

/** The calls the sender makes; the ZaloBot client has them. */
export interface ZaloSendApi {
  sendMessage(chatId: string, text: string, form?: Record<string, unknown>): Promise<ZaloSent>;
  sendChatAction(chatId: string, action?: "typing"): Promise<unknown>;
}

export interface ZaloSenderOptions {
  translator: Translator;
  defaultLocale: Locale;
  /** Counts every message sent this month; crossings of 80% and 100% go to onQuota. */
  counter?: ZaloSendCounter;
  onQuota?: (crossing: NonNullable<QuotaCrossing>) => void;
  clock?: () => Date;
}

type ZaloPayload = ChatMessage | EditMessage | CopyMessage;

/** Answers that no retry can change: a bad request (empty chat, text too long), a revoked token, not found. */
const PERMANENT_CODES = new Set([400, 401, 403, 404]);

/** Whether Zalo refused because the month's quota is used up: retrying before next month only adds load. */
export function isQuotaExceeded(error: unknown): boolean {
  return (
    error instanceof ZaloError &&
    error.errorCode === 429 &&
    /quota/i.test(String(error.response.description ?? ""))
  );
}

/** Whether a failed send must not be retried. */
export function isPermanent(error: unknown): boolean {
  if (isQuotaExceeded(error)) return true;
  return error instanceof ZaloError && error.errorCode !== undefined && PERMANENT_CODES.has(error.errorCode);
}

/**
 * Zalo's sender for the dispatcher's lane (order, retries and dead letters are the lane's, the same for every
 * channel): renders one outbox row as Zalo shows it and sends it. Zalo has no buttons, no edits and no copies:
 * choices become a numbered list with a hint, an edit (the answered question redrawn) is skipped, a copied
 * attachment becomes a short note. Every message sent is counted against the monthly quota.
 */
export class ZaloSender implements ChannelSender {
  private readonly clock: () => Date;
  /** Per chat, the newest row delivered and the reference a message typed there answers (see lastRef). */
  private readonly lastRow = new Map<string, ReplyTarget>();
  private readonly sends: SqliteZaloSends;

  constructor(
    private readonly store: Store,
    private readonly api: ZaloSendApi,
    private readonly logger: Logger,
    private readonly options: ZaloSenderOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.sends = new SqliteZaloSends(store.db);
  }

  /**
   * The reference of the message a person's next message in a chat answers. Zalo tells neither the bot's
   * message ids in updates nor which message a person quoted, and in a group it only delivers messages that
   * quote the bot or name it: so a message there answers the newest thing the bot said. A row's own id is its
   * reference (stored as its `messageIds`, as the duty desk looks messages up), the Zalo ids are kept beside it.
   * Notices that ask nothing do not take the answer away from what does ask (see nextTarget).
   */
  lastRef(chatId: string): string | undefined {
    const known = this.lastRow.get(chatId);
    if (known) return known.ref;
    // After a restart: the same rule over the chat's last delivered rows, oldest first.
    this.store.flushSentMarks();
    let target: ReplyTarget | undefined;
    for (const row of this.sends.lastSentRows(chatId, RECENT_ROWS).reverse())
      target = nextTarget(target, row);
    return target?.ref;
  }

  /** The reader's language: a private chat's id is its person's id on Zalo; groups get the default. */
  private localeOf(chatId: string): Locale {
    return resolveLocale(this.store.userLocale(ZALO_CHANNEL, chatId), undefined, this.options.defaultLocale);
  }

  /** The text Zalo receives for a message: plain text, choices numbered, split to fit. */
  render(chatId: string, payload: ChatMessage): string[] {
    // The hint only follows a list of choices; most messages have none, and the two lookups it needs (the
    // reader's language, whether the chat is a duty group) are a noticeable share of a send's cost.
    if (!payload.choices?.length) return splitZaloText(renderWithChoices(payload.text, undefined, ""));
    // A conversation's message says its reader's language, and conversations with choices happen in private
    // chats (reporting, profiles, admin tables): no lookup. The desk's messages look both up.
    const fromConversation = payload.locale !== undefined;
    const locale = payload.locale ?? this.localeOf(chatId);
    let hint = this.options.translator.t(locale, "zaloBot:choiceHint");
    // A duty chat is a group, where the bot only hears messages that quote it or name it.
    if (!fromConversation && this.store.contactsOfChat(ZALO_CHANNEL, chatId).length > 0) {
      hint = `${hint}\n${this.options.translator.t(locale, "zaloBot:groupHint")}`;
    }
    return splitZaloText(renderWithChoices(payload.text, payload.choices, hint));
  }

  /** Shows "typing…" while the bot works; best effort (it lasts a few seconds or until the next message). */
  async typing(chatId: string): Promise<void> {
    try {
      await this.api.sendChatAction(chatId, "typing");
    } catch {
      // Only a courtesy: the answer itself is what matters.
    }
  }

  /**
   * Sends one outbox row and returns what to record as its result; throws the client's error on failure.
   * The router's dispatcher can call this directly.
   */
  async sendRow(row: OutboxRow): Promise<unknown> {
    const payload = row.payload as ZaloPayload;
    // Zalo cannot edit a message: the answered question, already on screen, stays as it is.
    if (payload.kind === "edit") return { skipped: "edit" };
    const texts =
      payload.kind === "copy"
        ? [this.options.translator.t(this.localeOf(row.chatId), "zaloBot:fileUnavailable")]
        : payload.kind === "chat"
          ? this.render(row.chatId, payload)
          : [];
    if (texts.length === 0) return { skipped: (payload as { kind?: string }).kind ?? "empty" };
    const zaloIds: string[] = [];
    // A split message retried from the start may repeat its first parts (at least once, as everywhere in the
    // outbox): Zalo has no idempotency key either.
    for (const text of texts) {
      const sent = await this.api.sendMessage(row.chatId, text);
      zaloIds.push(sent.message_id);
      this.reportQuota(this.options.counter?.record(this.clock()));
    }
    const newest = this.lastRow.get(row.chatId);
    if (!newest || row.id > newest.row) this.lastRow.set(row.chatId, nextTarget(newest, row));
    return { messageIds: [row.id], zaloMessageIds: zaloIds };
  }

  /** The outbox channel this sender delivers (the dispatcher's lane key). */
  readonly channel = ZALO_CHANNEL;

  /** Sends one row for the dispatcher's lane (same as sendRow). */
  send(row: OutboxRow, _backlog = 0): Promise<unknown> {
    return this.sendRow(row);
  }

  /**
   * What a failed send means: the monthly quota used up is final until next month (retrying only adds load, and
   * the admins are told once); a bad request or a revoked token likewise; a proxy's 429 page waits a while;
   * anything else (network, 5xx, a timeout) is retried with backoff.
   */
  classify(
    error: unknown,
  ): { kind: "permanent" } | { kind: "transient" } | { kind: "retryAfter"; ms: number } {
    if (isQuotaExceeded(error)) {
      this.reportQuota(this.options.counter?.exhausted(this.clock()));
      return { kind: "permanent" };
    }
    if (isPermanent(error)) return { kind: "permanent" };
    if (error instanceof ParseError && error.response.status === 429)
      return { kind: "retryAfter", ms: 30_000 };
    return { kind: "transient" };
  }

  /** The error as stored and logged: the client's messages carry no token and no message text. */
  describe(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).slice(0, 500);
  }

  private reportQuota(crossing: QuotaCrossing): void {
    if (!crossing || !this.options.onQuota) return;
    try {
      this.options.onQuota(crossing);
    } catch (error) {
      this.logger.error({ err: String(error) }, "zalo quota notice failed");
    }
  }
}

/** What a message typed next in a chat answers, after the row delivered last (`row`). */
export interface ReplyTarget {
  row: number;
  ref: string;
  /** The target asks for a typed answer (an officer's question to the reporter, the desk's prompt). */
  prompt: boolean;
}

/** How many delivered rows a restarted sender reads back to find a chat's reply target. */
const RECENT_ROWS = 20;

/**
 * The reply target once `row` is delivered:
 * - a message that asks something (choices, or a question awaiting a typed answer) is answered itself;
 * - a notice under another of the bot's messages (a reminder or deadline warning under a ticket's post) passes
 *   the answer on to that message, so an officer's "1" still acts on the ticket;
 * - a notice from the desk that replies to nothing (a status change told to the reporter) leaves an open
 *   question the target, so the reporter's answer still reaches the officer who asked;
 * - anything else, the conversation's own messages included, is answered itself.
 */
export function nextTarget(
  previous: ReplyTarget | undefined,
  row: Pick<OutboxRow, "id" | "payload">,
): ReplyTarget {
  const own: ReplyTarget = { row: row.id, ref: String(row.id), prompt: false };
  const kind = (row.payload as { kind?: string }).kind;
  // A copied file is shown as a note of its own; edits and files are not sent on Zalo at all (see sendRow).
  if (kind === "copy") return own;
  if (kind !== "chat") return previous ?? own;
  const payload = row.payload as Partial<ChatMessage>;
  if (payload.choices?.length) return own;
  if (payload.forceReply) return { ...own, prompt: true };
  if (payload.replyTo) return { row: row.id, ref: payload.replyTo, prompt: false };
  // The conversation writes its messages' language; the desk's notices have none.
  if (payload.locale === undefined && previous?.prompt) return { ...previous, row: row.id };
  return own;
}
