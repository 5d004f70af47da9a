import { describe, expect, it } from "vitest";
import { TICKET_FLOW_VERSION } from "../../flows/ticket.ts";
import type { DutyEvent } from "../../src/duty/desk.ts";
import { ticketView } from "../../src/duty/ticket-view.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { dutyRig } from "../support/duty-rig.ts";

const GROUP = "-100777";

/** A filed report, routed to VNCERT/CC and posted in a group bound to it. */
function postedTicket() {
  const rig = dutyRig({ group: GROUP });
  const { h } = rig;
  const send = (payload: DutyEvent["payload"], userId: string) => rig.event(payload, { userId });
  const ticketId = rig.fileReport(REPORT_WALK);
  rig.bind("vncert");
  rig.fanOutAfter(61_000);
  const incident = () => {
    const row = h.store.incidentByTicket(ticketId);
    if (!row) throw new Error("no incident");
    return row;
  };
  /** What a release with another ticket flow would have left: its snapshot, its version, this status. */
  const storedByOtherVersion = (snapshot: unknown, status: string) =>
    h.store.db
      .prepare("UPDATE incidents SET status = ?, ticket_snapshot = ?, assignee = NULL WHERE id = ?")
      .run(status, JSON.stringify({ flowVersion: TICKET_FLOW_VERSION + 1, snapshot }), incident().id);
  return { h, send, ticketId, incident, storedByOtherVersion };
}

describe("ticket snapshots are guarded by the ticket flow's version", () => {
  it("a transition stores the ticket flow version with the snapshot", () => {
    const s = postedTicket();
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, "700");
    expect(s.incident().status).toBe("acknowledged");
    const state = s.h.store.ticketState(s.incident().id);
    expect(state.version).toBe(TICKET_FLOW_VERSION);
    expect(state.snapshot).toMatchObject({
      value: "acknowledged",
      context: { acknowledgedBy: "telegram:700" },
    });
  });

  it("a snapshot of another version is rebuilt at the incident's status, not restored blindly", () => {
    const s = postedTicket();
    // Restored as is, this snapshot would say "new" and let the ticket be acknowledged again.
    const stale = { status: "active", value: "new", context: { ticketId: s.ticketId, contacts: ["vncert"] } };
    s.storedByOtherVersion(stale, "in_progress");
    s.send({ kind: "action", ticketId: s.ticketId, action: "ack" }, "700");
    expect(s.incident().status).toBe("in_progress");
    s.send({ kind: "action", ticketId: s.ticketId, action: "take" }, "700");
    expect(s.incident().status).toBe("in_progress");
    const state = s.h.store.ticketState(s.incident().id);
    expect(state).toMatchObject({ version: TICKET_FLOW_VERSION, assignee: "telegram:700" });
    // Its context is rebuilt from the incident row too: every contact the ticket is routed to, not the stale list.
    const routed = s.incident().routing.destinations.map((d) => d.contactId);
    expect(routed.length).toBeGreaterThan(1);
    expect(state.snapshot).toMatchObject({ value: "in_progress", context: { contacts: routed } });
  });

  it("a snapshot of another version whose states this machine does not know still lets the ticket move on", () => {
    const s = postedTicket();
    s.storedByOtherVersion({ status: "active", value: { triage: "pending" }, context: {} }, "acknowledged");
    s.send({ kind: "action", ticketId: s.ticketId, action: "take" }, "700");
    expect(s.incident().status).toBe("in_progress");
    expect(s.h.store.ticketState(s.incident().id).version).toBe(TICKET_FLOW_VERSION);
  });

  it("the duty message shows no outcome read from another version's context", () => {
    const s = postedTicket();
    const foreign = {
      status: "active",
      value: "resolved",
      context: { resolution: { text: "x" }, acknowledgedBy: 7 },
    };
    s.storedByOtherVersion(foreign, "resolved");
    expect(ticketView(s.h.store, s.incident())).toMatchObject({
      status: "resolved",
      acknowledgedBy: null,
      resolution: null,
    });
  });
});
