import type { Migration } from "./index.ts";

/**
 * Evidence kept (issue 14 item 4): every file a reporter attached, one row per file of a ticket, downloaded
 * after the commit. The row exists from the submission on (status `pending`), so a download that fails or a
 * restart mid-download loses nothing; once stored it carries the SHA-256 of the bytes, their size and the
 * content-addressed path (relative to the evidence folder, so the folder can move). `position` is the file's
 * place among the report's attachments: one row per attachment whatever the retries.
 */
export const migration012Evidence: Migration = {
  version: 12,
  name: "evidence",
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS evidence (
        id          INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        position    INTEGER NOT NULL CHECK (position >= 0),
        channel     TEXT NOT NULL,
        file_ref    TEXT NOT NULL,
        message_ref TEXT,
        name        TEXT NOT NULL,
        mime        TEXT NOT NULL,
        size        INTEGER CHECK (size IS NULL OR size >= 0),
        sha256      TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
        path        TEXT,
        status      TEXT NOT NULL CHECK (status IN ('pending', 'stored', 'refused', 'failed')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        error       TEXT,
        created_at  TEXT NOT NULL,
        settled_at  TEXT,
        UNIQUE (incident_id, position)
      ) STRICT;
      CREATE INDEX IF NOT EXISTS evidence_sha256 ON evidence (sha256) WHERE sha256 IS NOT NULL;
    `);
  },
};
