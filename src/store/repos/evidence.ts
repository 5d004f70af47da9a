import { type Db, onFirstUse, type Raw, textOrNull } from "./sqlite.ts";

export type EvidenceStatus = "pending" | "stored" | "refused" | "failed";

/** One file a reporter attached to a ticket, and what became of its download. */
export interface EvidenceRow {
  id: number;
  incidentId: number;
  /** The file's place among the report's attachments (0-based). */
  position: number;
  /** The channel the file came from, whose source downloads it. */
  channel: string;
  /** The channel's reference (a Telegram file id, a Zalo image URL). */
  fileRef: string;
  /** The channel's id of the message that carried the file (Telegram: copied into duty chats), if known. */
  messageRef: string | null;
  name: string;
  mime: string;
  /** Bytes stored (null until stored; for a refused file, the size the channel announced, if any). */
  size: number | null;
  /** SHA-256 of the bytes, lower-case hex (null until stored). */
  sha256: string | null;
  /** Where the bytes are, relative to the evidence folder. */
  path: string | null;
  status: EvidenceStatus;
  attempts: number;
  /** Why it was refused or given up on (a short code, never a URL: Telegram's carries the token). */
  error: string | null;
  createdAt: string;
  settledAt: string | null;
}

export type NewEvidence = Pick<
  EvidenceRow,
  "incidentId" | "position" | "channel" | "fileRef" | "messageRef" | "name" | "mime"
>;

/** The evidence files of tickets (migration 011). */
export class SqliteEvidence {
  constructor(private readonly db: Db) {}

  /** Prepared on first use (see onFirstUse): a database not yet migrated may lack this table. */
  private readonly s = onFirstUse(() => this.prepare());

  private prepare() {
    const p = (sql: string) => this.db.prepare(sql);
    return {
      add: p(
        `INSERT INTO evidence (incident_id, position, channel, file_ref, message_ref, name, mime, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (incident_id, position) DO NOTHING`,
      ),
      one: p("SELECT * FROM evidence WHERE incident_id = ? AND position = ?"),
      ofIncident: p("SELECT * FROM evidence WHERE incident_id = ? ORDER BY position"),
      attempt: p("UPDATE evidence SET attempts = attempts + 1 WHERE id = ? AND status = 'pending'"),
      stored: p(
        `UPDATE evidence SET status = 'stored', sha256 = ?, size = ?, path = ?, mime = ?, error = NULL, settled_at = ?
         WHERE id = ? AND status = 'pending'`,
      ),
      // Retention: the files of tickets untouched since `before`, and those of tickets about to be deleted.
      expired: p(
        `SELECT e.id, e.path FROM evidence e JOIN incidents i ON i.id = e.incident_id
         WHERE i.updated_at < ? OR i.ticket_id IN (SELECT value FROM json_each(?))`,
      ),
      remove: p("DELETE FROM evidence WHERE id IN (SELECT value FROM json_each(?))"),
      pathUsers: p("SELECT count(*) AS n FROM evidence WHERE path = ?"),
      settle: p(
        "UPDATE evidence SET status = ?, size = coalesce(?, size), error = ?, settled_at = ? WHERE id = ? AND status = 'pending'",
      ),
    };
  }

  /** Records a file as pending; false when this attachment of the ticket was already recorded. */
  add(e: NewEvidence, at: string): boolean {
    return (
      this.s().add.run(e.incidentId, e.position, e.channel, e.fileRef, e.messageRef, e.name, e.mime, at)
        .changes === 1
    );
  }

  one(incidentId: number, position: number): EvidenceRow | undefined {
    const r = this.s().one.get(incidentId, position) as Raw | undefined;
    return r ? toRow(r) : undefined;
  }

  ofIncident(incidentId: number): EvidenceRow[] {
    return (this.s().ofIncident.all(incidentId) as Raw[]).map(toRow);
  }

  /** Counts a download attempt (before it starts, so a crash mid-download still counts it). */
  countAttempt(id: number): void {
    this.s().attempt.run(id);
  }

  /** Marks a pending file stored; false when it was no longer pending (stored by an earlier attempt). */
  markStored(
    id: number,
    file: { sha256: string; size: number; path: string; mime: string },
    at: string,
  ): boolean {
    return this.s().stored.run(file.sha256, file.size, file.path, file.mime, at, id).changes === 1;
  }

  /** Rows whose retention is over: of tickets unchanged since `before`, or among `tickets` (being deleted). */
  expired(before: string, tickets: readonly string[]): Array<{ id: number; path: string | null }> {
    return (this.s().expired.all(before, JSON.stringify(tickets)) as Raw[]).map((r) => ({
      id: Number(r.id),
      path: textOrNull(r.path),
    }));
  }

  remove(ids: readonly number[]): number {
    return this.s().remove.run(JSON.stringify(ids)).changes;
  }

  /** How many rows name this stored file (the same bytes sent twice are kept once). */
  pathUsers(path: string): number {
    return Number((this.s().pathUsers.get(path) as Raw).n);
  }

  /** Refused (over the size limit) or failed (given up after the retries); false when no longer pending. */
  settle(id: number, status: "refused" | "failed", error: string, at: string, size?: number): boolean {
    return this.s().settle.run(status, size ?? null, error.slice(0, 200), at, id).changes === 1;
  }
}

function toRow(r: Raw): EvidenceRow {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    position: Number(r.position),
    channel: String(r.channel),
    fileRef: String(r.file_ref),
    messageRef: textOrNull(r.message_ref),
    name: String(r.name),
    mime: String(r.mime),
    size: r.size === null || r.size === undefined ? null : Number(r.size),
    sha256: textOrNull(r.sha256),
    path: textOrNull(r.path),
    status: String(r.status) as EvidenceStatus,
    attempts: Number(r.attempts),
    error: textOrNull(r.error),
    createdAt: String(r.created_at),
    settledAt: textOrNull(r.settled_at),
  };
}
