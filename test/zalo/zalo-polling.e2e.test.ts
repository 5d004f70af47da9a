import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_WALK, WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { fold, optionLabel, startZaloStack, type ZaloStack, ZaloUser } from "./zalo-harness.ts";

describe("Zalo end to end, long polling against the fake Zalo server", () => {
  let stack: ZaloStack;
  beforeAll(async () => {
    stack = await startZaloStack("polling");
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("files a complete report from /start to the ticket, typing numbers and labels (with and without diacritics), bad input answered on the way", async () => {
    const user = new ZaloUser(stack, "a1b2c3d4e5f60718293a");
    await user.say("/start");
    expect(user.lastText()).toContain("Sự cố xảy ra với hệ thống nào?");
    let labels = 0;
    const walk = WALL_CLOCK_REPORT_WALK;
    for (const [i, answer] of walk.entries()) {
      if (i === 1) {
        // Bad input at the incident type question: each answered, none changes an answer.
        const seen = user.texts().length;
        await user.send({ type: "sticker" });
        expect(user.textsSince(seen)).toContain("chưa đọc được nhãn dán");
        await user.send({ type: "voice" });
        expect(user.textsSince(seen)).toContain("chưa nghe được tin nhắn thoại");
        await user.send({ type: "unsupported" });
        expect(user.textsSince(seen)).toContain("không đọc được loại tin nhắn này");
        await user.say("😀😀😀");
        await user.say("x".repeat(5000));
        const answers = stack.app.store.conversation("zalo", user.id)?.stack[0]?.snapshot as {
          context?: { answers: object };
        };
        expect(answers.context?.answers).toEqual({ system: REPORT_WALK[0] });
      }
      const question = user.lastText();
      // A single number that picks a listed option is typed as the option's label every other time,
      // alternately with and without diacritics.
      // (Not on a multiple-choice question, where a label toggles an option and only numbers submit at once.)
      const multi = /\n\d+\. Xong\n/.test(question);
      const label = /^\d$/.test(answer) && !multi ? optionLabel(question, Number(answer)) : undefined;
      if (label && i % 2 === 0) {
        labels++;
        await user.say(labels % 2 === 0 ? fold(label) : label);
      } else {
        await user.say(answer);
      }
    }
    if (process.env.DEBUG_ZALO) console.log(user.texts().join("\n=====\n"));
    expect(labels).toBeGreaterThanOrEqual(4);
    const last = user.lastText();
    expect(last).toMatch(/Mã phiếu: SC-\d{4}-\d{6}/);
    const incident = stack.app.store.incidentsByReporter("zalo", user.id)[0];
    expect(incident?.answers).toMatchObject({
      type: "malware",
      detection: ["log_review", "user_report"],
      machines: 5,
      notified: ["none"],
      reporter: { fullName: "Nguyễn Văn An", phone: "0912 345 678" },
    });
    // Every message is plain text within Zalo's limit, choices numbered, never HTML.
    for (const text of user.texts()) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(2000);
      expect(text).not.toMatch(/<\/?b>|&lt;|&amp;/);
    }
    expect(
      user.texts().some((t) => /\n1\. .+\n2\. .+[\s\S]*gõ số thứ tự hoặc nội dung lựa chọn/.test(t)),
    ).toBe(true);
    // Typing was shown while the bot worked.
    expect(stack.fake.actions().filter((a) => a.chat_id === user.id).length).toBeGreaterThan(10);
  });

  it("an update Zalo serves twice is applied once", async () => {
    const user = new ZaloUser(stack, "b1b2c3d4e5f60718293b");
    stack.fake.configure({ replayConsumed: true });
    try {
      await user.say("/start");
      await new Promise((r) => setTimeout(r, 600)); // the replayed copy comes back on the next poll
      expect(user.texts().filter((t) => t.includes("Sự cố xảy ra với hệ thống nào?"))).toHaveLength(1);
    } finally {
      stack.fake.configure({ replayConsumed: false });
    }
  });

  it("idle polls are neither errors nor a busy loop", async () => {
    const before = stack.fake.calls.getUpdates ?? 0;
    await new Promise((r) => setTimeout(r, 2200));
    const polls = (stack.fake.calls.getUpdates ?? 0) - before;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(4); // 1 s holds plus 100 ms pauses
  });
});
