import type { Migration } from "./index.ts";

/**
 * Zalo's plans cap outbound messages per month (the free plan: about 3,000), and going over answers every send
 * with 429 "Quota exceeded". The bot counts its own sends per month, so admins are warned at 80% and at 100%
 * once each, across restarts: one row per month, the warnings remember when they were given.
 */
export const migration009ZaloSendCounter: Migration = {
  version: 9,
  name: "zalo-send-counter",
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS zalo_send_counter (
        month         TEXT PRIMARY KEY,
        sent          INTEGER NOT NULL DEFAULT 0,
        warned_80_at  TEXT,
        warned_100_at TEXT
      ) STRICT;
    `);
  },
};
