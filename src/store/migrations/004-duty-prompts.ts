import type { Migration } from "./index.ts";

/**
 * Questions the bot asked and waits for a reply to (a duty officer's question for the reporter, a resolution
 * summary, a reason for rejecting): a reply is matched to its prompt by the prompt message, found through the
 * outbox row that sent it.
 */
export const migration004DutyPrompts: Migration = {
  version: 4,
  name: "duty-prompts",
  up(db) {
    db.exec(`
      CREATE TABLE duty_prompts (
        id          INTEGER PRIMARY KEY,
        outbox_key  TEXT NOT NULL UNIQUE,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        channel     TEXT NOT NULL,
        chat_id     TEXT NOT NULL,
        purpose     TEXT NOT NULL CHECK (purpose IN ('ask', 'answer', 'resolve', 'reject', 'duplicate')),
        -- Who may answer: the duty officer who pressed the button, or the reporter for a relayed question.
        user_id     TEXT NOT NULL,
        -- For a relayed question: the duty chat and message the reporter's answer goes back to.
        reply_chat  TEXT,
        reply_key   TEXT,
        created_at  TEXT NOT NULL,
        answered_at TEXT
      ) STRICT;
      CREATE INDEX duty_prompts_chat ON duty_prompts (channel, chat_id, answered_at);
    `);
  },
};
