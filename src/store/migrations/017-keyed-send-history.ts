import type { Migration } from "./index.ts";

/**
 * One B-tree page fewer written per reporter's update: the per-chat send history (storm mode's "how busy is
 * this duty chat", migration 011) indexes only keyed rows. Everything that reaches a duty chat is queued with
 * an idempotency key (duty posts, digests, prompts, relays, reminders); the rows without one are the
 * replies a conversation turn writes for its own chat, almost all in reporters' private chats, which nothing
 * counts. Indexing those cost one WAL frame per update, about a tenth of an update's time on the reference
 * machine. The history's queries say `idempotency_key IS NOT NULL` so that they use this index.
 */
export const migration017KeyedSendHistory: Migration = {
  version: 17,
  name: "keyed-send-history",
  up(db) {
    db.exec(`
      DROP INDEX outbox_chat_sent;
      CREATE INDEX outbox_chat_sent_keyed ON outbox (channel, chat_id, sent_at)
        WHERE sent_at IS NOT NULL AND idempotency_key IS NOT NULL;
    `);
  },
};
