import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/messages.ts";
import { shiftsOf } from "../../src/roster/roster-service.ts";
import { ADMIN, rosterSetup } from "./harness.ts";

const lastText = (messages: unknown[]) => (messages.at(-1) as ChatMessage | undefined)?.text ?? "";

describe("/lichtruc (/roster): editing a unit's roster in chat", () => {
  it("an admin adds shifts and makes a lead; the lead edits their own unit only; /truc shows who is on duty now", () => {
    const s = rosterSetup(); // Saturday 21/11/2026 10:00 in Vietnam
    const roster = (userId: string, args: string) =>
      s.inbound({ userId }, { kind: "command", command: "lichtruc", args });
    roster(ADMIN, "vncert them telegram:501 T7 06:00-12:00");
    // 501 never wrote to the assistant: the shift is kept, and the admin told that pages cannot reach them yet.
    const answers = s.messagesTo("telegram", ADMIN).map((m) => m.text);
    expect(answers.at(-2)).toContain("1. telegram:501 · T7 · 06:00–12:00");
    expect(answers.at(-1)).toContain("chưa từng nhắn tin cho trợ lý");
    s.h.command("start", "", { userId: "501" });
    roster(ADMIN, "vncert them telegram:501 CN 06:00-12:00");
    expect(lastText(s.messagesTo("telegram", ADMIN))).toContain("2. telegram:501 · CN · 06:00–12:00");
    roster(ADMIN, "vncert xoa 2");
    roster(ADMIN, "vncert truongca 503");
    expect(lastText(s.messagesTo("telegram", ADMIN))).toContain("Đã giao vai trò phụ trách ca trực");
    s.inbound(
      { userId: "503" },
      {
        kind: "command",
        command: "roster",
        args: "vncert add zalo:0f1e2d3c4b5a69788796 hằng ngày 22:00-06:00",
      },
    );
    expect(shiftsOf(s.h.store, "vncert").map((x) => x.person)).toEqual([
      "telegram:501",
      "zalo:0f1e2d3c4b5a69788796",
    ]);
    // A lead is no admin: another unit's roster, and the lead role itself, are refused.
    roster("503", "ncsc them telegram:777 T2 08:00-17:00");
    expect(lastText(s.messagesTo("telegram", "503"))).toContain("Chỉ quản trị viên và người phụ trách");
    roster("503", "vncert truongca 504");
    expect(lastText(s.messagesTo("telegram", "503"))).toContain("Chỉ quản trị viên và người phụ trách");
    expect(shiftsOf(s.h.store, "ncsc")).toEqual([]);

    // A reporter with no duty role does not see who is on duty (names and ids are the duty side's).
    s.inbound({ userId: "888" }, { kind: "command", command: "truc", args: "" });
    expect(lastText(s.messagesTo("telegram", "888"))).toContain("Chỉ quản trị viên, cán bộ trực");
    s.h.store.grantRole("telegram", "888", "duty", "ncsc", "test", s.h.now().toISOString());
    s.inbound({ userId: "888" }, { kind: "command", command: "truc", args: "" });
    const now = lastText(s.messagesTo("telegram", "888"));
    expect(now).toContain("Cán bộ đang trực lúc 21/11/2026 10:00");
    expect(now).toMatch(/VNCERT.*: telegram:501/);

    roster("503", "vncert xoa 1");
    expect(shiftsOf(s.h.store, "vncert").map((x) => x.person)).toEqual(["zalo:0f1e2d3c4b5a69788796"]);
    s.inbound({ userId: "888" }, { kind: "command", command: "oncall", args: "" });
    expect(lastText(s.messagesTo("telegram", "888"))).toContain("không có ai trong ca trực");
    const audit = s.h.store.db
      .prepare(
        "SELECT actor, action, outcome FROM audit_log WHERE action LIKE 'roster.%' OR action LIKE 'role.%' ORDER BY id",
      )
      .all();
    expect(audit).toEqual([
      { actor: `telegram:${ADMIN}`, action: "roster.add", outcome: "ok" },
      { actor: `telegram:${ADMIN}`, action: "roster.add", outcome: "ok" },
      { actor: `telegram:${ADMIN}`, action: "roster.remove", outcome: "ok" },
      { actor: `telegram:${ADMIN}`, action: "role.grant", outcome: "ok" },
      { actor: "telegram:503", action: "roster.add", outcome: "ok" },
      { actor: "telegram:503", action: "roster.add", outcome: "denied" },
      { actor: "telegram:503", action: "roster.lead", outcome: "denied" },
      { actor: "telegram:888", action: "roster.oncall", outcome: "denied" },
      { actor: "telegram:503", action: "roster.remove", outcome: "ok" },
    ]);
  });

  it.each([
    ["vncert them someone T2 08:00-17:00", "mã kênh"],
    ["vncert them telegram:501 T2 08:00-25:00", "Giờ trực chưa hợp lệ"],
    ["vncert them telegram:501 T2 08:00", "Cách dùng"],
    ["vncert them telegram:501 Thứ Hai 08:00-17:00", "Ngày trực chưa hợp lệ: ghi thứ"],
    ["vncert them telegram:501 30/02/2026 08:00-17:00", "ghi ngày cụ thể"],
    ["vncert xoa 7", "Không có ca trực số 7"],
    ["vncert xoa hai", "Cách dùng"],
    ["nowhere them telegram:501 T2 08:00-17:00", "Không có đơn vị mã «nowhere»"],
    ["vncert nhảy", "Cách dùng"],
    ["vncert truongca not-an-id", "mã kênh"],
  ])("refuses %s with a clear answer and changes nothing", (args, answer) => {
    const s = rosterSetup();
    s.inbound({ userId: ADMIN }, { kind: "command", command: "lichtruc", args });
    expect(lastText(s.messagesTo("telegram", ADMIN))).toContain(answer);
    expect(shiftsOf(s.h.store, "vncert")).toEqual([]);
  });

  it("someone with no role sees no roster and changes none", () => {
    const s = rosterSetup();
    s.inbound({ userId: "999" }, { kind: "command", command: "lichtruc", args: "" });
    expect(lastText(s.messagesTo("telegram", "999"))).toContain("Chỉ quản trị viên và người phụ trách");
    s.inbound(
      { userId: "999" },
      { kind: "command", command: "lichtruc", args: "vncert them 999 * 00:00-24:00" },
    );
    expect(shiftsOf(s.h.store, "vncert")).toEqual([]);
  });
});

describe("the lead role through contact administration (/grant, users grant)", () => {
  it("is granted for one unit, which its holder may then edit; a lead without a known unit is refused", () => {
    const s = rosterSetup();
    const service = s.h.engine.admin.service;
    const at = s.h.now().toISOString();
    expect(service.grant({ kind: "shell" }, "telegram", "4242", "lead", "nowhere", at).status).toBe(
      "badContact",
    );
    expect(service.grant({ kind: "shell" }, "telegram", "4242", "lead", "vncert", at).status).toBe("granted");
    s.inbound(
      { userId: "4242" },
      { kind: "command", command: "lichtruc", args: "vncert them 4242 T2 08:00-17:00" },
    );
    expect(shiftsOf(s.h.store, "vncert").map((x) => x.person)).toEqual(["telegram:4242"]);
    expect(service.revoke({ kind: "shell" }, "telegram", "4242", "lead", "vncert", at).status).toBe(
      "revoked",
    );
    s.inbound({ userId: "4242" }, { kind: "command", command: "lichtruc", args: "vncert xoa 1" });
    expect(shiftsOf(s.h.store, "vncert")).toHaveLength(1);
  });
});
