import { describe, expect, it } from "vitest";
import { parseShift, type Shift } from "../../src/domain/roster.ts";
import type { ChatMessage } from "../../src/messages.ts";
import { addShift, setLead } from "../../src/roster/roster-service.ts";
import { addProvincialPolice } from "../fixtures/contacts.ts";
import { PAGE_TIMEOUT_MS, rosterSetup } from "./harness.ts";

const DAY_OFFICER = "501";
const ZALO_OFFICER = "0f1e2d3c4b5a69788796";
const LEAD = "503";

function shift(person: string, when: string, start: string, end: string): Shift {
  const parsed = parseShift({ person, when, start, end });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.shift;
}

/**
 * Saturday 21/11/2026 10:00 in Vietnam (03:00 UTC): the morning shift (Telegram) hands over to the day shift (Zalo)
 * at 10:05; the lead is on Telegram. VNCERT/CC keeps the roster (the walk's ticket goes to the province and to it).
 */
function paged() {
  const s = rosterSetup();
  const at = s.h.now().toISOString();
  addProvincialPolice(s.h.store);
  addShift(s.h.store, "test", "vncert", shift(`telegram:${DAY_OFFICER}`, "T7", "06:00", "10:05"), at);
  addShift(s.h.store, "test", "vncert", shift(`zalo:${ZALO_OFFICER}`, "T7", "10:05", "18:00"), at);
  setLead(s.h.store, "test", "vncert", `telegram:${LEAD}`, true, at);
  const ticketId = s.fileReport();
  s.at(1000);
  return { ...s, ticketId };
}

const pagesIn = (timeline: Array<Record<string, unknown>>) =>
  timeline.filter((e) => e.action === "paged").map((e) => e.to);

describe("paging a unit's roster (controlled clock)", () => {
  it("pages the person on duty with the duty post's actions, then across the shift change the next one on Zalo, then the lead, then the next organisation", () => {
    const s = paged();
    const first = s.messagesTo("telegram", DAY_OFFICER) as ChatMessage[];
    expect(first[0]?.text).toContain("Anh/Chị đang trong ca trực");
    expect(first[0]?.text).toContain(s.ticketId);
    // The same actions as the group post: the ticket's token and its buttons, the first being "acknowledge".
    expect(first[1]).toMatchObject({ token: `t.${s.ticketId}` });
    expect(first[1]?.choices?.[0]?.value).toBe("ack");
    expect(pagesIn(s.timeline(s.ticketId))).toEqual([`telegram:${DAY_OFFICER}`]);
    expect(s.messagesTo("zalo", ZALO_OFFICER)).toEqual([]);

    // Not before the timeout.
    s.at(1000 + PAGE_TIMEOUT_MS - 1);
    expect(s.messagesTo("zalo", ZALO_OFFICER)).toEqual([]);
    // 10:05:01: the morning shift is over; the day shift, on Zalo, is on duty now and paged there.
    s.at(1000 + PAGE_TIMEOUT_MS);
    const zalo = s.messagesTo("zalo", ZALO_OFFICER) as ChatMessage[];
    expect(zalo[0]?.text).toContain("người trực kế tiếp");
    expect(zalo[1]?.choices?.map((c) => c.value)).toContain("ack");
    expect(s.timeline(s.ticketId).at(-1)).toMatchObject({
      action: "paged",
      event: "handover",
      from: `telegram:${DAY_OFFICER}`,
      to: `zalo:${ZALO_OFFICER}`,
      step: "next",
    });

    s.at(1000 + 2 * PAGE_TIMEOUT_MS);
    expect((s.messagesTo("telegram", LEAD)[0] as ChatMessage).text).toContain("phụ trách ca trực");
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("new");

    // Nobody acknowledged: the ticket moves to the next organisation of the chain, the reporter is told.
    s.at(1000 + 3 * PAGE_TIMEOUT_MS);
    const incident = s.h.store.incidentByTicket(s.ticketId);
    expect(incident?.status).toBe("escalated");
    expect(incident?.routing.destinations.map((d) => d.contactId)).toEqual(["provincial", "vncert", "pa05"]);
    expect(s.timeline(s.ticketId).map((e) => e.action)).toEqual([
      "submitted",
      "paged",
      "paged",
      "paged",
      "page_exhausted",
      "escalated",
    ]);
    expect((s.messagesTo("telegram", "1001").at(-1) as ChatMessage).text).toContain("chuyển cấp");
    expect(s.pages()).toBe(3);
    // Spent: the chain pages nobody more (PA05 keeps no roster: its duty chats alone get the ticket).
    s.at(1000 + 10 * PAGE_TIMEOUT_MS);
    expect(pagesIn(s.timeline(s.ticketId))).toHaveLength(3);
  });

  it("an acknowledgement typed on Zalo (a number in reply to the page) stops the chain: the lead is never woken", () => {
    const s = paged();
    s.at(1000 + PAGE_TIMEOUT_MS);
    s.lastSentAs("zalo", ZALO_OFFICER, 77);
    s.inbound({ channel: "zalo", userId: ZALO_OFFICER, replyTo: "77" }, { kind: "text", text: "1" });
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
    s.at(1000 + 2 * PAGE_TIMEOUT_MS);
    s.at(1000 + 3 * PAGE_TIMEOUT_MS);
    expect(s.messagesTo("telegram", LEAD)).toEqual([]);
    expect(pagesIn(s.timeline(s.ticketId))).toEqual([`telegram:${DAY_OFFICER}`, `zalo:${ZALO_OFFICER}`]);
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
    expect(s.pages()).toBe(2);
  });

  it("an acknowledgement at the first page, with its button, stops the chain at once", () => {
    const s = paged();
    s.inbound({ userId: DAY_OFFICER }, { kind: "choice", token: `t.${s.ticketId}`, value: "ack" });
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("acknowledged");
    s.at(1000 + 4 * PAGE_TIMEOUT_MS);
    expect(pagesIn(s.timeline(s.ticketId))).toEqual([`telegram:${DAY_OFFICER}`]);
    expect(s.messagesTo("zalo", ZALO_OFFICER)).toEqual([]);
  });

  it("a ticket filed after the shift change pages the person on duty then, not the morning shift", () => {
    const s = rosterSetup(new Date("2026-11-21T03:30:00Z")); // 10:30 in Vietnam
    const at = s.h.now().toISOString();
    addShift(s.h.store, "test", "vncert", shift(`telegram:${DAY_OFFICER}`, "T7", "06:00", "10:05"), at);
    addShift(s.h.store, "test", "vncert", shift(`zalo:${ZALO_OFFICER}`, "T7", "10:05", "18:00"), at);
    const ticketId = s.fileReport();
    s.at(1000);
    expect(pagesIn(s.timeline(ticketId))).toEqual([`zalo:${ZALO_OFFICER}`]);
    // Next: the morning officer's next shift (a week later) is the soonest hand-over.
    s.at(1000 + PAGE_TIMEOUT_MS);
    expect(pagesIn(s.timeline(ticketId))).toEqual([`zalo:${ZALO_OFFICER}`, `telegram:${DAY_OFFICER}`]);
  });

  it("forged or foreign presses change nothing: a stranger, an officer of another unit, an unknown ticket", () => {
    const s = paged();
    const at = s.h.now().toISOString();
    addShift(s.h.store, "test", "ncsc", shift("telegram:777", "*", "00:00", "24:00"), at);
    for (const userId of ["999", "777"]) {
      s.inbound({ userId }, { kind: "choice", token: `t.${s.ticketId}`, value: "ack" });
      expect((s.messagesTo("telegram", userId).at(-1) as ChatMessage).text).toContain("không có quyền");
    }
    s.inbound({ userId: DAY_OFFICER }, { kind: "choice", token: "t.SC-2026-999999", value: "ack" });
    s.inbound({ userId: DAY_OFFICER }, { kind: "choice", token: `t.${s.ticketId}`, value: "explode" });
    expect(s.h.store.incidentByTicket(s.ticketId)?.status).toBe("new");
    const denied = s.h.store.db
      .prepare("SELECT actor FROM audit_log WHERE outcome = 'denied' AND action LIKE 'ticket.%' ORDER BY id")
      .all() as Array<{ actor: string }>;
    expect(denied.map((d) => d.actor)).toEqual([
      "telegram:999",
      "telegram:777",
      `telegram:${DAY_OFFICER}`,
      `telegram:${DAY_OFFICER}`,
    ]);
    // The chain goes on as if nothing happened.
    s.at(1000 + PAGE_TIMEOUT_MS);
    expect(pagesIn(s.timeline(s.ticketId))).toHaveLength(2);
  });

  it("the chain lives in the database: its next step is a pending job, not a timer", () => {
    const s = paged();
    const job = s.h.store.job(`page:${s.ticketId}:vncert`);
    expect(job).toMatchObject({ kind: "page_next", status: "pending" });
    expect(job?.dueAt).toBe(new Date(s.h.now().getTime() + 1000 + PAGE_TIMEOUT_MS).toISOString());
  });
});
