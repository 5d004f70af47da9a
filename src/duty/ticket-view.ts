import { TICKET_FLOW_VERSION } from "../../flows/ticket.ts";
import { legalDeadline } from "../domain/tickets.ts";
import type { IncidentRow, Store } from "../store/store.ts";
import { relatedView } from "./related.ts";
import type { TicketView } from "./render.ts";

/** A ticket's lifecycle view for its duty message: status, who did what (display names), outcome. */
export function ticketView(store: Store, incident: IncidentRow): TicketView {
  const { snapshot, version, assignee } = store.ticketState(incident.id);
  // Another ticket flow version's context may name or shape its fields differently: show only the row's facts.
  const context =
    (
      (version === TICKET_FLOW_VERSION ? snapshot : null) as {
        context?: {
          acknowledgedBy?: string | null;
          resolution?: string | null;
          reason?: string | null;
          duplicateOf?: string | null;
        };
      } | null
    )?.context ?? {};
  const acknowledgedBy = context.acknowledgedBy ?? null;
  const names: Record<string, string> = {};
  for (const id of [acknowledgedBy, assignee]) {
    if (!id) continue;
    const [channel = "", userId = ""] = id.split(/:(.*)/s);
    names[id] = store.displayName(channel, userId) ?? id;
  }
  return {
    status: incident.status,
    acknowledgedBy,
    assignee,
    names,
    resolution: context.resolution ?? null,
    reason: incident.status === "rejected" ? (context.reason ?? null) : null,
    duplicateOf: context.duplicateOf ?? null,
    legalDeadline: legalDeadline(incident.detectedAt, store.routingRules(), "submitted"),
    ...relatedView(store, incident),
  };
}
