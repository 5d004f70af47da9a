import type { Translator } from "../i18n.ts";
import type { OutboxRow, Store } from "../store/store.ts";

const NOTICE_PREFIX = "deadletter:";

export interface DeadLetterNoticeOptions {
  store: Store;
  translator: Translator;
  locale: "vi" | "en";
  /** The channel admins are told on, and the admin ids from configuration for it. */
  channel: string;
  configAdmins: readonly string[];
  clock?: () => Date;
}

/**
 * Tells every admin, in their private chat, that a message was given up on: which delivery path, to which chat
 * and why, never its text (it may hold personal data). A notice that itself dies is not reported again, so a
 * broken channel cannot loop.
 */
export function deadLetterNotifier(o: DeadLetterNoticeOptions): (row: OutboxRow, error: string) => void {
  return (row, error) => {
    if (row.idempotencyKey?.startsWith(NOTICE_PREFIX)) return;
    const roleAdmins = o.store
      .allRoles()
      .filter((r) => r.role === "admin" && r.channel === o.channel)
      .map((r) => r.userId);
    const admins = [...new Set([...o.configAdmins, ...roleAdmins])];
    const at = (o.clock?.() ?? new Date()).toISOString();
    const text = o.translator.t(o.locale, "common:deadLetter.notice", {
      id: row.id,
      channel: row.channel,
      chat: row.chatId,
      attempts: row.attempts + 1,
      error: error.slice(0, 300),
    });
    o.store.transaction(() => {
      for (const admin of admins) {
        o.store.enqueue(`${NOTICE_PREFIX}${row.id}:${admin}`, o.channel, admin, { kind: "chat", text }, at);
      }
    });
  };
}
