import { describe, expect, it } from "vitest";
import { createLogger, registerJobs } from "../../src/app.ts";
import { DUTY_CHANNEL, type RoutedTicket } from "../../src/messages.ts";
import { Scheduler } from "../../src/outbox/scheduler.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { createHarness, type Harness } from "./harness.ts";

function fileReport(h: Harness, user = "1001", walk: readonly string[] = REPORT_WALK) {
  h.command("start", "", { userId: user });
  let last: ReturnType<Harness["text"]> | undefined;
  for (const line of walk) last = h.text(line, { userId: user });
  return last;
}

const allText = (messages: { text: string }[]) => messages.map((m) => m.text).join("\n");

describe("engine: a complete report", () => {
  it("creates exactly one incident with its ticket, timeline, audit and routed notifications", () => {
    const h = createHarness();
    const last = fileReport(h);
    expect(last?.ticketId).toBe("SC-2026-000001");
    const incident = h.store.incidentByTicket("SC-2026-000001");
    expect(incident).toMatchObject({
      incidentType: "malware",
      severity: 3,
      status: "new",
      reporterUserId: "1001",
    });
    expect(incident?.answers).toMatchObject({
      system: "Cổng thông tin điện tử tỉnh laichau.gov.vn",
      detection: ["log_review", "user_report"],
      machines: 5,
      canHandleAlone: "no",
      reporter: { fullName: "Nguyễn Văn An", phone: "0912 345 678", email: "an.nv@laichau.gov.vn" },
    });
    // 08:30 Vietnam time is 01:30 UTC; stored in UTC (invariant 8).
    expect(incident?.detectedAt).toBe("2026-11-21T01:30:00.000Z");
    expect(h.store.timeline(incident?.id ?? 0).map((e) => e.action)).toEqual(["submitted"]);
    const routed = h.store
      .duePending(DUTY_CHANNEL, "9999")
      .map((r) => r.payload as RoutedTicket)
      .map((r) => [r.contactId, r.kinds, r.rules]);
    expect(routed).toEqual([
      ["provincial", ["notify", "initial_report"], ["R1", "R2"]],
      ["vncert", ["notify", "initial_report"], ["R1", "R2"]],
    ]);
    expect(h.store.conversation("telegram", "1001")).toBeUndefined();
  });

  it("a contact an admin took out of use receives nothing, though a rule still names it", () => {
    const h = createHarness();
    h.store.db
      .prepare(
        "UPDATE contacts SET active = 0, data = json_set(data, '$.active', json('false')) WHERE id = 'provincial'",
      )
      .run();
    fileReport(h);
    const routed = h.store.duePending(DUTY_CHANNEL, "9999").map((r) => (r.payload as RoutedTicket).contactId);
    expect(routed).toEqual(["vncert"]);
  });

  it("tells the reporter the ticket id, severity with reasons, the routing and the hotline table", () => {
    const h = createHarness();
    const text = allText(fileReport(h)?.messages ?? []);
    expect(text).toContain("SC-2026-000001");
    expect(text).toContain("Mức độ: Cao");
    expect(text).toContain("vượt quá khả năng");
    expect(text).toContain("086.9100.317");
    expect(text).toContain("ir@vncert.vn");
    // Deadline: 5 days after detection, shown in Vietnam time.
    expect(text).toContain("26/11/2026 08:30");
  });

  it("reuses the saved profile for the next report: one tap to confirm the reporter", () => {
    const h = createHarness();
    fileReport(h);
    const second = REPORT_WALK.slice(0, 23);
    h.command("baocao");
    let last: ReturnType<Harness["text"]> | undefined;
    for (const line of second) last = h.text(line);
    expect(allText(last?.messages ?? [])).toContain("Nguyễn Văn An");
    expect(h.lastQuestion(last?.messages ?? [])?.token).toBe("r.reporterConfirm");
    h.text("1"); // use these details
    const done = h.text("1"); // submit
    expect(done.ticketId).toBe("SC-2026-000002");
  });
});

describe("engine: at most once, exactly one ticket", () => {
  it("applies a duplicated update once", () => {
    const h = createHarness();
    h.command("start");
    const first = h.text("Hệ thống một cửa điện tử", { dedupeKey: "update-42" });
    const again = h.text("Hệ thống một cửa điện tử", { dedupeKey: "update-42" });
    expect(first.duplicate).toBe(false);
    expect(first.messages.length).toBeGreaterThan(0);
    expect(again).toEqual({ messages: [], duplicate: true });
    expect(h.draft()?.answers).toEqual({ system: "Hệ thống một cửa điện tử" });
  });

  it("hands back the rows it queued for the chat exactly as they were stored, and none for a duplicate", () => {
    const h = createHarness();
    const event = {
      channel: "telegram",
      chatId: "1001",
      userId: "1001",
      chatType: "private" as const,
      languageCode: "vi",
      dedupeKey: "update-7",
      at: h.now(),
      payload: { kind: "command" as const, command: "start", args: "" },
    };
    const result = h.engine.handle(event);
    expect(result.own?.length).toBeGreaterThan(0);
    expect(result.own?.map((r) => r.id)).toEqual(result.outbox);
    for (const { id, payload } of result.own ?? []) {
      expect(h.store.outboxRow(id)).toMatchObject({ chatId: "1001", status: "pending", payload });
    }
    expect(h.engine.handle(event).own ?? []).toEqual([]);
  });

  it("a second press of the submit button (stale) creates no second ticket", () => {
    const h = createHarness();
    const done = fileReport(h);
    expect(done?.ticketId).toBeDefined();
    const again = h.press("r.summary", "submit");
    expect(allText(again.messages)).toMatch(/không còn hiệu lực|hết hiệu lực/);
    expect(h.store.incidentsByReporter("telegram", "1001")).toHaveLength(1);
  });
});

describe("engine: buttons", () => {
  it("a button from an earlier question changes nothing and says why", () => {
    const h = createHarness();
    h.command("start");
    h.text("Hệ thống thư điện tử công vụ");
    const before = h.draft();
    const reply = h.press("r.status", "ongoing"); // the status question has not been asked yet
    expect(allText(reply.messages)).toContain("câu hỏi cũ");
    expect(h.lastQuestion(reply.messages)?.token).toBe("r.type");
    expect(h.draft()).toEqual(before);
  });

  it("forged callback data for the current question is refused and audited", () => {
    const h = createHarness();
    h.command("start");
    h.text("Hệ thống thư điện tử công vụ");
    const reply = h.press("r.type", "drop_tables");
    expect(allText(reply.messages)).toContain("Không nhận ra lựa chọn");
    expect(h.draft()?.answers).toEqual({ system: "Hệ thống thư điện tử công vụ" });
    const audit = h.db.prepare("SELECT action, outcome FROM audit_log").all();
    expect(audit).toEqual([{ action: "button.unknown", outcome: "denied" }]);
  });

  it("a real button answers the question", () => {
    const h = createHarness();
    h.command("start");
    h.text("Hệ thống thư điện tử công vụ");
    const reply = h.press("r.type", "phishing");
    expect(h.draft()?.answers).toMatchObject({ type: "phishing" });
    expect(h.lastQuestion(reply.messages)?.token).toBe("r.ownerSector");
  });
});

describe("engine: navigation", () => {
  it("back returns to the previous question with its answer kept, and moving on resumes", () => {
    const h = createHarness();
    h.command("start");
    h.text("Website sở");
    h.text("4"); // defacement
    const back = h.text("quay lại");
    expect(h.lastQuestion(back.messages)?.token).toBe("r.type");
    expect(allText(back.messages)).toContain("Câu trả lời hiện tại");
    expect(h.draft()?.answers).toMatchObject({ system: "Website sở", type: "defacement" });
    const keep = h.text("giữ nguyên");
    expect(h.lastQuestion(keep.messages)?.token).toBe("r.ownerSector");
  });

  it("cancel asks for confirmation; 'no' returns to the same question, 'yes' discards the draft", () => {
    const h = createHarness();
    h.command("start");
    h.text("Website sở");
    const ask = h.command("huy");
    expect(h.lastQuestion(ask.messages)?.token).toBe("r.confirmCancel");
    const no = h.text("2");
    expect(h.lastQuestion(no.messages)?.token).toBe("r.type");
    expect(h.draft()?.answers).toEqual({ system: "Website sở" });
    h.text("hủy");
    const yes = h.text("1");
    expect(allText(yes.messages)).toContain("Đã hủy");
    expect(h.store.conversation("telegram", "1001")).toBeUndefined();
  });

  it("a mandatory question cannot be skipped; an optional one can", () => {
    const h = createHarness();
    h.command("start");
    const skipSystem = h.text("bỏ qua");
    expect(h.lastQuestion(skipSystem.messages)?.token).toBe("r.type");
    const skipType = h.text("bỏ qua");
    expect(allText(skipType.messages)).toContain("bắt buộc");
    expect(h.lastQuestion(skipType.messages)?.token).toBe("r.type");
  });

  it("free text first: a description typed as the first message starts a report and proposes its type", () => {
    const h = createHarness();
    const reply = h.text("Máy chủ bị mã hóa hết dữ liệu, có file đòi tiền chuộc bằng bitcoin");
    expect(h.lastQuestion(reply.messages)?.token).toBe("r.typeConfirm");
    expect(allText(reply.messages)).toContain("Mã hóa dữ liệu tống tiền");
    const yes = h.text("1");
    expect(h.draft()?.answers).toMatchObject({
      type: "ransomware",
      description: "Máy chủ bị mã hóa hết dữ liệu, có file đòi tiền chuộc bằng bitcoin",
    });
    // The system question was not answered yet, so it comes next.
    expect(h.lastQuestion(yes.messages)?.token).toBe("r.system");
  });

  it("scam calls get the 156/5656 advice and no ticket", () => {
    const h = createHarness();
    h.command("start");
    h.text("Điện thoại cá nhân");
    const advice = h.text("15"); // scam_call
    expect(allText(advice.messages)).toContain("156");
    h.text("1");
    expect(h.store.incidentsByReporter("telegram", "1001")).toHaveLength(0);
    expect(h.store.conversation("telegram", "1001")).toBeUndefined();
  });
});

describe("engine: languages", () => {
  it("an English Telegram client gets English; /lang switches and sticks", () => {
    const h = createHarness();
    const en = h.command("start", "", { languageCode: "en" });
    expect(allText(en.messages)).toContain("Which system is affected");
    h.command("lang", "vi", { languageCode: "en" });
    const vi = h.text("Cổng thông tin", { languageCode: "en" });
    expect(allText(vi.messages)).toContain("Anh/Chị nghi ngờ");
  });

  it("an unknown client language falls back to Vietnamese", () => {
    const h = createHarness();
    const fr = h.command("start", "", { languageCode: "fr" });
    expect(allText(fr.messages)).toContain("Sự cố xảy ra với hệ thống nào");
  });
});

describe("engine: ticket status", () => {
  it("shows the reporter their ticket and hides other people's tickets", () => {
    const h = createHarness();
    fileReport(h);
    const mine = h.command("trangthai", "sc-2026-000001");
    expect(allText(mine.messages)).toContain("Chờ tiếp nhận");
    const other = h.command("status", "SC-2026-000001", { userId: "2002" });
    expect(allText(other.messages)).toContain("Không tìm thấy");
    const bad = h.command("status", "<b>x</b>");
    expect(allText(bad.messages)).toContain("&lt;b&gt;x&lt;/b&gt;");
    const list = h.command("mytickets");
    expect(allText(list.messages)).toContain("SC-2026-000001");
  });
});

describe("engine: drafts are reminded, then expire (persisted scheduler, controlled clock)", () => {
  it("reminds once after the reminder time, then discards after the expiry time", () => {
    const h = createHarness({ reminderMs: 60_000, expiryMs: 120_000 });
    h.command("start");
    h.text("Website sở");
    const start = h.now();
    const clockAt = (ms: number) => new Date(start.getTime() + ms);
    let clock = start;
    const scheduler = registerJobs(
      new Scheduler({ store: h.store, logger: createLogger("silent"), clock: () => clock }),
      h.engine,
      undefined,
      undefined,
    );
    clock = clockAt(59_000);
    expect(scheduler.runDue()).toBe(0);
    clock = clockAt(61_000);
    expect(scheduler.runDue()).toBe(1);
    const reminder = h.store.duePending("telegram", "9999").at(-2)?.payload as { text: string };
    expect(reminder.text).toContain("chưa hoàn thành");
    expect(scheduler.runDue()).toBe(0); // fired once
    clock = clockAt(61_000 + 121_000);
    expect(scheduler.runDue()).toBe(1);
    expect(h.store.conversation("telegram", "1001")).toBeUndefined();
  });

  it("activity moves the reminder: an active reporter is not nagged", () => {
    const h = createHarness({ reminderMs: 60_000 });
    h.command("start");
    const start = h.now();
    h.setClock(new Date(start.getTime() + 50_000));
    h.text("Website sở");
    let clock = new Date(start.getTime() + 70_000);
    const scheduler = registerJobs(
      new Scheduler({ store: h.store, logger: createLogger("silent"), clock: () => clock }),
      h.engine,
      undefined,
      undefined,
    );
    expect(scheduler.runDue()).toBe(0);
    clock = new Date(start.getTime() + 111_000);
    expect(scheduler.runDue()).toBe(1);
  });
});

describe("engine: a flow version change never strands a user", () => {
  it("restarts an old snapshot with the answers kept and says so", () => {
    const h = createHarness();
    h.command("start");
    h.text("Website sở");
    h.text("4");
    h.text("1"); // owner sector: civil
    const conv = h.store.conversation("telegram", "1001");
    const stack = conv?.stack.map((e) => ({ ...e, version: 0 })) ?? [];
    h.store.saveConversation("telegram", "1001", "1001", stack, h.now().toISOString());
    const reply = h.text("bây giờ");
    expect(allText(reply.messages)).toContain("vừa được cập nhật");
    expect(h.draft()?.answers).toMatchObject({ system: "Website sở", type: "defacement" });
    expect(h.draft()?.answers).toHaveProperty("detectedAt");
  });
});

describe("engine: typed answers to choices", () => {
  it.each([
    ["nhiem ma doc", "type", "malware"],
    ["Nhiễm mã độc", "type", "malware"],
    ["tan cong tu choi dich vu", "type", "ddos"],
  ])("'%s' picks the option by its label, with or without diacritics", (typed, field, value) => {
    const h = createHarness();
    h.command("start");
    h.text("Cổng thông tin");
    h.text(typed);
    expect(h.draft()?.answers).toMatchObject({ [field]: value });
  });

  it("labels work on yes/no and level questions too, and a number out of range is explained", () => {
    const h = createHarness();
    h.command("start");
    for (const line of [
      "Cổng thông tin",
      "tấn công từ chối dịch vụ",
      "1", // owner sector: civil
      "bây giờ",
      "Cổng thông tin bị tấn công từ chối dịch vụ",
      "dang dien ra",
    ]) {
      h.text(line);
    }
    h.text("2");
    h.press("r.detection", "_done");
    const far = h.text("99");
    expect(far.messages.map((m) => m.text).join("\n")).toContain("Xin chọn số từ 1 đến");
    h.text("cap do 3");
    h.text("khong");
    expect(h.draft()?.answers).toMatchObject({ status: "ongoing", systemLevel: "3", nationalCritical: "no" });
  });
});

describe("engine: evidence files", () => {
  const photo = { fileId: "f1", uniqueId: "u1", kind: "photo" as const };
  const files = (h: Harness) =>
    (
      h.store.conversation("telegram", "1001")?.stack[0]?.snapshot as
        | { context?: { files: unknown[] } }
        | undefined
    )?.context?.files;

  it("a photo as the first message starts a report, keeps the file and asks the first question once", () => {
    const h = createHarness();
    const reply = h.send({ kind: "file", file: photo });
    expect(files(h)).toEqual([photo]);
    expect(reply.messages.filter((m) => m.token)).toHaveLength(1);
    expect(h.lastQuestion(reply.messages)?.token).toBe("r.system");
    expect(reply.messages.map((m) => m.text).join("\n")).toContain("Đã nhận tệp đính kèm");
  });

  it("a caption counts as the answer to the question on screen, and the file is kept too", () => {
    const h = createHarness();
    const reply = h.send({ kind: "file", file: photo, caption: "Cổng dịch vụ công" });
    expect(files(h)).toEqual([photo]);
    expect(h.draft()?.answers).toEqual({ system: "Cổng dịch vụ công" });
    expect(reply.messages.filter((m) => m.token).map((m) => m.token)).toEqual(["r.type"]);
  });
});

describe("engine: dedupe keys are kept long enough, not forever", () => {
  it("keys older than three days are pruned hourly; recent ones still stop a redelivery", () => {
    const h = createHarness();
    h.command("start", "", { dedupeKey: "old" });
    const start = h.now().getTime();
    let clock = new Date(start + 2 * 86_400_000);
    const scheduler = registerJobs(
      new Scheduler({ store: h.store, logger: createLogger("silent"), clock: () => clock }),
      h.engine,
      undefined,
      undefined,
    );
    h.setClock(clock);
    h.text("Cổng thông tin", { dedupeKey: "recent" });
    scheduler.runDue();
    const keys = () =>
      (
        h.db.prepare("SELECT dedupe_key FROM processed_updates ORDER BY dedupe_key").all() as {
          dedupe_key: string;
        }[]
      ).map((r) => r.dedupe_key);
    expect(keys()).toEqual(["old", "recent"]);
    clock = new Date(start + 3 * 86_400_000 + 3_600_000 + 1);
    scheduler.runDue();
    expect(keys()).toEqual(["recent"]);
    expect(h.text("Cổng thông tin", { dedupeKey: "recent" }).duplicate).toBe(true);
  });
});

describe("engine: a failed update leaves nothing behind, in the database or in memory", () => {
  it("answers the next update from the last committed state", () => {
    const h = createHarness();
    h.command("start");
    h.text("Website sở");
    const before = h.draft()?.answers;
    const enqueue = h.store.enqueue.bind(h.store);
    h.store.enqueue = () => {
      throw new Error("disk full");
    };
    expect(() => h.text("4")).toThrow(/disk full/);
    h.store.enqueue = enqueue;
    expect(h.draft()?.answers).toEqual(before);
    // The failed answer was rolled back: the type question is asked again and takes the answer now.
    h.text("4");
    expect(h.draft()?.answers).toMatchObject({ system: "Website sở", type: "defacement" });
  });
});
