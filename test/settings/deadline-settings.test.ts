import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import type { ChatMessage } from "../../src/messages.ts";
import { StoredDeadlineSettings } from "../../src/settings/deadline-settings.ts";
import { createHarness } from "../engine/harness.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { dutyRig } from "../support/duty-rig.ts";

const GROUP = "-100777";
const ADMIN = "9000";
const SHELL = { kind: "shell" } as const;

/**
 * A reporter, an admin (granted the admin role) and a duty desk that reads the stored deadline settings, on a
 * hand-driven clock. REPORT_WALK files a ticket of severity Cao (3).
 */
function setup(now: string) {
  const h = createHarness({ now: new Date(now) });
  h.store.grantRole("telegram", ADMIN, "admin", "", "cli", now);
  const settings = new StoredDeadlineSettings(h.store);
  const rig = dutyRig({ harness: h, group: GROUP, desk: { configAdmins: {}, settings } });
  const { desk } = rig;
  rig.bind("vncert", { userName: "Quản trị" });
  /** Files a report as user 1001 and lets the desk route it: returns the ticket's acknowledge due time. */
  const fileTicket = (): { ticketId: string; due: string } => {
    const ticketId = rig.fileReport(REPORT_WALK);
    rig.fanOutAfter(1000);
    const job = h.store.job(`ack:${ticketId}`);
    return { ticketId, due: job?.dueAt ?? "" };
  };
  /** An admin's command in their private chat; the texts the assistant answered. */
  const admin = (name: string, args: string, userId = ADMIN): string =>
    h
      .command(name, args, { userId })
      .messages.filter((m): m is ChatMessage => m.kind === "chat")
      .map((m) => m.text)
      .join("\n");
  const audit = (action: string) =>
    h.store.db
      .prepare("SELECT actor, outcome, details FROM audit_log WHERE action = ? ORDER BY id")
      .all(action)
      .map((r) => {
        const row = r as { actor: string; outcome: string; details: string };
        return { actor: row.actor, outcome: row.outcome, details: JSON.parse(row.details) };
      });
  /** A duty officer in the bound group acknowledges a ticket. */
  const acknowledge = (ticketId: string) =>
    rig.event({ kind: "action", ticketId, action: "ack" }, { userId: "700", userName: "Cán bộ trực" });
  return { h, desk, settings, fileTicket, admin, audit, acknowledge };
}

describe("deadline settings edited in chat", () => {
  it("change the NEXT ticket's acknowledge deadline, as a new version, audited with before and after", () => {
    const s = setup("2026-11-24T03:00:00Z"); // Tuesday, 10:00 in Hà Nội
    const first = s.fileTicket();
    expect(first.due).toBe("2026-11-24T04:00:00.000Z"); // Cao: one hour

    const answer = s.admin("thoihan", "cao 2 giờ nhắc lại 12g");
    expect(answer).toContain("phiên bản 1");
    expect(answer).toContain("1 giờ → <b>2 giờ</b>");
    expect(s.settings.deadlines().ackHours(3)).toBe(2);
    expect(s.settings.deadlines().reraiseMinutes).toBe(12 * 60);

    const second = s.fileTicket();
    expect(second.due).toBe("2026-11-24T05:00:00.000Z"); // two hours now
    // Acknowledged, it is raised again after the new re-raise interval.
    s.acknowledge(second.ticketId);
    expect(s.h.store.job(`unresolved:${second.ticketId}`)?.dueAt).toBe("2026-11-24T15:00:00.000Z");
    // The ticket already filed keeps the deadline it was given.
    expect(s.h.store.job(`ack:${first.ticketId}`)?.dueAt).toBe(first.due);

    expect(s.audit("settings.deadlines")).toEqual([
      {
        actor: `telegram:${ADMIN}`,
        outcome: "ok",
        details: expect.objectContaining({
          version: 1,
          via: "chat",
          fields: ["high", "reraise"],
          before: expect.objectContaining({ high: "1h", reraise: "24h" }),
          after: expect.objectContaining({ high: "2h", reraise: "12h" }),
        }),
      },
    ]);
    // The English alias and a working-day deadline; the history lists both versions.
    expect(s.admin("deadlines", "low 2wd")).toContain("2 ngày làm việc");
    expect(s.admin("thoihan", "lichsu")).toMatch(/Phiên bản 2[\s\S]*Phiên bản 1/);
    // Shown as it is in force, in the reader's language; the admins' /help names the commands.
    expect(s.admin("thoihan", "")).toContain("Tiếp nhận sự cố mức Cao: <b>2 giờ</b>");
    const english = s.h
      .command("deadlines", "", { userId: ADMIN, languageCode: "en" })
      .messages.map((m) => m.text)
      .join("\n");
    expect(english).toContain("<b>Deadlines</b> (version 2");
    expect(s.admin("help", "")).toContain("/thoihan");
    expect(s.admin("help", "", "1234")).not.toContain("/thoihan");
  });

  it("refuses a non-admin on the server (audited) and bad values with a clear answer, saving nothing", () => {
    const s = setup("2026-11-24T03:00:00Z");
    expect(s.admin("thoihan", "cao 1m", "1234")).toContain("Chỉ quản trị viên");
    expect(s.audit("admin.command")).toEqual([{ actor: "telegram:1234", outcome: "denied", details: {} }]);
    // Even past the command gate (a forged call), the service checks authority itself.
    const refused = s.settings.updateDeadlines(
      { kind: "chat", channel: "telegram", userId: "1234" },
      { high: "1m" },
      "2026-11-24T03:00:00Z",
      "chat",
    );
    expect(refused).toEqual({ status: "denied" });
    expect(s.audit("settings.deadlines").map((a) => a.outcome)).toEqual(["denied"]);

    expect(s.admin("thoihan", "cao 2 tuần")).toContain("«2» không phải thời hạn hợp lệ");
    expect(s.admin("thoihan", "nhaclai 1nlv")).toContain("không phải thời gian hợp lệ");
    expect(s.admin("thoihan", "sáng 2h")).toContain("Không có mục «sang»");
    expect(s.admin("thoihan", "cao")).toContain("Chưa có thời gian");
    expect(s.settings.deadlineDoc().version).toBe(0);
    expect(s.admin("deadlines", "high 40d", ADMIN)).toContain("Cách sửa");
  });
});

describe("working-day deadlines skip Tết and the admins' days off, and count working Saturdays", () => {
  it("an acknowledge deadline of one working day that spans Tết Bính Ngọ 2026 falls after the holiday", () => {
    // Friday 13/02/2026 10:00; Tết holiday Monday 16/02 – Friday 20/02 (the eve and days 1–4 of the lunar year).
    const s = setup("2026-02-13T03:00:00Z");
    s.settings.updateDeadlines(SHELL, { high: "1wd" }, "2026-02-13T02:00:00Z", "cli");
    // Without the holidays it would be Monday 16/02; with them, Monday 23/02 at the same time of day.
    expect(s.fileTicket().due).toBe("2026-02-23T03:00:00.000Z");
  });

  it("an extra day off added by an admin in chat moves the deadline; a working Saturday counts", () => {
    const s = setup("2026-11-26T03:00:00Z"); // Thursday
    s.settings.updateDeadlines(SHELL, { high: "1wd" }, "2026-11-26T02:00:00Z", "cli");
    expect(s.fileTicket().due).toBe("2026-11-27T03:00:00.000Z"); // Friday

    const added = s.admin("ngaynghi", "nghi 27/11/2026 nghỉ bù");
    expect(added).toContain("Đã lưu lịch ngày nghỉ (phiên bản 1)");
    expect(added).toContain("27/11/2026 là ngày nghỉ");
    expect(s.fileTicket().due).toBe("2026-11-30T03:00:00.000Z"); // Monday

    expect(s.admin("holidays", "work 28/11/2026 làm bù")).toContain("28/11/2026 là ngày làm việc");
    expect(s.fileTicket().due).toBe("2026-11-28T03:00:00.000Z"); // the working Saturday

    expect(s.admin("ngaynghi", "xoa 27/11/2026")).toContain("Đã bỏ");
    expect(s.settings.calendar()).toEqual({
      decisions: [],
      daysOff: [],
      workingDays: [{ date: "2026-11-28", note: "làm bù" }],
    });
    expect(s.audit("settings.work_calendar").map((a) => [a.actor, a.details.version])).toEqual([
      [`telegram:${ADMIN}`, 1],
      [`telegram:${ADMIN}`, 2],
      [`telegram:${ADMIN}`, 3],
    ]);
    const year = s.admin("ngaynghi", "2026");
    expect(year).toContain("17/02/2026 — Tết Nguyên đán");
    expect(year).toContain("28/11/2026 — làm bù");
    expect(s.admin("ngaynghi", "nghi 31/02/2026")).toContain("không phải ngày hợp lệ");
  });
});

describe("the legal deadline's warning around Tết", () => {
  it("is moved back to the last working day before the holiday when its time falls on a day off", () => {
    // Wednesday 11/02/2026 10:00, detected 08:30: the 5-day deadline is Monday 16/02 08:30 (Tết), its 24-hour
    // warning would be Sunday 15/02; it is given on Friday 13/02 08:30, the last working day before.
    const s = setup("2026-02-11T03:00:00Z");
    const { ticketId } = s.fileTicket();
    const job = s.h.store.job(`legal:${ticketId}`);
    expect(job?.payload).toMatchObject({ deadline: "2026-02-16T01:30:00.000Z" });
    expect(job?.dueAt).toBe("2026-02-13T01:30:00.000Z");
  });

  it("a ticket filed during Tết is not warned at once: no working day comes before, so the warning keeps its time", () => {
    // Tuesday 17/02/2026 10:00, the second day of Tết; detected 08:30: the deadline is Sunday 22/02 08:30, its
    // 24-hour warning Saturday 21/02 08:30. Every day from the filing to then is a day off, and moving the
    // warning back to the filing itself told the reporter "no organisation has acknowledged" as the ticket went.
    const s = setup("2026-02-17T03:00:00Z");
    const { ticketId } = s.fileTicket();
    const job = s.h.store.job(`legal:${ticketId}`);
    expect(job?.payload).toMatchObject({ deadline: "2026-02-22T01:30:00.000Z" });
    expect(job?.dueAt).toBe("2026-02-21T01:30:00.000Z");
  });

  it("nor is one filed on the last working day before Tet, after the time the warning would move back to", () => {
    // Friday 13/02/2026 10:00, detected 08:30: deadline Wednesday 18/02 08:30, warning Tuesday 17/02 08:30 (Tết).
    // The last working day's 08:30 is before the filing, so the warning keeps its own time in the holiday,
    // when the duty roster is on watch.
    const s = setup("2026-02-13T03:00:00Z");
    const { ticketId } = s.fileTicket();
    expect(s.h.store.job(`legal:${ticketId}`)?.dueAt).toBe("2026-02-17T01:30:00.000Z");
  });

  it("an ordinary week keeps the warning the lead time before the deadline", () => {
    const s = setup("2026-11-24T03:00:00Z"); // Tuesday: deadline Sunday 29/11 08:30, warning Saturday → Friday
    const { ticketId } = s.fileTicket();
    expect(s.h.store.job(`legal:${ticketId}`)?.dueAt).toBe("2026-11-27T01:30:00.000Z");
    s.settings.updateDeadlines(SHELL, { legalWarning: "96h" }, "2026-11-24T03:00:00Z", "cli");
    // 96 hours before Sunday 08:30 is Wednesday 08:30, a working day.
    expect(s.h.store.job(`legal:${s.fileTicket().ticketId}`)?.dueAt).toBe("2026-11-25T01:30:00.000Z");
  });
});

describe("the environment only seeds the deadlines", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "incident-bot-deadlines-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("on the first start; a later start with other values keeps what is stored (an admin's edit survives)", async () => {
    const env = (ack: string) =>
      parseConfig({ DATABASE_PATH: join(dir, "bot.db"), ACK_DEADLINES: ack, UNRESOLVED_REMINDER_HOURS: "6" });
    const first = createApp(env("5m,30m,2h,2wd"), createLogger("silent"));
    const stored = new StoredDeadlineSettings(first.store);
    expect(stored.deadlineDoc()).toMatchObject({
      version: 1,
      changedBy: "system:env",
      doc: { critical: "5m", high: "30m", medium: "2h", low: "2wd", reraise: "6h" },
    });
    first.store.transaction(() =>
      stored.updateDeadlines(SHELL, { critical: "10m" }, "2026-11-24T03:00:00Z", "cli"),
    );
    await first.close();

    const second = createApp(env("1m,1m,1m,1m"), createLogger("silent"));
    expect(new StoredDeadlineSettings(second.store).deadlineDoc()).toMatchObject({
      version: 2,
      doc: { critical: "10m", high: "30m", low: "2wd" },
    });
    await second.close();
  });
});
