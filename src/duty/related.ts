import { findRelated, RELATED_WINDOW_MS, type RelatedCandidate, relatedKeys } from "../domain/related.ts";
import type { IncidentRow, Store } from "../store/store.ts";

/** Tickets that were merged or turned down are no longer offered as possible duplicates. */
const GONE = new Set(["duplicate", "rejected"]);

/** Records what a ticket is about (its domains, public IPs, system) so later reports can be related to it. */
export function recordRelatedKeys(store: Store, incident: IncidentRow): void {
  store.digests.addKeys(
    incident.id,
    relatedKeys(incident.answers as Record<string, unknown>),
    incident.createdAt,
  );
}

/** The tickets a ticket looks related to (see domain/related.ts), earliest first. */
export function relatedIncidents(store: Store, incident: IncidentRow): IncidentRow[] {
  const keys = store.digests.keysOf(incident.id);
  if (keys.length === 0) return [];
  const at = Date.parse(incident.createdAt);
  const from = new Date(at - RELATED_WINDOW_MS).toISOString();
  const to = new Date(at + RELATED_WINDOW_MS).toISOString();
  const ids = new Set(keys.flatMap((k) => store.digests.sharingKey(k, from, to, incident.id)));
  const rows = [...ids].flatMap((id) => {
    const row = store.incidentById(id);
    return row && !GONE.has(row.status) ? [row] : [];
  });
  const candidate = (row: IncidentRow): RelatedCandidate => ({
    ticketId: row.ticketId,
    createdAt: row.createdAt,
    keys: store.digests.keysOf(row.id),
  });
  const found = new Set(findRelated(candidate(incident), rows.map(candidate)).map((c) => c.ticketId));
  return rows
    .filter((r) => found.has(r.ticketId))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.ticketId.localeCompare(b.ticketId));
}

/**
 * What a duty post shows of related tickets: their ids, and the one a merge would fold this ticket into (the
 * earliest related ticket reported before it; the earliest of a group has none, the others merge into it).
 */
export function relatedView(
  store: Store,
  incident: IncidentRow,
): { related: string[]; mergeInto: string | null } {
  const rows = relatedIncidents(store, incident);
  const earlier = rows.find(
    (r) => r.createdAt < incident.createdAt || (r.createdAt === incident.createdAt && r.id < incident.id),
  );
  return { related: rows.map((r) => r.ticketId), mergeInto: earlier?.ticketId ?? null };
}
