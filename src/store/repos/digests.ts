import type { Transactions } from "./interfaces.ts";
import { type Db, onFirstUse, type Raw } from "./sqlite.ts";

/** A storm digest of one duty chat (see migrations/011-storm-digests.ts). */
export interface DigestRow {
  id: number;
  channel: string;
  chatId: string;
  postKey: string;
  lastKey: string | null;
  shown: number;
  renders: number;
  closed: boolean;
  openedAt: string;
}

/** An outbox row's fate, by its key. */
export interface OutboxFate {
  status: "pending" | "sent" | "dead";
  messageIds: number[];
}

/**
 * Storm digests and their items, how busy a chat's outbox is, and the keys that relate reports to each other.
 * Reads that depend on delivery write the waiting sent marks first (they are group-committed, see tx.ts).
 */
export class SqliteDigests {
  constructor(
    private readonly db: Db,
    private readonly tx: Transactions,
  ) {}

  /** Prepared on first use (see onFirstUse): a database not yet migrated may lack these tables. */
  private readonly s = onFirstUse(() => this.prepare());

  private prepare() {
    const p = (sql: string) => this.db.prepare(sql);
    return {
      chatLoad: p(
        `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending' AND channel = ? AND chat_id = ?)
              + (SELECT count(*) FROM outbox WHERE channel = ? AND chat_id = ? AND sent_at IS NOT NULL
                   AND idempotency_key IS NOT NULL AND sent_at > ?)
           AS n`,
      ),
      lastSent: p(
        "SELECT max(sent_at) AS at FROM outbox WHERE channel = ? AND chat_id = ? AND sent_at IS NOT NULL AND idempotency_key IS NOT NULL",
      ),
      openDigest: p(
        "SELECT * FROM duty_digests WHERE channel = ? AND chat_id = ? AND closed = 0 ORDER BY id DESC LIMIT 1",
      ),
      unrendered: p(
        "SELECT * FROM duty_digests WHERE renders = 0 OR shown < (SELECT count(*) FROM duty_digest_items i WHERE i.digest_id = duty_digests.id) ORDER BY id",
      ),
      digestsOfChat: p("SELECT * FROM duty_digests WHERE channel = ? AND chat_id = ? ORDER BY id"),
      createDigest: p(
        "INSERT INTO duty_digests (channel, chat_id, post_key, opened_at) VALUES (?, ?, ?, ?) RETURNING *",
      ),
      close: p("UPDATE duty_digests SET closed = 1 WHERE id = ?"),
      rendered: p("UPDATE duty_digests SET shown = ?, renders = renders + 1, last_key = ? WHERE id = ?"),
      addItem: p(
        `INSERT INTO duty_digest_items (digest_id, incident_id, seq, added_at)
         SELECT ?, ?, coalesce(max(seq), 0) + 1, ? FROM duty_digest_items WHERE digest_id = ?
         ON CONFLICT DO NOTHING`,
      ),
      items: p("SELECT incident_id FROM duty_digest_items WHERE digest_id = ? ORDER BY seq"),
      inChat: p(
        `SELECT 1 FROM duty_digest_items i JOIN duty_digests d ON d.id = i.digest_id
         WHERE d.channel = ? AND d.chat_id = ? AND i.incident_id = ? LIMIT 1`,
      ),
      digestChatsOf: p(
        `SELECT d.channel, d.chat_id, d.post_key FROM duty_digest_items i JOIN duty_digests d ON d.id = i.digest_id
         WHERE i.incident_id = ? ORDER BY d.id`,
      ),
      fate: p("SELECT status, result FROM outbox WHERE idempotency_key = ?"),
      addKey: p(
        "INSERT INTO incident_keys (incident_id, key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      keysOf: p("SELECT key FROM incident_keys WHERE incident_id = ? ORDER BY key"),
      sharing: p(
        `SELECT DISTINCT incident_id FROM incident_keys
         WHERE key = ? AND created_at >= ? AND created_at <= ? AND incident_id <> ?`,
      ),
    };
  }

  /**
   * How many sends a chat has to take within the coming minute: its messages waiting, and those sent since
   * `since` (a minute ago, the window its limit counts). Sent messages count when they carry a key, as all the
   * desk's do; a conversation's replies in a duty chat (a stray /start) are not indexed (migration 017).
   */
  chatLoad(channel: string, chatId: string, since: string): number {
    this.tx.flushSentMarks();
    return Number((this.s().chatLoad.get(channel, chatId, channel, chatId, since) as Raw).n);
  }

  /** The chat's digest still taking tickets, if any. */
  openDigest(channel: string, chatId: string): DigestRow | undefined {
    const r = this.s().openDigest.get(channel, chatId) as Raw | undefined;
    return r ? toDigest(r) : undefined;
  }

  /** Digests with tickets their latest render does not show yet (or never rendered). */
  unrendered(): DigestRow[] {
    return (this.s().unrendered.all() as Raw[]).map(toDigest);
  }

  digestsOfChat(channel: string, chatId: string): DigestRow[] {
    return (this.s().digestsOfChat.all(channel, chatId) as Raw[]).map(toDigest);
  }

  createDigest(channel: string, chatId: string, postKey: string, at: string): DigestRow {
    return toDigest(this.s().createDigest.get(channel, chatId, postKey, at) as Raw);
  }

  closeDigest(id: number): void {
    this.s().close.run(id);
  }

  /** Records a render queued as outbox row `key`, showing the first `shown` items. */
  markRendered(id: number, shown: number, key: string): void {
    this.s().rendered.run(shown, key, id);
  }

  /** Adds a ticket to a digest (once); false when it was there already. */
  addItem(digestId: number, incidentId: number, at: string): boolean {
    return this.s().addItem.run(digestId, incidentId, at, digestId).changes === 1;
  }

  /** The incidents a digest lists, in the order they were added. */
  items(digestId: number): number[] {
    return (this.s().items.all(digestId) as Raw[]).map((r) => Number(r.incident_id));
  }

  /** Whether a ticket is listed in a digest of this chat already. */
  inDigestOf(channel: string, chatId: string, incidentId: number): boolean {
    return this.s().inChat.get(channel, chatId, incidentId) !== undefined;
  }

  /** The chats whose digests list a ticket, with the digest message's ids once sent. */
  digestChatsOf(incidentId: number): Array<{ channel: string; chatId: string; messageIds: number[] }> {
    return (this.s().digestChatsOf.all(incidentId) as Raw[]).map((r) => ({
      channel: String(r.channel),
      chatId: String(r.chat_id),
      messageIds: this.fate(String(r.post_key))?.messageIds ?? [],
    }));
  }

  /** What became of an outbox row, by key: undefined when there is no such row. */
  fate(key: string): OutboxFate | undefined {
    this.tx.flushSentMarks();
    const r = this.s().fate.get(key) as Raw | undefined;
    if (!r) return undefined;
    const result = r.result ? (JSON.parse(String(r.result)) as { messageIds?: number[] } | null) : null;
    return { status: r.status as OutboxFate["status"], messageIds: result?.messageIds ?? [] };
  }

  /** Records the keys that identify what a ticket is about (see domain/related.ts). */
  addKeys(incidentId: number, keys: readonly string[], at: string): void {
    for (const key of keys) this.s().addKey.run(incidentId, key, at);
  }

  keysOf(incidentId: number): string[] {
    return (this.s().keysOf.all(incidentId) as Raw[]).map((r) => String(r.key));
  }

  /** Other incidents with this key recorded within [from, to]. */
  sharingKey(key: string, from: string, to: string, incidentId: number): number[] {
    return (this.s().sharing.all(key, from, to, incidentId) as Raw[]).map((r) => Number(r.incident_id));
  }
}

function toDigest(r: Raw): DigestRow {
  return {
    id: Number(r.id),
    channel: String(r.channel),
    chatId: String(r.chat_id),
    postKey: String(r.post_key),
    lastKey: r.last_key === null ? null : String(r.last_key),
    shown: Number(r.shown),
    renders: Number(r.renders),
    closed: Number(r.closed) === 1,
    openedAt: String(r.opened_at),
  };
}
