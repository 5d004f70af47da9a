import { AdminChat } from "../admin/admin-chat.ts";
import { ContactAdmin } from "../admin/contact-admin.ts";
import type { Locale, Translator } from "../i18n.ts";
import type { HandleResult, InboundEvent } from "../messages.ts";
import type { Store } from "../store/store.ts";
import type { FlowRegistry } from "./flows.ts";
import { memoizeNumericLookups } from "./memo-translator.ts";
import { type SavedStack, Turn } from "./turn.ts";

export interface EngineOptions {
  store: Store;
  translator: Translator;
  timeZone: string;
  defaultLocale: Locale;
  drafts: { reminderMs: number; expiryMs: number };
  /** The flows run as "report" and "profile"; the product's own unless a benchmark or test substitutes. */
  flows?: FlowRegistry;
  /** Contact administration: who is admin by configuration, the four-eyes rule, when a contact is stale. */
  admin?: {
    configAdmins: Readonly<Record<string, readonly string[]>>;
    changeApproval: boolean;
    staleMs: number;
  };
  /** An admin's folder of replacement document templates (TEMPLATE_DIR); the shipped ones otherwise. */
  templateDir?: string | undefined;
  /** Set when SMTP is configured: the final report is e-mailed to rule R7's recipients. */
  email?: { messageIdDomain?: string | undefined };
}

/**
 * Applies inbound events to conversations. Each call is one synchronous SQLite transaction: dedupe, load the
 * chat's flow stack, pure XState transitions, effects and outgoing messages as rows, save. Nothing here does
 * network I/O; the dispatcher sends the outbox rows after the commit.
 */
export class Engine {
  /** Contact administration in chat; built once so its statements are prepared once. */
  readonly admin: AdminChat;
  /** The options each turn sees: the same, with the translator's numeric lookups memoized. */
  private readonly turnOptions: EngineOptions;
  /**
   * The last stack each recent chat committed, with its restored snapshots. A turn uses it only when the
   * stored JSON is, character for character, the JSON it was built from, so the database stays the truth
   * (another process, a restart, a test writing the row directly all simply miss); it saves parsing the
   * stack and restoring its snapshots, which is a tenth of an update's time. Oldest chats drop out first.
   */
  private readonly stacks = new Map<string, SavedStack>();

  constructor(readonly options: EngineOptions) {
    this.turnOptions = { ...options, translator: memoizeNumericLookups(options.translator) };
    const settings = options.admin ?? { configAdmins: {}, changeApproval: false, staleMs: 180 * 86_400_000 };
    this.admin = new AdminChat(
      new ContactAdmin({ store: options.store, ...settings }),
      options.translator,
      options.timeZone,
      options.defaultLocale,
    );
  }

  /** Applies one inbound event at most once (invariant 2) and returns the outbox rows it wrote. */
  handle(event: InboundEvent): HandleResult {
    const { store } = this.options;
    const key = `${event.channel}\u0000${event.chatId}`;
    let saved: SavedStack | undefined;
    let result: HandleResult;
    try {
      result = store.transaction(() => {
        if (!store.markProcessed(event.channel, event.dedupeKey, event.at.toISOString())) {
          return { duplicate: true, outbox: [] };
        }
        const turn = new Turn(this.turnOptions, event, this.admin, this.stacks.get(key));
        turn.run();
        const committed = turn.commit();
        saved = turn.saved;
        return committed;
      });
    } catch (error) {
      // Rolled back: what this turn built in memory was never stored.
      this.stacks.delete(key);
      throw error;
    }
    // Only now is the stack durable, so only now may a later turn start from it.
    if (saved) this.rememberStack(key, saved);
    return result;
  }

  private rememberStack(key: string, saved: SavedStack): void {
    this.stacks.delete(key);
    if (saved.entries.length === 0) return;
    if (this.stacks.size >= STACK_CACHE_CHATS) {
      const oldest = this.stacks.keys().next().value;
      if (oldest !== undefined) this.stacks.delete(oldest);
    }
    this.stacks.set(key, saved);
  }

  /** Fires one due scheduled job (draft reminder or expiry) as a timer event, exactly once. */
  fireJob(
    job: { id: number; jobKey: string; kind: string; dueAt: string; payload: Record<string, unknown> },
    now: Date,
  ) {
    const { store } = this.options;
    const channel = String(job.payload.channel ?? "");
    const chatId = String(job.payload.chatId ?? "");
    const userId = String(job.payload.userId ?? "");
    // Timer turns are rare: they start from the database and leave no stack behind in memory.
    this.stacks.delete(`${channel}\u0000${chatId}`);
    return store.transaction(() => {
      if (!store.finishJob(job.id, job.dueAt)) return { duplicate: true, outbox: [] };
      // finishJob is the at-most-once guard for jobs; the key only names the outbox rows this firing writes.
      const turn = new Turn(
        this.turnOptions,
        {
          channel,
          chatId,
          userId,
          chatType: "private",
          dedupeKey: `job:${job.id}:${job.dueAt}`,
          at: now,
          payload: { kind: "timer", job: job.kind },
        },
        this.admin,
      );
      turn.run();
      return turn.commit();
    });
  }
}

/** How many chats keep their stack in memory between updates. */
const STACK_CACHE_CHATS = 5000;
