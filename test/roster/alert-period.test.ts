import { describe, expect, it } from "vitest";
import { parseShift, type Shift } from "../../src/domain/roster.ts";
import type { ChatMessage } from "../../src/messages.ts";
import { addShift, setLead } from "../../src/roster/roster-service.ts";
import { ADMIN, rosterSetup } from "./harness.ts";

const LEAD = "503";
const TET = "them Tết Bính Ngọ 2026 14/02/2026 22/02/2026 10m,30m,2h,4h 2h";

function shift(person: string, when: string, start: string, end: string): Shift {
  const parsed = parseShift({ person, when, start, end });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.shift;
}

const lastText = (messages: unknown[]) => (messages.at(-1) as ChatMessage | undefined)?.text ?? "";

describe("alert periods: declared in chat by an admin", () => {
  it("warns the admins and the unit's lead, three days before, of every hour the roster leaves uncovered", () => {
    const s = rosterSetup(new Date("2026-02-01T03:00:00Z"));
    const at = s.h.now().toISOString();
    // Days 07:00–19:00 every day; nights 19:00–07:00 except Sunday nights: Sunday 15/02 and 22/02 evenings are open.
    addShift(s.h.store, "test", "vncert", shift("telegram:501", "*", "07:00", "19:00"), at);
    addShift(s.h.store, "test", "vncert", shift("zalo:0f1e2d3c4b5a69788796", "T2-T7", "19:00", "07:00"), at);
    setLead(s.h.store, "test", "vncert", `telegram:${LEAD}`, true, at);
    // The province keeps a full roster: it is not named.
    addShift(s.h.store, "test", "provincial", shift("telegram:601", "*", "00:00", "24:00"), at);

    s.inbound({ userId: ADMIN }, { kind: "command", command: "caodiem", args: TET });
    expect(lastText(s.messagesTo("telegram", ADMIN))).toContain("Đã khai báo thời gian cao điểm số 1");
    // 14/02 00:00 in Vietnam less three days.
    expect(s.h.store.job("period-gaps:1")).toMatchObject({
      kind: "alert_period_gaps",
      dueAt: "2026-02-10T17:00:00.000Z",
    });

    s.at(Date.parse("2026-02-10T16:59:00Z") - Date.parse("2026-02-01T03:00:00Z"));
    expect(s.messagesTo("telegram", LEAD)).toEqual([]);
    s.at(Date.parse("2026-02-10T17:00:00Z") - Date.parse("2026-02-01T03:00:00Z"));
    for (const person of [ADMIN, LEAD]) {
      const warnings = s.messagesTo("telegram", person).filter((m) => m.text.includes("còn để trống"));
      expect(warnings).toHaveLength(1);
      const text = warnings[0]?.text ?? "";
      expect(text).toContain("VNCERT");
      expect(text).toContain("15/02/2026 19:00 – 16/02/2026 07:00");
      expect(text).toContain("22/02/2026 19:00 – 23/02/2026 00:00");
      expect(text.match(/•/g)).toHaveLength(2);
    }
    // Only the units with gaps, and only their own leads.
    expect(s.messagesTo("telegram", "601")).toEqual([]);
    expect(s.messagesTo("telegram", ADMIN).some((m) => m.text.includes("Sở"))).toBe(false);
  });

  it("during the period a ticket's acknowledge deadline and reminder interval are the period's", () => {
    const s = rosterSetup(new Date("2026-02-15T03:00:00Z"));
    s.inbound({ userId: ADMIN }, { kind: "command", command: "caodiem", args: TET });
    const ticketId = s.fileReport(); // severity Cao: 1 hour normally, 30 minutes in the period
    s.at(1000);
    const created = Date.parse(s.h.store.incidentByTicket(ticketId)?.createdAt ?? "");
    expect(Date.parse(s.h.store.job(`ack:${ticketId}`)?.dueAt ?? "") - created).toBe(30 * 60_000);
    s.h.store.bindChat("vncert", "telegram", "-100777", "test", s.h.now().toISOString());
    s.inbound(
      { userId: "700", chatId: "-100777", chatType: "group" },
      { kind: "choice", token: `t.${ticketId}`, value: "ack" },
    );
    const ackAt = Date.parse("2026-02-15T03:00:01Z");
    expect(Date.parse(s.h.store.job(`unresolved:${ticketId}`)?.dueAt ?? "") - ackAt).toBe(2 * 3_600_000);
  });

  it("outside any period the configured deadline holds", () => {
    const s = rosterSetup(new Date("2026-03-02T03:00:00Z"));
    s.inbound({ userId: ADMIN }, { kind: "command", command: "caodiem", args: TET });
    const ticketId = s.fileReport();
    s.at(1000);
    const created = Date.parse(s.h.store.incidentByTicket(ticketId)?.createdAt ?? "");
    expect(Date.parse(s.h.store.job(`ack:${ticketId}`)?.dueAt ?? "") - created).toBe(60 * 60_000);
  });

  it.each([
    ["them Tết 31/02/2026 22/02/2026 10m,30m,2h,4h 2h", "Ngày chưa hợp lệ"],
    ["them Tết 22/02/2026 14/02/2026 10m,30m,2h,4h 2h", "Ngày kết thúc phải sau"],
    ["them Tết 14/02/2026 22/02/2026 10m,30m,2h 2h", "đúng bốn hạn tiếp nhận"],
    ["them Tết 14/02/2026 22/02/2026 10m,30m,2h,4x 2h", "đúng bốn hạn tiếp nhận"],
    ["them Tết 14/02/2026 22/02/2026 10m,30m,2h,4h 1wd", "Chu kỳ nhắc lại"],
    ["them 14/02/2026", "Cách dùng"],
    ["xoa 99", "Không có thời gian cao điểm số 99"],
  ])("refuses %s with a clear answer, and declares nothing", (args, answer) => {
    const s = rosterSetup();
    s.inbound({ userId: ADMIN }, { kind: "command", command: "alertperiod", args });
    expect(lastText(s.messagesTo("telegram", ADMIN))).toContain(answer);
    expect(s.h.store.db.prepare("SELECT count(*) AS n FROM alert_periods").get()).toEqual({ n: 0 });
  });

  it("a non-admin (a lead included) cannot declare one; the refusal is audited", () => {
    const s = rosterSetup();
    setLead(s.h.store, "test", "vncert", `telegram:${LEAD}`, true, s.h.now().toISOString());
    s.inbound({ userId: LEAD }, { kind: "command", command: "caodiem", args: TET });
    expect(lastText(s.messagesTo("telegram", LEAD))).toContain("Chỉ quản trị viên");
    expect(s.h.store.db.prepare("SELECT count(*) AS n FROM alert_periods").get()).toEqual({ n: 0 });
    expect(
      s.h.store.db
        .prepare("SELECT actor FROM audit_log WHERE action = 'period.change' AND outcome = 'denied'")
        .get(),
    ).toEqual({ actor: `telegram:${LEAD}` });
  });
});
