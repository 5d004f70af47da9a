import { describe, expect, it } from "vitest";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { createAdminHarness, onScreen, texts } from "./harness.ts";

/** Files a whole report as `userId` and returns the confirmation text. */
function fileReport(h: ReturnType<typeof createAdminHarness>, userId: string): string {
  const u = h.user(userId);
  u.command("report");
  let last = "";
  for (const answer of REPORT_WALK) last = texts(u.text(answer));
  return last;
}

/** Opens VNCERT/CC's card and the phone field, as an admin does. */
function openPhones(h: ReturnType<typeof createAdminHarness>, userId = "1") {
  const admin = h.user(userId);
  const list = admin.command("contacts_admin");
  expect(onScreen(list)?.token).toBe("a.pick");
  const card = admin.press("a.pick", "vncert");
  expect(texts(card)).toContain("024.3640.4421");
  return { admin, enter: admin.press("a.view", "phones") };
}

describe("admin contact editing in chat (engine)", () => {
  it("edits a phone with a before/after confirmation; the next ticket shows the new number", () => {
    const h = createAdminHarness();
    const { admin, enter } = openPhones(h);
    expect(texts(enter)).toContain("Đề nghị Anh/Chị nhập <b>Số điện thoại</b> mới");
    const confirm = admin.text("024 3640 4999");
    expect(onScreen(confirm)?.token).toBe("a.confirm");
    expect(texts(confirm)).toMatch(/Trước: 024\.3640\.4421\nSau: 024 3640 4999/);
    expect(h.store.contact("vncert")?.phones).toEqual(["024.3640.4421"]);
    const saved = admin.press("a.confirm", "_save");
    expect(texts(saved)).toContain("Đã lưu (phiên bản 3)");
    expect(h.store.contact("vncert")).toMatchObject({ version: 3, phones: ["024 3640 4999"] });
    expect(h.audit("telegram:1").at(-1)).toEqual({
      action: "contact.update",
      subject: "vncert",
      outcome: "ok",
    });

    const confirmation = fileReport(h, "500");
    expect(confirmation).toContain("024 3640 4999");
    expect(confirmation).not.toContain("024.3640.4421");
  });

  it("refuses an invalid phone or e-mail with the localized reason and asks again, changing nothing", () => {
    const h = createAdminHarness();
    const { admin } = openPhones(h);
    const refused = admin.text("gọi 113 nhé");
    expect(texts(refused)).toContain("«gọi 113 nhé» không phải là số điện thoại hợp lệ");
    expect(onScreen(refused)?.token).toBe("a.enter");
    // A bare number is an answer here, not "the second button".
    expect(texts(admin.text("2"))).toContain("«2» không phải là số điện thoại hợp lệ");
    admin.press("a.enter", "_back");
    admin.press("a.view", "emails");
    expect(texts(admin.text("ir@@vncert"))).toContain("không phải là địa chỉ thư điện tử hợp lệ");
    expect(texts(admin.text(""))).toContain("⚠️");
    expect(texts(admin.text("😀".repeat(5000)))).toContain("không phải là địa chỉ thư điện tử hợp lệ");

    const english = createAdminHarness();
    const en = english.user("2", "en");
    en.command("lang", "en");
    en.command("contacts_admin");
    en.press("a.pick", "ncsc");
    en.press("a.view", "phones");
    expect(texts(en.text("abc"))).toContain("“abc” is not a valid phone number");
    expect(h.store.contact("vncert")?.version).toBe(2);
    expect(english.store.contact("ncsc")?.version).toBe(2);
  });

  it("a non-admin's commands and forged buttons change nothing and are audited", () => {
    const h = createAdminHarness();
    const stranger = h.user("666");
    for (const [command, args] of [
      ["contacts_admin", ""],
      ["grant", "666 admin"],
      ["users", ""],
      ["audit", ""],
      ["approve", "1"],
    ] as const) {
      expect(texts(stranger.command(command, args))).toContain("Chỉ quản trị viên");
    }
    expect(texts(stranger.press("a.view", "_delete"))).toContain("Chỉ quản trị viên");
    expect(texts(stranger.press("a.confirm", "_save"))).toContain("Chỉ quản trị viên");
    expect(h.store.rolesOf("telegram", "666")).toEqual([]);
    expect(h.store.contact("vncert")?.version).toBe(2);
    expect(h.audit("telegram:666")).toEqual([
      { action: "admin.command", subject: "/contacts_admin", outcome: "denied" },
      { action: "admin.command", subject: "/grant", outcome: "denied" },
      { action: "admin.command", subject: "/users", outcome: "denied" },
      { action: "admin.command", subject: "/audit", outcome: "denied" },
      { action: "admin.command", subject: "/approve", outcome: "denied" },
      { action: "admin.button", subject: "a.view", outcome: "denied" },
      { action: "admin.button", subject: "a.confirm", outcome: "denied" },
    ]);
  });

  it("an admin whose role is revoked mid-edit cannot save", () => {
    const h = createAdminHarness();
    h.user("1").command("grant", "40 admin");
    const { admin } = openPhones(h, "40");
    admin.text("0912 345 678");
    h.user("1").command("revoke", "40 admin");
    expect(texts(admin.press("a.confirm", "_save"))).toContain("Chỉ quản trị viên");
    expect(h.store.contact("vncert")?.version).toBe(2);
    expect(h.audit("telegram:40").at(-1)).toEqual({
      action: "admin.button",
      subject: "a.confirm",
      outcome: "denied",
    });
  });

  it("a revoked admin typing into the admin flow reads no more of it", () => {
    const h = createAdminHarness();
    h.user("1").command("grant", "40 admin");
    const { admin } = openPhones(h, "40");
    h.user("1").command("revoke", "40 admin");
    const answer = texts(admin.text("1"));
    expect(answer).toContain("Chỉ quản trị viên");
    expect(answer).not.toContain("024.3640.4421");
    expect(h.audit("telegram:40").at(-1)).toEqual({
      action: "admin.text",
      subject: "admin-contacts",
      outcome: "denied",
    });
  });

  it("stale and made-up buttons of an admin change nothing", () => {
    const h = createAdminHarness();
    const { admin } = openPhones(h);
    expect(texts(admin.press("a.confirm", "_save"))).toContain("không còn hiệu lực");
    expect(texts(admin.press("a.enter", "drop table"))).toContain("Không nhận ra lựa chọn này");
    expect(texts(admin.press("a.nope", "x"))).toContain("Không nhận ra lựa chọn này");
    expect(h.store.contact("vncert")?.version).toBe(2);
    expect(h.audit("telegram:1")).toEqual([
      { action: "button.unknown", subject: "a.enter", outcome: "denied" },
      { action: "button.forged", subject: "a.nope", outcome: "denied" },
    ]);
  });

  it("a contact used by routing rules cannot be deleted: the admin is told which rules; deactivating works", () => {
    const h = createAdminHarness();
    const admin = h.user("1");
    admin.command("contacts_admin");
    admin.press("a.pick", "provincial");
    admin.press("a.view", "_delete");
    const refused = admin.press("a.confirmDelete", "_delete");
    expect(texts(refused)).toContain("quy tắc định tuyến R1, R2, R3, R4");
    expect(h.store.contact("provincial")).toBeDefined();
    admin.press("a.view", "active");
    admin.press("a.enter", "no");
    expect(texts(admin.press("a.confirm", "_save"))).toContain("Đã lưu");
    expect(h.store.contact("provincial")?.active).toBe(false);
    expect(texts(h.user("9").command("contacts"))).not.toContain("Sở TT&amp;TT Lai Châu");
  });

  it("adds a new contact step by step, marks it verified, and shows the routing rules in plain words", () => {
    const h = createAdminHarness();
    const admin = h.user("1");
    admin.command("contacts_admin");
    admin.press("a.pick", "_add");
    expect(texts(admin.text("Sở KH&CN!"))).toContain("Mã đơn vị chỉ gồm");
    expect(texts(admin.text("vncert"))).toContain("đã có trong bảng đầu mối");
    admin.text("sokhcn-laichau");
    admin.text("Sở Khoa học và Công nghệ tỉnh Lai Châu");
    admin.text("Lai Chau Department of Science and Technology");
    admin.text("Sở KH&CN Lai Châu");
    admin.press("a.addRole", "provincial");
    const summary = admin.text("Quyết định hợp nhất 03/2025");
    expect(texts(summary)).toContain("Sở KH&amp;CN Lai Châu");
    const created = admin.press("a.addConfirm", "_save");
    expect(texts(created)).toContain("Đã thêm đơn vị");
    expect(h.store.contact("sokhcn-laichau")).toMatchObject({ version: 1, lastVerified: "2026-11-21" });
    admin.press("a.view", "_back");
    const rules = admin.press("a.pick", "_rules");
    expect(texts(rules)).toContain("<b>R6</b> (đang dùng): khi loại sự cố là");
    expect(texts(rules)).toContain("Báo cáo ban đầu (Mẫu 03) tới VNCERT/CC");
    expect(texts(rules)).not.toContain("&amp;amp;");
  });

  it("closing the admin flow in the middle of a report returns to the same question, answers kept", () => {
    const h = createAdminHarness();
    const admin = h.user("1");
    admin.command("report");
    admin.text("Cổng thông tin điện tử tỉnh");
    admin.command("contacts_admin");
    const back = admin.press("a.pick", "_close");
    expect(texts(back)).toContain("Đã đóng phần quản lý");
    expect(onScreen(back)?.token).toBe("r.type");
  });

  it("/status of an old ticket shows the contact as it was routed, after the contact changed", () => {
    const h = createAdminHarness();
    const confirmation = fileReport(h, "500");
    const ticketId = /SC-\d{4}-\d{6}/.exec(confirmation)?.[0] ?? "";
    const { admin } = openPhones(h);
    admin.text("024 3640 4999");
    admin.press("a.confirm", "_save");
    const status = texts(h.user("500").command("status", ticketId));
    expect(status).toContain("Phiếu đã được chuyển tới");
    expect(status).toMatch(/Trung tâm Ứng cứu khẩn cấp.*\): 086\.9100\.317, 024\.3640\.4421, ir@vncert\.vn/);
    // The contact table's version numbers mean nothing to a reporter.
    expect(status).not.toContain("phiên bản");
    expect(status).toContain("đã được cập nhật sau đó");
    expect(status).not.toContain("024 3640 4999");
  });

  it("/grant, /revoke, /users and /audit for admins", () => {
    const h = createAdminHarness();
    const admin = h.user("1");
    expect(texts(admin.command("grant", "555 duty vncert"))).toContain(
      "Đã cấp quyền duty (vncert) cho telegram:555",
    );
    expect(texts(admin.command("grant", "555 duty nowhere"))).toContain("Quyền duty cần ghi đơn vị");
    expect(texts(admin.command("grant", "abc"))).toContain("Cách dùng: /grant");
    expect(texts(admin.command("revoke", "1 admin"))).toContain("không tự thu hồi quyền quản trị");
    expect(texts(admin.command("revoke", "555 reporter"))).toContain(
      "Không có gì thay đổi: telegram:555 chưa có quyền reporter",
    );
    expect(texts(admin.command("grant", "555 duty vncert"))).toContain(
      "Không có gì thay đổi: telegram:555 đã có quyền duty (vncert)",
    );
    const users = texts(admin.command("users"));
    expect(users).toContain("telegram:1 — admin (theo cấu hình ADMIN_TELEGRAM_IDS)");
    expect(users).toContain("telegram:555 — duty vncert");
    const audit = texts(admin.command("audit"));
    expect(audit).toContain("telegram:1 — role.grant telegram:555");
    expect(h.store.rolesOf("telegram", "555")).toEqual([{ role: "duty", contactId: "vncert" }]);
  });

  it("/help lists the admin commands to admins only", () => {
    const h = createAdminHarness();
    expect(texts(h.user("1").command("help"))).toContain("/contacts_admin");
    expect(texts(h.user("9").command("help"))).not.toContain("/contacts_admin");
  });

  it("/contacts flags stale contacts for admins only", () => {
    const h = createAdminHarness();
    expect(texts(h.user("1").command("contacts"))).toMatch(
      /Dành cho quản trị viên[\s\S]*⚠️ VNCERT\/CC — xác minh lần cuối 01\/01\/2024/,
    );
    expect(texts(h.user("9").command("contacts"))).not.toContain("Dành cho quản trị viên");
    const admin = h.user("1");
    admin.command("contacts_admin");
    admin.press("a.pick", "vncert");
    expect(texts(admin.press("a.view", "_verify"))).toContain("Đã ghi nhận xác minh ngày 21/11/2026");
    expect(texts(admin.command("contacts"))).not.toContain("⚠️ VNCERT/CC");
  });
});

describe("four-eyes rule in chat", () => {
  it("a change to VNCERT/CC waits for another admin's /approve; the proposer cannot approve it", () => {
    const h = createAdminHarness({ changeApproval: true });
    const { admin } = openPhones(h, "1");
    admin.text("024 3640 4999");
    const pending = admin.press("a.confirm", "_save");
    expect(texts(pending)).toContain("Thay đổi #1 thuộc đơn vị cấp quốc gia");
    expect(h.store.contact("vncert")?.phones).toEqual(["024.3640.4421"]);
    const request = h.inbox("2").join("\n");
    expect(request).toContain("Đề nghị duyệt thay đổi #1");
    expect(request).toContain("024.3640.4421 → 024 3640 4999");
    expect(texts(admin.command("approve", "1"))).toContain("không tự duyệt");
    expect(texts(h.user("666").command("approve", "1"))).toContain("Chỉ quản trị viên");
    expect(h.store.contact("vncert")?.version).toBe(2);
    expect(texts(h.user("2").command("approve", "1"))).toContain("Đã duyệt thay đổi #1");
    expect(h.store.contact("vncert")).toMatchObject({ version: 3, phones: ["024 3640 4999"] });
    expect(h.inbox("1").join("\n")).toContain("Thay đổi #1 đối với vncert đã được telegram:2 duyệt");
  });

  it("a provincial contact is changed at once even with the rule on", () => {
    const h = createAdminHarness({ changeApproval: true });
    const admin = h.user("1");
    admin.command("contacts_admin");
    admin.press("a.pick", "provincial");
    admin.press("a.view", "phones");
    admin.text("0213 3876 111");
    expect(texts(admin.press("a.confirm", "_save"))).toContain("Đã lưu");
    expect(h.store.contact("provincial")?.phones).toEqual(["0213 3876 111"]);
  });
});

describe("rules without an active recipient (issue 17, the 2025 reorganisation)", () => {
  it("the contact list names R3 and R5 while the police are out of use; once in use, tickets go there and the advice names them", () => {
    const h = createAdminHarness();
    const admin = h.user("1");
    const list = texts(admin.command("contacts_admin"));
    expect(list).toContain("Quy tắc R3: Công an tỉnh (PA05)");
    expect(list).toContain("Quy tắc R5: Công an tỉnh (PA05)");

    // A dangerous situation is a police matter (R5) and Nghiêm trọng (R3); the police receive nothing yet.
    const walk = [...REPORT_WALK];
    walk[15] = "1"; // dangerousSituation: yes
    const fileDangerous = (userId: string) => {
      const u = h.user(userId);
      u.command("report");
      let last = "";
      for (const answer of walk) last = texts(u.text(answer));
      return last;
    };
    const before = fileDangerous("7");
    expect(before).toContain("Đề nghị Anh/Chị đồng thời báo Công an tỉnh");
    expect(before).not.toContain("Phiếu đã được chuyển tới");

    const rules = texts(admin.press("a.pick", "_rules"));
    expect(rules).toMatch(/R5[^\n]*Công an tỉnh \(PA05\) \(ngừng dùng\)/);
    admin.press("a.rules", "_back");
    admin.press("a.pick", "police");
    admin.press("a.view", "active");
    admin.press("a.enter", "yes");
    expect(texts(admin.press("a.confirm", "_save"))).toContain("Đã lưu");
    admin.press("a.view", "_back");
    expect(texts(admin.command("contacts_admin"))).not.toContain("Quy tắc R5");

    const after = fileDangerous("8");
    expect(after).toContain("Phiếu đã được chuyển tới Công an tỉnh – Phòng An ninh mạng");
    expect(after).toMatch(/đường dây nóng của các đơn vị đã nhận phiếu: [^\n]*VNCERT\/CC[^\n]*Công an tỉnh/);
  });
});
