import type { Migration } from "./index.ts";

/** The first schema: every table the product needs, STRICT, with foreign keys. Times are ISO-8601 UTC text. */
export const migration001Schema: Migration = {
  version: 1,
  name: "schema",
  up(db) {
    db.exec(`
      CREATE TABLE contacts (
        id            TEXT PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND length(id) BETWEEN 2 AND 40),
        version       INTEGER NOT NULL CHECK (version >= 1),
        data          TEXT NOT NULL CHECK (json_valid(data)),
        active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        last_verified TEXT,
        updated_at    TEXT NOT NULL,
        updated_by    TEXT NOT NULL
      ) STRICT;

      -- Every version a contact ever had, the current one included, so an old ticket can show whom it went to.
      CREATE TABLE contact_versions (
        contact_id  TEXT NOT NULL REFERENCES contacts(id),
        version     INTEGER NOT NULL,
        data        TEXT NOT NULL CHECK (json_valid(data)),
        valid_from  TEXT NOT NULL,
        valid_to    TEXT,
        changed_by  TEXT NOT NULL,
        changed_at  TEXT NOT NULL,
        reason      TEXT,
        PRIMARY KEY (contact_id, version)
      ) STRICT;

      CREATE TABLE duty_bindings (
        contact_id TEXT NOT NULL REFERENCES contacts(id),
        channel    TEXT NOT NULL,
        chat_id    TEXT NOT NULL,
        bound_by   TEXT NOT NULL,
        bound_at   TEXT NOT NULL,
        PRIMARY KEY (contact_id, channel, chat_id)
      ) STRICT;

      CREATE TABLE routing_rules (
        id         TEXT PRIMARY KEY,
        position   INTEGER NOT NULL,
        version    INTEGER NOT NULL CHECK (version >= 1),
        definition TEXT NOT NULL CHECK (json_valid(definition)),
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      ) STRICT;

      CREATE TABLE routing_rule_versions (
        rule_id    TEXT NOT NULL REFERENCES routing_rules(id),
        version    INTEGER NOT NULL,
        definition TEXT NOT NULL CHECK (json_valid(definition)),
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (rule_id, version)
      ) STRICT;

      CREATE TABLE users (
        channel      TEXT NOT NULL,
        user_id      TEXT NOT NULL,
        locale       TEXT CHECK (locale IN ('vi', 'en')),
        display_name TEXT,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (channel, user_id)
      ) STRICT;

      CREATE TABLE user_roles (
        channel    TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('admin', 'duty', 'reporter')),
        contact_id TEXT NOT NULL DEFAULT '' ,
        granted_by TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (channel, user_id, role, contact_id)
      ) STRICT;

      CREATE TABLE reporter_profiles (
        channel    TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        data       TEXT NOT NULL CHECK (json_valid(data)),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, user_id)
      ) STRICT;

      CREATE TABLE ticket_sequences (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE incidents (
        id               INTEGER PRIMARY KEY,
        ticket_id        TEXT NOT NULL UNIQUE,
        submission_key   TEXT NOT NULL UNIQUE,
        channel          TEXT NOT NULL,
        chat_id          TEXT NOT NULL,
        reporter_user_id TEXT NOT NULL,
        reporter_locale  TEXT NOT NULL,
        incident_type    TEXT NOT NULL,
        severity         INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
        severity_reasons TEXT NOT NULL CHECK (json_valid(severity_reasons)),
        serious          INTEGER NOT NULL CHECK (serious IN (0, 1)),
        answers          TEXT NOT NULL CHECK (json_valid(answers)),
        routing          TEXT NOT NULL CHECK (json_valid(routing)),
        status           TEXT NOT NULL,
        detected_at      TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX incidents_reporter ON incidents (channel, reporter_user_id, created_at);
      CREATE INDEX incidents_status ON incidents (status, created_at);

      CREATE TABLE ticket_timeline (
        id          INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        details     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
      ) STRICT;
      CREATE INDEX ticket_timeline_incident ON ticket_timeline (incident_id, id);

      CREATE TABLE conversations (
        channel    TEXT NOT NULL,
        chat_id    TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        stack      TEXT NOT NULL CHECK (json_valid(stack)),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id)
      ) STRICT;

      CREATE TABLE processed_updates (
        channel      TEXT NOT NULL,
        dedupe_key   TEXT NOT NULL,
        processed_at TEXT NOT NULL,
        PRIMARY KEY (channel, dedupe_key)
      ) STRICT;
      CREATE INDEX processed_updates_age ON processed_updates (processed_at);

      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        channel         TEXT NOT NULL,
        chat_id         TEXT NOT NULL,
        payload         TEXT NOT NULL CHECK (json_valid(payload)),
        status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        created_at      TEXT NOT NULL,
        sent_at         TEXT,
        result          TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

      CREATE TABLE scheduled_jobs (
        id         INTEGER PRIMARY KEY,
        job_key    TEXT NOT NULL UNIQUE,
        kind       TEXT NOT NULL,
        due_at     TEXT NOT NULL,
        payload    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
        status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX scheduled_jobs_due ON scheduled_jobs (status, due_at);

      CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'denied', 'error')),
        details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log (at);
    `);
  },
};
