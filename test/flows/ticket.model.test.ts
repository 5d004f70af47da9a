import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { initialTransition, transition } from "xstate";
import { getShortestPaths } from "xstate/graph";
import { type TicketActor, type TicketEvent, ticketMachine } from "../../flows/ticket.ts";

const AT = "2026-11-21T03:00:00.000Z";
const duty: TicketActor = { id: "telegram:1", name: "Trực ban", contacts: ["vncert"], admin: false };
const outsider: TicketActor = { id: "telegram:2", name: "Người ngoài", contacts: ["police"], admin: false };
const admin: TicketActor = { id: "telegram:3", name: "Quản trị", contacts: [], admin: true };
const reporter: TicketActor = { id: "telegram:1001", name: "Báo cáo", contacts: [], admin: false };

function events(actor: TicketActor): TicketEvent[] {
  return [
    { type: "ACK", actor, at: AT },
    { type: "TAKE", actor, at: AT },
    { type: "ASK", actor, question: "Máy chủ nào?", at: AT },
    { type: "REPLY", actor, at: AT },
    { type: "RESOLVE", actor, summary: "Đã gỡ mã độc", at: AT },
    { type: "ESCALATE", actor, to: "ncsc", reason: "Vượt khả năng", at: AT },
    { type: "DUPLICATE", actor, of: "SC-2026-000001", at: AT },
    { type: "REJECT", actor, reason: "Không phải sự cố", at: AT },
    { type: "CLOSE", actor, at: AT },
    { type: "REOPEN", actor, at: AT },
  ];
}

const input = {
  ticketId: "SC-2026-000002",
  reporter: "telegram:1001",
  contacts: ["vncert", "provincial"],
  at: AT,
};

describe("ticket lifecycle (model-based)", () => {
  const paths = getShortestPaths(ticketMachine, {
    events: [...events(duty), ...events(reporter).filter((e) => e.type === "REPLY")],
    input,
  } as never);

  it("reaches every state, and every final one (closed, duplicate, rejected) by its shortest path", () => {
    const states = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const s of [
      "new",
      "acknowledged",
      "in_progress",
      "waiting_reporter",
      "escalated",
      "resolved",
      "closed",
      "duplicate",
      "rejected",
    ]) {
      expect(states, s).toContain(JSON.stringify(s));
    }
    for (const path of paths.filter((p) => p.state.status === "done")) {
      const end = path.steps.reduce<AnyMachineSnapshot>(
        (s, step) => transition(ticketMachine, s, step.event as TicketEvent)[0],
        initialTransition(ticketMachine, input)[0],
      );
      expect(end.value).toEqual(path.state.value);
    }
  });

  it("an actor acting for none of the ticket's contacts can do nothing, in any state", () => {
    for (const path of paths) {
      for (const event of events(outsider))
        expect(path.state.can(event), `${String(path.state.value)} ${event.type}`).toBe(false);
    }
  });

  it("only the reporter answers a question; an admin may act on any ticket", () => {
    const waiting = paths.find((p) => p.state.value === "waiting_reporter")?.state;
    expect(waiting?.can({ type: "REPLY", actor: duty, at: AT })).toBe(false);
    expect(waiting?.can({ type: "REPLY", actor: reporter, at: AT })).toBe(true);
    const fresh = initialTransition(ticketMachine, input)[0];
    expect(fresh.can({ type: "ACK", actor: admin, at: AT })).toBe(true);
  });

  it("escalation adds the new contact, whose officers may then act", () => {
    const [escalated] = transition(ticketMachine, initialTransition(ticketMachine, input)[0], {
      type: "ESCALATE",
      actor: duty,
      to: "ncsc",
      reason: "Cần giám sát",
      at: AT,
    });
    expect(escalated.context.contacts).toEqual(["vncert", "provincial", "ncsc"]);
    const ncscOfficer: TicketActor = { id: "telegram:4", name: "NCSC", contacts: ["ncsc"], admin: false };
    expect(initialTransition(ticketMachine, input)[0].can({ type: "ACK", actor: ncscOfficer, at: AT })).toBe(
      false,
    );
    expect(escalated.can({ type: "ACK", actor: ncscOfficer, at: AT })).toBe(true);
  });
});
