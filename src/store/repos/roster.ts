import { type Db, json, parse, type Raw } from "./sqlite.ts";

type DeadlineSpec = { minutes: number } | { workingDays: number };

/** A shift as stored (the shape of domain/roster.ts Shift) with its unit and row id. */
export interface StoredShift {
  person: string;
  start: number;
  end: number;
  days: number[];
  dates: string[];
  id: number;
  contactId: string;
}

/** A declared alert period; times are UTC ISO, [startsAt, endsAt). */
export interface AlertPeriod {
  id: number;
  name: string;
  startsAt: string;
  endsAt: string;
  ackDeadlines: Record<1 | 2 | 3 | 4, DeadlineSpec>;
  reminderMinutes: number;
}

/** Where a ticket's page chain for one unit stands: the step it takes next ("done" once stopped or spent). */
export interface PageChain {
  step: "on_duty" | "next" | "lead" | "escalate" | "done";
  paged: string[];
}

/**
 * Rosters, alert periods and page chains (issue 15). Built once per connection (statements prepared once) and
 * reached through `rosterRepo(store.db)`, so the Store class other work also changes stays as it is.
 */
export class SqliteRoster {
  private readonly s;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      shifts: p("SELECT * FROM roster_shifts WHERE contact_id = ? ORDER BY position, id"),
      allShifts: p("SELECT * FROM roster_shifts ORDER BY contact_id, position, id"),
      nextPosition: p("SELECT coalesce(max(position), -1) + 1 AS n FROM roster_shifts WHERE contact_id = ?"),
      addShift: p(
        `INSERT INTO roster_shifts (contact_id, position, person, start_min, end_min, days, dates, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      contactsOfPerson: p(
        "SELECT DISTINCT contact_id FROM roster_shifts WHERE person = ? ORDER BY contact_id",
      ),
      knows: p("SELECT 1 FROM users WHERE channel = ? AND user_id = ?"),
      deleteShift: p("DELETE FROM roster_shifts WHERE id = ?"),
      clearShifts: p("DELETE FROM roster_shifts WHERE contact_id = ?"),
      leads: p(
        "SELECT channel, user_id FROM user_roles WHERE role = 'lead' AND contact_id = ? ORDER BY granted_at",
      ),
      periods: p("SELECT * FROM alert_periods ORDER BY starts_at, id"),
      period: p("SELECT * FROM alert_periods WHERE id = ?"),
      periodAt: p(
        "SELECT * FROM alert_periods WHERE starts_at <= ? AND ends_at > ? ORDER BY starts_at DESC, id DESC LIMIT 1",
      ),
      addPeriod: p(
        `INSERT INTO alert_periods (name, starts_at, ends_at, ack_deadlines, reminder_minutes, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      deletePeriod: p("DELETE FROM alert_periods WHERE id = ?"),
      chain: p("SELECT step, paged FROM page_chains WHERE incident_id = ? AND contact_id = ?"),
      saveChain: p(
        `INSERT INTO page_chains (incident_id, contact_id, step, paged, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (incident_id, contact_id) DO UPDATE SET step = excluded.step, paged = excluded.paged,
           updated_at = excluded.updated_at`,
      ),
    };
  }

  shifts(contactId: string): StoredShift[] {
    return this.s.shifts.all(contactId).map((r) => toShift(r as Raw));
  }

  allShifts(): StoredShift[] {
    return this.s.allShifts.all().map((r) => toShift(r as Raw));
  }

  addShift(contactId: string, shift: Omit<StoredShift, "id" | "contactId">, by: string, at: string): number {
    const { n } = this.s.nextPosition.get(contactId) as { n: number };
    const info = this.s.addShift.run(
      contactId,
      n,
      shift.person,
      shift.start,
      shift.end,
      json(shift.days),
      json(shift.dates),
      by,
      at,
    );
    return Number(info.lastInsertRowid);
  }

  /** The units whose roster names this person. */
  contactsOfPerson(person: string): string[] {
    return (this.s.contactsOfPerson.all(person) as Array<{ contact_id: string }>).map((r) => r.contact_id);
  }

  /** Whether the person has ever written to the assistant (a channel only lets a bot message people who did). */
  knowsPerson(person: string): boolean {
    const [channel = "", userId = ""] = person.split(/:(.*)/s);
    return this.s.knows.get(channel, userId) !== undefined;
  }

  deleteShift(id: number): boolean {
    return this.s.deleteShift.run(id).changes > 0;
  }

  /** Replaces a unit's whole roster (an import). */
  replaceShifts(
    contactId: string,
    shifts: readonly Omit<StoredShift, "id" | "contactId">[],
    by: string,
    at: string,
  ): void {
    this.s.clearShifts.run(contactId);
    for (const shift of shifts) this.addShift(contactId, shift, by, at);
  }

  /** The unit's leads, as "channel:userId", longest-standing first. */
  leads(contactId: string): string[] {
    return (this.s.leads.all(contactId) as Array<{ channel: string; user_id: string }>).map(
      (r) => `${r.channel}:${r.user_id}`,
    );
  }

  periods(): AlertPeriod[] {
    return this.s.periods.all().map((r) => toPeriod(r as Raw));
  }

  period(id: number): AlertPeriod | undefined {
    const row = this.s.period.get(id) as Raw | undefined;
    return row ? toPeriod(row) : undefined;
  }

  /** The alert period in force at an instant (the latest started, if two overlap). */
  periodAt(at: string): AlertPeriod | undefined {
    const row = this.s.periodAt.get(at, at) as Raw | undefined;
    return row ? toPeriod(row) : undefined;
  }

  addPeriod(period: Omit<AlertPeriod, "id">, by: string, at: string): number {
    const info = this.s.addPeriod.run(
      period.name,
      period.startsAt,
      period.endsAt,
      json(period.ackDeadlines),
      period.reminderMinutes,
      by,
      at,
    );
    return Number(info.lastInsertRowid);
  }

  deletePeriod(id: number): boolean {
    return this.s.deletePeriod.run(id).changes > 0;
  }

  chain(incidentId: number, contactId: string): PageChain | undefined {
    const row = this.s.chain.get(incidentId, contactId) as Raw | undefined;
    return row ? { step: row.step as PageChain["step"], paged: parse<string[]>(row.paged) } : undefined;
  }

  saveChain(incidentId: number, contactId: string, chain: PageChain, at: string): void {
    this.s.saveChain.run(incidentId, contactId, chain.step, json(chain.paged), at);
  }
}

function toShift(r: Raw): StoredShift {
  return {
    id: Number(r.id),
    contactId: String(r.contact_id),
    person: String(r.person),
    start: Number(r.start_min),
    end: Number(r.end_min),
    days: parse<number[]>(r.days),
    dates: parse<string[]>(r.dates),
  };
}

function toPeriod(r: Raw): AlertPeriod {
  return {
    id: Number(r.id),
    name: String(r.name),
    startsAt: String(r.starts_at),
    endsAt: String(r.ends_at),
    ackDeadlines: parse<AlertPeriod["ackDeadlines"]>(r.ack_deadlines),
    reminderMinutes: Number(r.reminder_minutes),
  };
}

const repos = new WeakMap<Db, SqliteRoster>();

/** The roster repository of a connection, built on first use. */
export function rosterRepo(db: Db): SqliteRoster {
  let repo = repos.get(db);
  if (!repo) {
    repo = new SqliteRoster(db);
    repos.set(db, repo);
  }
  return repo;
}
