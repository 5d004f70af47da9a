import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatedUser, fileReport, type Stack, startStack, waitFor } from "./telegram-harness.ts";

for (const framework of ["grammy", "telegraf"] as const) {
  describe(`Telegram end to end, ${framework}, long polling`, () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack(framework);
    });
    afterAll(async () => {
      await stack.stop();
    });

    it("files a complete report from /start to the ticket confirmation, pressing buttons and typing", async () => {
      const user = new EmulatedUser(stack, 5001);
      await fileReport(user);
      const last = user.lastText();
      expect(last).toMatch(/Mã phiếu: <b>SC-\d{4}-\d{6}<\/b>/);
      expect(last).toContain("Mức độ: Cao");
      expect(last).toContain("086.9100.317");
      const incident = stack.app.store.incidentsByReporter("telegram", "5001")[0];
      expect(incident?.answers).toMatchObject({
        type: "malware",
        detection: ["log_review", "user_report"],
        machines: 5,
        notified: ["none"],
        reporter: { fullName: "Nguyễn Văn An", phone: "0912 345 678" },
      });
      // Answered questions were edited to show the answer, and lost their buttons.
      const typeQuestion = user.messages().find((m) => m.message.text.includes("loại sự cố nào"));
      expect(typeQuestion?.message.text).toContain("✔️ <b>Nhiễm mã độc");
      expect(typeQuestion?.message.reply_markup?.inline_keyboard ?? []).toEqual([]);
    });

    it("a stale button and forged callback data change nothing and get a short explanation", async () => {
      const user = new EmulatedUser(stack, 5002);
      await user.command("/baocao");
      await user.say("Hệ thống thư điện tử công vụ");
      const typeMessage = user.messages().at(-1);
      await user.press("phishing");
      const answersBefore = JSON.stringify(stack.app.store.conversation("telegram", "5002"));
      const seen = user.messages().length;
      await user.pressData("r.type|malware", typeMessage?.messageId ?? 0); // the old question's button
      expect(user.textsSince(seen)).toContain("câu hỏi cũ");
      await user.pressData("r.ownerSector|<script>", user.messages().at(-1)?.messageId ?? 0);
      await user.pressData("không-phải-của-bot", user.messages().at(-1)?.messageId ?? 0);
      expect(user.textsSince(seen)).toContain("Không nhận ra lựa chọn");
      const conversation = stack.app.store.conversation("telegram", "5002");
      const answers = (conversation?.stack[0]?.snapshot as { context?: { answers: object } } | undefined)
        ?.context?.answers;
      expect(answers).toEqual({ system: "Hệ thống thư điện tử công vụ", type: "phishing" });
      expect(JSON.stringify(stack.app.store.conversation("telegram", "5002"))).toBe(answersBefore);
      const denied = stack.app.db
        .prepare("SELECT count(*) AS n FROM audit_log WHERE outcome = 'denied'")
        .get() as { n: number };
      expect(denied.n).toBeGreaterThanOrEqual(2);
    });

    it("markup in user text arrives escaped", async () => {
      const user = new EmulatedUser(stack, 5003);
      await user.command("/start");
      await user.say('<b>Hệ thống</b> <a href="http://x">A&B</a>');
      const seen = user.messages().length;
      await user.say("quay lại");
      const echoed = user.textsSince(seen);
      expect(echoed).toContain(
        "&lt;b&gt;Hệ thống&lt;/b&gt; &lt;a href=&quot;http://x&quot;&gt;A&amp;B&lt;/a&gt;",
      );
      expect(echoed).not.toContain('<a href="http://x">');
    });

    it("Vietnamese and English users each see their language", async () => {
      const vi = new EmulatedUser(stack, 5004, "vi");
      const en = new EmulatedUser(stack, 5005, "en");
      await vi.command("/start");
      await en.command("/start");
      expect(vi.textsSince(0)).toContain("Sự cố xảy ra với hệ thống nào?");
      expect(en.textsSince(0)).toContain("Which system is affected?");
      const seen = en.messages().length;
      await en.command("/contacts");
      expect(en.textsSince(seen)).toContain("Incident response contacts");
    });

    it("in a group, /report answers with a link to the private chat and other messages get no answer", async () => {
      const client = stack.server.getClient("123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", {
        userId: 5006,
        chatId: -1005006,
        type: "supergroup",
        chatTitle: "Tổ trực",
      });
      await client.sendMessage(client.makeMessage("máy chủ có dấu hiệu bị tấn công"));
      await client.sendCommand(client.makeCommand("/report"));
      await waitFor(() => stack.messages(-1005006).length > 0, "the group answer");
      await new Promise((r) => setTimeout(r, 200));
      const answers = stack.messages(-1005006);
      expect(answers).toHaveLength(1);
      expect(answers[0]?.message.text).toContain("tin nhắn riêng");
      expect(answers[0]?.message.reply_markup?.inline_keyboard[0]?.[0]?.url).toMatch(
        /^https:\/\/t\.me\/\w+\?start=report$/,
      );
      expect(stack.app.store.conversation("telegram", "-1005006")).toBeUndefined();
    });
  });
}
