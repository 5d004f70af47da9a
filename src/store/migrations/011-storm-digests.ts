import type { Migration } from "./index.ts";

/**
 * Storm mode: when a duty chat cannot take one post per ticket within its send limits (Telegram: 20 a minute per
 * group), new tickets are listed in a digest message instead, edited in place as tickets arrive. A digest is one
 * message of one chat; its items are the tickets it lists. `last_key` is the outbox row of its latest render
 * (the post, then each edit): a new render waits until that one is out, so a render in flight is never rewritten.
 * Related reports get their identifying keys in a table of their own (see below).
 * The outbox index lets the desk count what a chat was sent in the last minute without scanning every row.
 */
export const migration011StormDigests: Migration = {
  version: 11,
  name: "storm-digests",
  up(db) {
    db.exec(`
      CREATE TABLE duty_digests (
        id          INTEGER PRIMARY KEY,
        channel     TEXT NOT NULL,
        chat_id     TEXT NOT NULL,
        post_key    TEXT NOT NULL UNIQUE,
        last_key    TEXT,
        -- Items shown by the latest render queued, and how many renders were queued (the next edit's key).
        shown       INTEGER NOT NULL DEFAULT 0,
        renders     INTEGER NOT NULL DEFAULT 0,
        -- Closed: full, or the storm is over; no item is added any more (it may still be rendered).
        closed      INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
        opened_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX duty_digests_chat ON duty_digests (channel, chat_id, closed);
      CREATE TABLE duty_digest_items (
        digest_id   INTEGER NOT NULL REFERENCES duty_digests(id),
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        seq         INTEGER NOT NULL,
        added_at    TEXT NOT NULL,
        PRIMARY KEY (digest_id, incident_id)
      ) STRICT;
      CREATE UNIQUE INDEX duty_digest_items_seq ON duty_digest_items (digest_id, seq);
      -- Related reports: what identifies the target of each ticket (a domain, a public IP, a system's name),
      -- normalized, so tickets naming the same one within a day are found by an index, not by reading them all.
      CREATE TABLE incident_keys (
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        key         TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (incident_id, key)
      ) STRICT;
      CREATE INDEX incident_keys_key ON incident_keys (key, created_at);
      CREATE INDEX outbox_chat_sent ON outbox (channel, chat_id, sent_at) WHERE sent_at IS NOT NULL;
    `);
  },
};
