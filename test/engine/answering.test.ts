import { describe, expect, it } from "vitest";
import { registerCommands } from "../../src/channels/telegram/commands.ts";
import type { TelegramPort } from "../../src/channels/telegram/port.ts";
import { createTranslator } from "../../src/i18n.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { createHarness } from "./harness.ts";

const textOf = (reply: { messages: { text: string }[] }) => reply.messages.map((m) => m.text).join("\n");

/** Issue 16.7 and the code parts of 16.8: smaller things seen on the way through a report. */
describe("answering a report", () => {
  it("the progress counter goes up by one per answer, never back and never skipping", () => {
    const h = createHarness();
    h.command("baocao");
    const seen: number[] = [];
    for (const line of REPORT_WALK) {
      const reply = h.text(line);
      const skippedSection = /bỏ qua phần/.test(line);
      const match = /Câu (\d+)\/(\d+)/.exec(h.lastQuestion(reply.messages)?.text ?? "");
      const n = Number(match?.[1]);
      const previous = seen.at(-1);
      if (
        match &&
        previous !== undefined &&
        !reply.messages.some((m) => m.text.includes("Họ và tên của Anh/Chị"))
      ) {
        if (skippedSection) expect(n, line).toBeGreaterThan(previous);
        else expect(n, `after «${line}»: ${seen.join(" → ")} → ${n}`).toBe(previous + 1);
      }
      if (match) seen.push(n);
      if (reply.messages.some((m) => m.text.includes("Họ và tên của Anh/Chị"))) break; // the profile counts on its own
    }
    expect(seen.length).toBeGreaterThan(15);
  });

  it("the counter stays in step when the first message already gave the description (no 3 → 5 jump)", () => {
    const h = createHarness();
    h.store.saveProfile("telegram", "1001", { fullName: "Nguyễn Văn An", organisation: "Sở KH&CN" }, "x");
    h.command("baocao");
    let reply = h.text("Máy chủ thư điện tử bị mã độc tống tiền mã hóa toàn bộ dữ liệu từ sáng nay");
    const seen: number[] = [];
    const typed: Record<string, string> = { "r.detectedAt": "hôm nay 08:30", "r.machines": "5" };
    for (let step = 0; step < 60; step++) {
      const question = h.lastQuestion(reply.messages);
      const token = question?.token ?? "";
      if (!token || token === "r.summary" || token === "r.reporterConfirm") break;
      const match = /Câu (\d+)\/(\d+)/.exec(question?.text ?? "");
      if (match) seen.push(Number(match[1]));
      const pick = question?.choices?.find((c) => !c.value.startsWith("_") && c.value !== "other");
      if (typed[token]) reply = h.text(typed[token] ?? "");
      else if (pick) reply = h.text("1");
      else if (question?.choices?.some((c) => c.value === "_skipSection"))
        reply = h.press(token, "_skipSection");
      else if (question?.choices?.some((c) => c.value === "_skip")) reply = h.press(token, "_skip");
      else reply = h.text("Sở Khoa học và Công nghệ");
    }
    expect(seen.length).toBeGreaterThan(10);
    for (const [i, n] of seen.entries()) {
      if (i > 0) expect(n, seen.join(" → ")).toBeGreaterThan(seen[i - 1] ?? 0);
    }
    // Steps of one, but for the technical section skipped at once.
    expect(
      seen.filter((n, i) => i > 0 && n - (seen[i - 1] ?? 0) > 1).length,
      seen.join(" → "),
    ).toBeLessThanOrEqual(1);
  });

  it("choosing the one exclusive option («Chưa thông báo cho ai») answers the question without «xong»", () => {
    const h = createHarness();
    h.command("baocao");
    let reply = h.text(REPORT_WALK[0] ?? "");
    for (const line of REPORT_WALK.slice(1)) {
      if (h.lastQuestion(reply.messages)?.token === "r.notified") break;
      reply = h.text(line);
    }
    expect(h.lastQuestion(reply.messages)?.token).toBe("r.notified");
    const after = h.press("r.notified", "none");
    expect(h.draft()?.answers.notified).toEqual(["none"]);
    expect(h.lastQuestion(after.messages)?.token).not.toBe("r.notified");
  });

  it("after /lang the question comes back without the error of the last answer", () => {
    const h = createHarness();
    h.command("baocao");
    h.press("r.system", "_skip");
    const refused = h.text("không phải loại nào");
    expect(textOf(refused)).toContain("⚠️");
    const switched = h.command("lang", "en");
    expect(textOf(switched)).not.toContain("⚠️");
    expect(h.lastQuestion(switched.messages)?.token).toBe("r.type");
  });

  it("/trangthai without an id lists the reporter's tickets and says how to open one", () => {
    const h = createHarness();
    expect(textOf(h.command("trangthai"))).toContain("chưa gửi báo cáo nào");
    h.command("baocao");
    let ticketId = "";
    for (const line of REPORT_WALK) ticketId = h.text(line).ticketId ?? ticketId;
    expect(ticketId).toMatch(/^SC-/);
    const listed = textOf(h.command("trangthai"));
    expect(listed).toContain(ticketId);
    expect(listed).toContain(`/trangthai ${ticketId}`);
    expect(listed).not.toContain("phiên bản");
    expect(textOf(h.command("trangthai", ticketId))).not.toContain("phiên bản");
  });

  it("/help names the Vietnamese commands, and each works, as do the English names and /cuatoi", () => {
    const h = createHarness();
    const help = textOf(h.command("trogiup"));
    for (const name of ["/baocao", "/huy", "/trangthai", "/phieucuatoi", "/lienhe", "/hoso", "/ngonngu"]) {
      expect(help).toContain(name);
    }
    expect(help).not.toContain("/cuatoi");
    for (const name of ["phieucuatoi", "cuatoi", "mytickets"]) {
      expect(textOf(h.command(name))).toContain("chưa gửi báo cáo nào");
    }
    for (const name of ["lienhe", "contacts"]) expect(textOf(h.command(name))).toContain("Đầu mối");
    expect(textOf(h.command("help", "", { languageCode: "en", userId: "2002" }))).toContain("/mytickets");
  });

  it("the Telegram command menu shows the Vietnamese names in Vietnamese and the English names in English", async () => {
    const menus: Record<string, string[]> = {};
    const port = {
      setMyCommands: async (commands: { command: string }[], languageCode?: string) => {
        menus[languageCode ?? "default"] = commands.map((c) => c.command);
        return true;
      },
    } as unknown as TelegramPort;
    const logger = { warn: () => {}, info: () => {}, error: () => {} } as never;
    await registerCommands(port, createTranslator("vi"), "vi", logger);
    expect(menus.vi).toEqual([
      "baocao",
      "huy",
      "trangthai",
      "phieucuatoi",
      "lienhe",
      "hoso",
      "ngonngu",
      "trogiup",
    ]);
    expect(menus.en).toEqual([
      "report",
      "cancel",
      "status",
      "mytickets",
      "contacts",
      "profile",
      "lang",
      "help",
    ]);
    expect(menus.default).toEqual(menus.vi);
    for (const name of menus.vi ?? []) expect(name).toMatch(/^[a-z0-9_]{1,32}$/);
  });
});
