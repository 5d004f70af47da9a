import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseShift } from "../../src/domain/roster.ts";
import { addShift } from "../../src/roster/roster-service.ts";
import { waitFor } from "../e2e/telegram-harness.ts";
import { OPEN_REPORT_WALK, onWallClock, WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { startZaloStack, type ZaloStack, ZaloUser } from "../zalo/zalo-harness.ts";

const OFFICER = "0f1e2d3c4b5a69788796";
const REPORTER = "f1b2c3d4e5f60718293f";

/** The officer on a 24-hour shift of VNCERT/CC, a report filed on Zalo, and the officer's page received. */
async function pagedTicket(
  stack: ZaloStack,
  walk: readonly string[] = WALL_CLOCK_REPORT_WALK,
): Promise<{ ticketId: string; officer: ZaloUser }> {
  const shift = parseShift({ person: `zalo:${OFFICER}`, when: "*", start: "00:00", end: "24:00" });
  if (!shift.ok) throw new Error(shift.error);
  addShift(stack.app.store, "test", "vncert", shift.shift, new Date().toISOString());
  const reporter = new ZaloUser(stack, REPORTER);
  await reporter.say("/start");
  for (const line of walk) await reporter.say(line);
  const ticketId = /SC-\d{4}-\d{6}/.exec(reporter.lastText())?.[0] ?? "";
  expect(ticketId).not.toBe("");
  const officer = new ZaloUser(stack, OFFICER, "Trực ban Zalo");
  await waitFor(
    () => officer.texts().some((t) => t.includes(ticketId) && /\n1\. /.test(t)),
    "the page",
    5000,
  );
  return { ticketId, officer };
}

/** A fresh Zalo stack (fake server, real channel) for one describe block. */
function useStack(): () => ZaloStack {
  let stack: ZaloStack | undefined;
  beforeAll(async () => {
    stack = await startZaloStack("polling");
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => stack as ZaloStack;
}

/** The real Zalo channel against the fake Zalo server: a page arrives in the officer's private chat and "1" acknowledges. */
describe("paging on Zalo (real channel, fake server)", () => {
  const current = useStack();

  it("the person on duty is paged privately with numbered actions, answers 1, and the ticket is acknowledged", async () => {
    const stack = current();
    const { ticketId, officer } = await pagedTicket(stack);
    expect(officer.texts()[0]).toContain("Anh/Chị đang trong ca trực");
    const post = officer.texts().find((t) => /\n1\. /.test(t)) ?? "";
    expect(post).toContain("gõ số thứ tự hoặc nội dung lựa chọn");
    expect(post).not.toMatch(/<\/?b>/);

    // The pages metric counts it (it stayed at 0 before paging existed).
    expect((await stack.app.metrics.scrape()).body).toMatch(/^incident_bot_pages_sent_total 1$/m);

    await officer.say("1");
    expect(stack.app.store.incidentByTicket(ticketId)?.status).toBe("acknowledged");
    const timeline = stack.app.store.timeline(stack.app.store.incidentByTicket(ticketId)?.id ?? 0);
    expect(timeline.map((e) => e.action)).toEqual(["submitted", "paged", "acknowledged"]);
    expect(timeline[2]?.actor).toBe(`zalo:${OFFICER}`);
  });
});

describe("paging on Zalo: a notice after the page (real channel, fake server)", () => {
  const current = useStack();

  it("a deadline warning that arrives after the page does not take the officer's '1': it still acknowledges", async () => {
    const stack = current();
    const { ticketId, officer } = await pagedTicket(stack);
    // The legal-deadline warning falls due now (the scheduler fires it): a notice under the ticket's post,
    // which is now the newest message in the officer's chat.
    const before = officer.texts().length;
    stack.app.db
      .prepare("UPDATE scheduled_jobs SET due_at = ? WHERE job_key = ?")
      .run(new Date(Date.now() - 1000).toISOString(), `legal:${ticketId}`);
    await waitFor(
      () =>
        officer
          .texts()
          .slice(before)
          .some((t) => t.includes("⚖️")),
      "the warning",
      5000,
    );

    await officer.say("1");
    expect(stack.app.store.incidentByTicket(ticketId)?.status).toBe("acknowledged");
    // No report was started in the officer's chat.
    expect(officer.texts().slice(before).join("\n")).not.toContain("Câu 1/");
  });
});

// Confidential or not, the answer goes to the officer who asked: in their own private chat (where the page and
// its post are), not into a group.
describe.each([
  ["an open report", onWallClock(OPEN_REPORT_WALK)],
  ["a confidential report", WALL_CLOCK_REPORT_WALK],
])("paging on Zalo: the officer asks the reporter of %s (real channel, fake server)", (_, walk) => {
  const current = useStack();

  it("a reporter's answer to an officer's question reaches the officer, even after a notice came in between", async () => {
    const stack = current();
    const { ticketId: asked, officer } = await pagedTicket(stack, walk);
    const reporter = new ZaloUser(stack, REPORTER);
    await officer.say(`/hoithem ${asked}`);
    await officer.say("Máy chủ nào bị nhiễm trước tiên?");
    await waitFor(
      () => reporter.lastText().includes("Máy chủ nào bị nhiễm trước tiên?"),
      "the question",
      5000,
    );
    // A notice from the desk reaches the reporter before they answer (as a status change or a document note
    // would: no choices, replying to nothing), queued the way the desk queues one.
    const seen = reporter.texts().length;
    stack.app.store.enqueue(
      null,
      "zalo",
      REPORTER,
      { kind: "chat", text: "ℹ️ Thông báo về phiếu" },
      new Date().toISOString(),
    );
    await waitFor(
      () => reporter.textsSince(seen).includes("ℹ️ Thông báo về phiếu"),
      "the reporter's notice",
      5000,
    );

    const before = officer.texts().length;
    await reporter.say("Máy chủ cổng thông tin, lúc 8 giờ");
    await waitFor(
      () => officer.textsSince(before).includes("Máy chủ cổng thông tin, lúc 8 giờ"),
      "the answer in the officer's chat",
      5000,
    );
    expect(reporter.textsSince(seen)).not.toContain("Câu 1/");
  });
});
