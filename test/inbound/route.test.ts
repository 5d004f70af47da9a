import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import type { InboundEvent, InboundPayload } from "../../src/inbound/event.ts";
import { ticketCommand, typedNumber } from "../../src/inbound/ticket-commands.ts";

const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function router() {
  const app = createApp(
    parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
    createLogger("silent"),
  );
  apps.push(app);
  let seq = 0;
  const event = (payload: InboundPayload, extra: Partial<InboundEvent> = {}): InboundEvent => ({
    channel: "any",
    chatId: "c1",
    chatType: "private",
    userId: "u1",
    dedupeKey: String(++seq),
    at: new Date("2026-11-21T03:00:00Z"),
    payload,
    ...extra,
  });
  const command = (text: string, extra: Partial<InboundEvent> = {}) => {
    const [name = "", ...args] = text.slice(1).split(" ");
    return event({ kind: "command", command: name, args: args.join(" ") }, extra);
  };
  return { app, event, command, decide: (e: InboundEvent) => app.router.decide(e) };
}

const group = { chatType: "group" as const, chatId: "g1" };

describe("the inbound router decides once, for every channel", () => {
  it("private text, buttons and commands are the reporter's conversation; admin commands the admins'", () => {
    const r = router();
    expect(r.decide(r.event({ kind: "text", text: "xin chào" })).kind).toBe("conversation");
    expect(r.decide(r.event({ kind: "choice", token: "r.type", value: "malware" })).kind).toBe(
      "conversation",
    );
    expect(r.decide(r.command("/baocao")).kind).toBe("conversation");
    expect(r.decide(r.command("/grant any:5 admin")).kind).toBe("admin");
    // /reject without a ticket id rejects a pending contact change, as before.
    expect(r.decide(r.command("/reject 12")).kind).toBe("admin");
  });

  it("in a group: a report command gets the private-only answer as an outbox message; other talk is not ours", () => {
    const r = router();
    expect(r.decide(r.event({ kind: "text", text: "máy chủ bị tấn công" }, group))).toEqual({
      kind: "nothing",
    });
    expect(r.decide(r.command("/help", group))).toEqual({ kind: "nothing" });
    const result = r.app.router.handle(r.command("/baocao", group));
    expect(result).toMatchObject({ kind: "group_command", chats: [{ channel: "any", chatId: "g1" }] });
    expect(result.own[0]?.payload).toMatchObject({
      kind: "chat",
      text: expect.stringContaining("tin nhắn riêng"),
      openPrivate: { start: "report" },
    });
  });

  it("ticket buttons, duty commands and typed ticket commands are the desk's, in any chat", () => {
    const r = router();
    expect(
      r.decide(r.event({ kind: "choice", token: "t.SC-2026-000001", value: "ack" }, group)),
    ).toMatchObject({
      kind: "duty",
      event: { payload: { kind: "action", ticketId: "SC-2026-000001", action: "ack" } },
    });
    expect(r.decide(r.command("/bind vncert", group))).toMatchObject({
      kind: "duty",
      event: { payload: { kind: "command", command: "bind", args: "vncert" } },
    });
    for (const [typed, action] of [
      ["/tiepnhan sc-2026-000123", "ack"],
      ["/ack SC-2026-000123", "ack"],
      ["/xuly SC-2026-000123", "take"],
      ["/hoithem SC-2026-000123", "ask"],
      ["/chuyencap SC-2026-000123", "escalate"],
      ["/escalate SC-2026-000123 NCSC", "esc:ncsc"],
      ["/daxuly SC-2026-000123", "resolve"],
      ["/tuchoi SC-2026-000123", "reject"],
      ["/reject SC-2026-000123", "reject"],
    ] as const) {
      for (const where of [{}, group]) {
        expect(r.decide(r.command(typed, where)), typed).toMatchObject({
          kind: "duty",
          event: { payload: { kind: "action", ticketId: "SC-2026-000123", action } },
        });
      }
    }
  });

  it("a reply is the desk's in a group; in a private chat only when it answers something the desk asked", () => {
    const r = router();
    const reply = { replyTo: "55" };
    expect(r.decide(r.event({ kind: "text", text: "đã rõ" }, { ...group, ...reply }))).toMatchObject({
      kind: "duty",
      event: { payload: { kind: "reply", replyTo: "55", text: "đã rõ", hasFile: false } },
    });
    expect(r.decide(r.event({ kind: "text", text: "đã rõ" }, reply)).kind).toBe("conversation");
    // A number in reply to something that is no duty post stays what it was.
    expect(r.decide(r.event({ kind: "text", text: "2" }, reply)).kind).toBe("conversation");
  });

  it("reads typed numbers and ticket commands strictly", () => {
    expect(["1", " 2. ", "3)", "12"].map(typedNumber)).toEqual([1, 2, 3, 12]);
    expect(["0", "1,2", "một", "1 2", ""].map(typedNumber)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(ticketCommand("help", "")).toBeUndefined();
    expect(ticketCommand("tuchoi", "")).toBeUndefined();
    // Another verb without an id still goes to the desk, which answers that it knows no such ticket.
    expect(ticketCommand("tiepnhan", "")).toEqual({ ticketId: "", action: "ack" });
  });
});

describe("what a conversation queued for other chats is handed over with its own chat", () => {
  it("an admin's change that needs another admin's approval names that admin's chat, so the request goes at once", () => {
    const app = createApp(
      parseConfig({
        DATABASE_PATH: ":memory:",
        LOG_LEVEL: "silent",
        ADMIN_TELEGRAM_IDS: "1,2",
        CONTACT_CHANGE_APPROVAL: "true",
      }),
      createLogger("silent"),
    );
    apps.push(app);
    let seq = 0;
    const as1 = (payload: InboundPayload) =>
      app.router.handle({
        channel: "telegram",
        chatId: "1",
        chatType: "private",
        userId: "1",
        dedupeKey: `a${++seq}`,
        at: new Date("2026-11-21T03:00:00Z"),
        payload,
      });
    as1({ kind: "command", command: "contacts_admin", args: "" });
    as1({ kind: "choice", token: "a.pick", value: "vncert" });
    as1({ kind: "choice", token: "a.view", value: "phones" });
    as1({ kind: "text", text: "024 3640 4999" });
    const saved = as1({ kind: "choice", token: "a.confirm", value: "_save" });
    // The proposer's own answer, and the other admin's request: both chats, the proposer's first.
    expect(saved.chats).toEqual([
      { channel: "telegram", chatId: "1" },
      { channel: "telegram", chatId: "2" },
    ]);
    const pending = app.store
      .pendingForChat("telegram", "2")
      .map((r) => (r.payload as { text: string }).text);
    expect(pending.join("\n")).toContain("Đề nghị duyệt thay đổi #1");
  });
});
