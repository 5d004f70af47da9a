import { describe, expect, it } from "vitest";
import { ContactAdmin } from "../../src/admin/contact-admin.ts";
import type { ChatMessage } from "../../src/messages.ts";
import { formatDateTime } from "../../src/present/datetime.ts";
import { createHarness } from "../engine/harness.ts";
import { OPEN_REPORT_WALK } from "../fixtures/report-walk.ts";
import { ADMIN, dutyRig } from "../support/duty-rig.ts";

const GROUP = "-100777";
const ZONE = "Asia/Ho_Chi_Minh";
const HOUR = 3_600_000;

/** A desk with e-mail, after an admin set `deadlineHours` of the rules named (the rule data admins edit). */
function setup(deadlines: Record<string, number>) {
  const h = createHarness();
  const admin = new ContactAdmin({
    store: h.store,
    configAdmins: { telegram: [ADMIN] },
    changeApproval: false,
    staleMs: 180 * 86_400_000,
  });
  for (const rule of admin.admin.rules()) {
    const hours = deadlines[rule.id];
    if (hours === undefined) continue;
    const definition = { ...(rule.definition as object), deadlineHours: hours };
    admin.admin.updateRule(
      rule.id,
      rule.version,
      rule.position,
      definition,
      rule.active,
      "shell",
      "2026-11-20T00:00:00Z",
    );
  }
  const rig = dutyRig({ harness: h, group: GROUP, desk: { email: { messageIdDomain: "laichau.gov.vn" } } });
  const { desk } = rig;
  h.command("start");
  let receipt = "";
  let ticketId = "";
  for (const line of OPEN_REPORT_WALK) {
    const result = h.text(line);
    if (result.ticketId) {
      ticketId = result.ticketId;
      receipt = result.messages.map((m) => m.text).join("\n");
    }
  }
  rig.bind("vncert", { userName: "Quản trị" });
  desk.fanOut(h.now());
  // The documents job the fan-out armed queues the e-mails (with the initial report attached).
  for (const job of h.store.dueJobs(h.now().toISOString())) desk.fireJob(job, h.now());
  const incident = h.store.incidentByTicket(ticketId);
  if (!incident) throw new Error("no ticket filed");
  const outbox = (channel: string, chatId: string) =>
    h.store.db
      .prepare("SELECT payload FROM outbox WHERE channel = ? AND chat_id = ? ORDER BY id")
      .all(channel, chatId)
      .map((r) => JSON.parse((r as { payload: string }).payload) as ChatMessage & { html?: string });
  return { h, desk, incident, receipt, outbox };
}

describe("legal deadlines come from the routing rules' data", () => {
  it("an admin's edit of R1's deadlineHours changes the deadline shown, e-mailed and warned about", () => {
    const s = setup({ R1: 72 });
    const deadline = new Date(Date.parse(s.incident.detectedAt) + 72 * HOUR).toISOString();
    const shown = formatDateTime(deadline, ZONE);
    const statutory = formatDateTime(
      new Date(Date.parse(s.incident.detectedAt) + 120 * HOUR).toISOString(),
      ZONE,
    );
    expect(shown).not.toBe(statutory);
    // The reporter's receipt.
    expect(s.receipt).toContain(shown);
    // The duty post.
    expect(s.outbox("telegram", GROUP).at(-1)?.text).toContain(shown);
    // The e-mail to the contact.
    const [mail] = s.outbox("email", "vncert");
    expect(mail?.text).toContain(shown);
    expect(mail?.text).not.toContain(statutory);
    // The warning job: a day before the rule's deadline, naming it to the duty chats and the reporter.
    const job = s.h.store.job(`legal:${s.incident.ticketId}`);
    expect(job?.dueAt).toBe(new Date(Date.parse(deadline) - 24 * HOUR).toISOString());
    s.desk.fireJob(job as NonNullable<typeof job>, new Date(job?.dueAt ?? ""));
    expect(s.outbox("telegram", GROUP).at(-1)?.text).toContain(shown);
    expect(s.outbox("telegram", "1001").at(-1)?.text).toContain(shown);
  });

  it("R7's deadlineHours sets the final report's deadline the reporter is reminded of", () => {
    const s = setup({ R7: 48 });
    for (const action of ["ack", "resolve"]) {
      s.desk.handle({
        channel: "telegram",
        chatId: GROUP,
        chatType: "group",
        userId: "700",
        userName: "Cán bộ 700",
        dedupeKey: action,
        at: s.h.now(),
        payload: { kind: "action", ticketId: s.incident.ticketId, action },
      });
    }
    // The resolve button asks for a summary; the officer's reply to that prompt carries it.
    const prompt = s.h.store.db
      .prepare("SELECT outbox_key AS k FROM duty_prompts ORDER BY id DESC LIMIT 1")
      .get() as { k: string } | undefined;
    expect(prompt).toBeDefined();
    const row = s.h.store.db.prepare("SELECT id FROM outbox WHERE idempotency_key = ?").get(prompt?.k) as {
      id: number;
    };
    s.h.store.markSent(row.id, s.h.now().toISOString(), { messageIds: [555] });
    s.desk.handle({
      channel: "telegram",
      chatId: GROUP,
      chatType: "group",
      userId: "700",
      userName: "Cán bộ 700",
      dedupeKey: "summary",
      at: s.h.now(),
      payload: {
        kind: "reply",
        replyTo: "555",
        text: "Đã gỡ mã độc, khôi phục từ bản sao lưu.",
        hasFile: false,
      },
    });
    const job = s.h.store.job(`final:${s.incident.ticketId}`);
    expect(job).toBeDefined();
    s.desk.fireJob(job as NonNullable<typeof job>, new Date(job?.dueAt ?? ""));
    const resolvedAt = String(job?.payload.resolvedAt);
    const shown = formatDateTime(new Date(Date.parse(resolvedAt) + 48 * HOUR).toISOString(), ZONE);
    expect(s.outbox("telegram", "1001").at(-1)?.text).toContain(shown);
  });
});
