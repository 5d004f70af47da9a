import { describe, expect, it } from "vitest";
import { AdminStore } from "../../src/store/admin-store.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

const AT = "2026-11-21T03:00:00.000Z";

function storeWithIncident() {
  const store = new Store(openDatabase(":memory:"));
  const { row } = store.insertIncident({
    ticketId: "SC-2026-000001",
    submissionKey: "k1",
    channel: "telegram",
    chatId: "1001",
    reporterUserId: "1001",
    reporterLocale: "vi",
    incidentType: "malware",
    severity: 3,
    severityReasons: [],
    serious: false,
    answers: {},
    routing: { destinations: [], advice: [], firedRules: [] },
    status: "new",
    detectedAt: AT,
    createdAt: AT,
  });
  return { store, id: row.id };
}

describe("stored ticket state", () => {
  it("keeps the flow version that wrote the snapshot beside it, and gives the snapshot back as saved", () => {
    const { store, id } = storeWithIncident();
    expect(store.ticketState(id)).toEqual({ snapshot: null, version: null, assignee: null });
    const snapshot = { status: "active", value: "in_progress", context: { assignee: "telegram:7" } };
    store.saveTicket(id, "in_progress", snapshot, "telegram:7", AT, 4);
    expect(store.ticketState(id)).toEqual({ snapshot, version: 4, assignee: "telegram:7" });
    expect(store.incidentById(id)?.status).toBe("in_progress");
  });

  it("reads a snapshot saved before versions were stored as the ticket flow's first version", () => {
    const { store, id } = storeWithIncident();
    const snapshot = { status: "active", value: "acknowledged", context: {} };
    store.db
      .prepare("UPDATE incidents SET ticket_snapshot = ? WHERE id = ?")
      .run(JSON.stringify(snapshot), id);
    expect(store.ticketState(id)).toEqual({ snapshot, version: 1, assignee: null });
  });

  it("the administration and the routing read a contact row the same way", () => {
    const { store } = storeWithIncident();
    const admin = new AdminStore(store.db);
    for (const record of admin.contacts()) {
      expect(store.contact(record.id)).toEqual({ id: record.id, version: record.version, ...record.data });
    }
    expect(store.contacts().map((c) => c.id)).toEqual(admin.contacts().map((c) => c.id));
    expect(admin.contacts().length).toBeGreaterThan(0);
  });
});
