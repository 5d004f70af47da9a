import type { Migration } from "./index.ts";

/**
 * Ticket lifecycle: the ticket machine's persisted snapshot and assignee on each incident, and the messages
 * posted in duty chats, so they can be edited in place as the ticket moves on.
 */
export const migration003TicketLifecycle: Migration = {
  version: 3,
  name: "ticket-lifecycle",
  up(db) {
    db.exec(`
      ALTER TABLE incidents ADD COLUMN ticket_snapshot TEXT CHECK (ticket_snapshot IS NULL OR json_valid(ticket_snapshot));
      ALTER TABLE incidents ADD COLUMN assignee TEXT;

      CREATE TABLE duty_posts (
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        contact_id  TEXT NOT NULL REFERENCES contacts(id),
        channel     TEXT NOT NULL,
        chat_id     TEXT NOT NULL,
        outbox_key  TEXT NOT NULL,
        posted_at   TEXT NOT NULL,
        PRIMARY KEY (incident_id, contact_id, channel, chat_id)
      ) STRICT;
      CREATE INDEX duty_bindings_chat ON duty_bindings (channel, chat_id);
    `);
  },
};
