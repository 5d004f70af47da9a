import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZaloBot } from "../../src/channels/zalo/client.ts";
import { normalizeZaloUpdate, stripMention } from "../../src/channels/zalo/normalize.ts";
import { quotaNotifier, ZaloSendCounter } from "../../src/channels/zalo/quota.ts";
import {
  htmlToPlain,
  MAX_ZALO_TEXT,
  renderWithChoices,
  splitZaloText,
} from "../../src/channels/zalo/render.ts";
import { ZaloSender } from "../../src/channels/zalo/sender.ts";
import { createTranslator } from "../../src/i18n.ts";
import { OutboxLane } from "../../src/outbox/lane.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { FakeZalo } from "../support/fake-zalo.ts";

const NOW = new Date("2026-11-21T03:00:00.000Z");
const USER = "6ede9afa66b88fe6d6a9";
const update = (message: Record<string, unknown>, event = "message.text.received") => ({
  event_name: event,
  message: {
    message_id: "2d758cb5e222177a4e35",
    date: NOW.getTime() - 5000,
    from: { id: USER, display_name: "Nguyễn Văn An", is_bot: false },
    chat: { id: USER, chat_type: "PRIVATE" },
    ...message,
  },
});

describe("normalize: a Zalo update → the channel-neutral inbound event", () => {
  it("text, keyed by message_id, at the time it was sent, raw or wrapped", () => {
    for (const body of [update({ text: "Xin chào" }), { ok: true, result: update({ text: "Xin chào" }) }]) {
      const inbound = normalizeZaloUpdate(body, NOW);
      expect(inbound).toMatchObject({
        kind: "event",
        userName: "Nguyễn Văn An",
        event: {
          channel: "zalo",
          chatId: USER,
          userId: USER,
          chatType: "private",
          dedupeKey: "2d758cb5e222177a4e35",
          at: new Date(NOW.getTime() - 5000),
          payload: { kind: "text", text: "Xin chào" },
        },
      });
    }
  });

  it("commands, and in a group the @mention of the bot stripped first", () => {
    expect(normalizeZaloUpdate(update({ text: "/baocao" }), NOW)).toMatchObject({
      event: { payload: { kind: "command", command: "baocao", args: "" } },
    });
    const group = update({
      text: "@Bot Sự Cố /tiepnhan SC-2026-000123",
      chat: { id: "g0123456789abcdef0123", chat_type: "GROUP" },
    });
    expect(normalizeZaloUpdate(group, NOW, ["Bot Sự Cố"])).toMatchObject({
      kind: "event",
      mentioned: true,
      event: {
        chatId: "g0123456789abcdef0123",
        chatType: "group",
        payload: { kind: "command", command: "tiepnhan", args: "SC-2026-000123" },
      },
    });
    expect(stripMention("@Bot icheck /start", [])).toEqual({ text: "/start", mentioned: true });
    expect(stripMention("@Bot Sự Cố 1", ["Bot Sự Cố"])).toEqual({ text: "1", mentioned: true });
    expect(stripMention("@Bot Sự Cốc 1", ["Bot Sự Cố"])).toEqual({ text: "@Bot Sự Cốc 1", mentioned: false });
  });

  it("an image (photo_url or photo) becomes a file ref with the CDN URL and its caption", () => {
    for (const field of ["photo_url", "photo"]) {
      const inbound = normalizeZaloUpdate(
        update(
          { [field]: "https://photo-stal-1.zdn.vn/a.jpg", caption: "Màn hình" },
          "message.image.received",
        ),
        NOW,
      );
      expect(inbound).toMatchObject({
        event: {
          payload: {
            kind: "file",
            caption: "Màn hình",
            file: {
              fileId: "https://photo-stal-1.zdn.vn/a.jpg",
              kind: "photo",
              uniqueId: "2d758cb5e222177a4e35",
            },
          },
        },
      });
    }
  });

  it("sticker, voice and unsupported content become notices; unknown and broken updates are ignored", () => {
    expect(normalizeZaloUpdate(update({ sticker: "abc" }, "message.sticker.received"), NOW)).toMatchObject({
      kind: "notice",
      key: "zaloBot:sticker",
      chatId: USER,
      dedupeKey: "2d758cb5e222177a4e35",
    });
    expect(
      normalizeZaloUpdate(update({ voice_url: "https://f2.zdn.vn/v.aac" }, "message.voice.received"), NOW),
    ).toMatchObject({ kind: "notice", key: "zaloBot:voice" });
    expect(normalizeZaloUpdate(update({}, "message.unsupported.received"), NOW)).toMatchObject({
      kind: "notice",
      key: "zaloBot:unsupported",
    });
    expect(normalizeZaloUpdate({ event_name: "user.follow" }, NOW).kind).toBe("ignore");
    expect(normalizeZaloUpdate("garbage", NOW).kind).toBe("ignore");
    expect(normalizeZaloUpdate(update({ text: "x", from: { id: "b", is_bot: true } }), NOW).kind).toBe(
      "ignore",
    );
  });
});

describe("render: plain text, numbered options, ≤ 2,000 UTF-16 units", () => {
  it("turns the translator's HTML into plain text; what a user typed stays literal", () => {
    expect(
      htmlToPlain("<b>Phiếu SC-2026-000001</b>\nNội dung: &lt;b&gt;hack&lt;/b&gt; &amp; *x* &#39;"),
    ).toBe("Phiếu SC-2026-000001\nNội dung: <b>hack</b> & *x* '");
    expect(htmlToPlain('<a href="https://t.me/x">mở</a>')).toBe("mở (https://t.me/x)");
  });

  it("numbers every option and ends with the hint", () => {
    const text = renderWithChoices(
      "<b>Loại sự cố?</b>",
      [
        { value: "malware", label: "Nhiễm mã độc" },
        { value: "ddos", label: "Tấn công từ chối dịch vụ (DDoS)" },
      ],
      "Xin gõ số thứ tự hoặc nội dung lựa chọn.",
    );
    expect(text).toBe(
      "Loại sự cố?\n\n1. Nhiễm mã độc\n2. Tấn công từ chối dịch vụ (DDoS)\n\nXin gõ số thứ tự hoặc nội dung lựa chọn.",
    );
  });

  it("splits long text at line breaks, then inside words on grapheme boundaries", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `Dòng ${i}: ${"nội dung ".repeat(5)}`).join("\n");
    const parts = splitZaloText(lines);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_ZALO_TEXT);
    const words = (t: string) => t.split(/\s+/).filter(Boolean);
    expect(parts.flatMap(words)).toEqual(words(lines));

    const family = "👨‍👩‍👧‍👦"; // 11 UTF-16 units, one grapheme
    const emoji = family.repeat(400);
    const cut = splitZaloText(emoji);
    for (const p of cut) {
      expect(p.length).toBeLessThanOrEqual(MAX_ZALO_TEXT);
      expect(p.length % family.length).toBe(0);
    }
    expect(cut.join("")).toBe(emoji);
    const combining = "e\u0301".repeat(1500); // é as e + combining acute: never split between them
    for (const p of splitZaloText(combining)) expect(p.startsWith("\u0301")).toBe(false);
  });
});

describe("sender: outbox rows through the client, counted against the monthly quota", () => {
  let fake: FakeZalo;
  const translator = createTranslator("vi");
  const logger = pino({ level: "silent" });
  beforeAll(async () => {
    fake = await new FakeZalo().start();
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await fake.stop();
  });

  let now = NOW;
  function setup(quota = 10) {
    now = NOW;
    const db = openDatabase(":memory:");
    const store = new Store(db);
    const bot = new ZaloBot(fake.tokens[0] ?? "", { baseApiUrl: fake.url });
    const counter = new ZaloSendCounter(store, quota);
    const notify = quotaNotifier({
      store,
      translator,
      locale: "vi",
      configAdmins: { telegram: ["1"], zalo: [USER] },
      clock: () => NOW,
    });
    const sender = new ZaloSender(store, bot, logger, {
      translator,
      defaultLocale: "vi",
      counter,
      onQuota: notify,
      clock: () => now,
    });
    // The one lane every channel's sender runs in (order, retry policy, dead letters).
    const lane = new OutboxLane(store, sender, logger, { clock: () => now, baseDelayMs: 1 });
    const enqueue = (chatId: string, payload: unknown) =>
      store.enqueue(null, "zalo", chatId, payload, NOW.toISOString());
    return { store, sender, lane, counter, enqueue, db };
  }

  it("sends a question as numbered text with the hint, splits a long message, skips edits", async () => {
    const { lane, enqueue, store } = setup(100);
    enqueue(USER, {
      kind: "chat",
      text: "<b>Mức độ?</b>",
      token: "q1",
      choices: [
        { value: "1", label: "Thấp" },
        { value: "2", label: "Cao" },
      ],
    });
    enqueue(USER, { kind: "edit", messageRef: "x", text: "cũ" });
    enqueue(USER, { kind: "chat", text: "a".repeat(4500) });
    await lane.flushChat(USER);
    const sent = fake.outbox(USER).map((e) => String(e.params.text));
    expect(sent[0]).toBe("Mức độ?\n\n1. Thấp\n2. Cao\n\nXin gõ số thứ tự hoặc nội dung lựa chọn.");
    expect(sent.slice(1).map((t) => t.length)).toEqual([2000, 2000, 500]);
    expect(fake.outbox(USER).every((e) => e.params.parse_mode === undefined)).toBe(true);
    expect(store.pendingForChat("zalo", USER)).toEqual([]);
  });

  it("a message typed next answers the newest message that asks something, not a notice after it", async () => {
    const { lane, enqueue, sender, store } = setup(100);
    const choices = [{ value: "ack", label: "Tiếp nhận" }];
    const post = enqueue(USER, { kind: "chat", text: "Phiếu", token: "t:SC-2026-000001", choices });
    await lane.flushChat(USER);
    expect(sender.lastRef(USER)).toBe(String(post));
    // A reminder under the post asks nothing itself: the answer still goes to the post.
    enqueue(USER, { kind: "chat", text: "Nhắc hạn", replyTo: String(post) });
    await lane.flushChat(USER);
    expect(sender.lastRef(USER)).toBe(String(post));
    // A message that asks something (choices, or a question awaiting a reply) is answered itself.
    const question = enqueue(USER, { kind: "chat", text: "Trùng?", replyTo: String(post), choices });
    await lane.flushChat(USER);
    expect(sender.lastRef(USER)).toBe(String(question));
    const prompt = enqueue(USER, { kind: "chat", text: "Câu hỏi", replyTo: "9", forceReply: true });
    await lane.flushChat(USER);
    expect(sender.lastRef(USER)).toBe(String(prompt));
    // A notice from the desk that replies to nothing (a status change) leaves the open question the target:
    // the reporter's answer still reaches the officer who asked.
    enqueue(USER, { kind: "chat", text: "Phiếu đã được tiếp nhận" });
    await lane.flushChat(USER);
    expect(sender.lastRef(USER)).toBe(String(prompt));
    const restart = () =>
      new ZaloSender(store, new ZaloBot(fake.tokens[0] ?? "", { baseApiUrl: fake.url }), logger, {
        translator,
        defaultLocale: "vi",
      });
    // After a restart (nothing in memory) the same rules are read from the delivered rows.
    expect(restart().lastRef(USER)).toBe(String(prompt));
    // The conversation's own message (it names its language) is answered itself: the person moved on.
    const asked = enqueue(USER, { kind: "chat", text: "Câu 1/28.", locale: "vi" });
    await lane.flushChat(USER);
    expect(sender.lastRef(USER)).toBe(String(asked));
    enqueue(USER, { kind: "chat", text: "Nhắc hạn", replyTo: String(post) });
    await lane.flushChat(USER);
    expect(restart().lastRef(USER)).toBe(String(post));
  });

  it("writes the hint in the message's own language, and adds the group line in a duty chat only", async () => {
    const { lane, enqueue, store } = setup(100);
    const GROUP = "g0123456789abcdef0123";
    store.bindChat("vncert", "zalo", GROUP, "zalo:admin", NOW.toISOString());
    const question = { kind: "chat", text: "Level?", choices: [{ value: "1", label: "Low" }] };
    // A reporter whose stored language is Vietnamese, answered in English by the conversation that wrote it.
    store.ensureUser("zalo", USER, NOW.toISOString());
    store.setUserLocale("zalo", USER, "vi");
    enqueue(USER, { ...question, locale: "en" });
    // A message of the desk (no language of its own) in a duty group: the reader looked up, the group line added.
    enqueue(GROUP, question);
    await lane.flushChat(USER);
    await lane.flushChat(GROUP);
    expect(String(fake.outbox(USER)[0]?.params.text)).toBe(
      "Level?\n\n1. Low\n\nType the number or the option.",
    );
    const group = String(fake.outbox(GROUP)[0]?.params.text);
    expect(group).toContain("Xin gõ số thứ tự hoặc nội dung lựa chọn.");
    expect(group).toContain("Trong nhóm, xin trả lời (trích dẫn) tin nhắn này");
  });

  it("a 5xx is retried; a 400 is dead at once; 'Quota exceeded' is dead without retries and tells the admins", async () => {
    const { lane, enqueue, store } = setup(100);
    fake.failNext({ method: "sendMessage", http_status: 502, body: "<html>Bad Gateway</html>" });
    const id = enqueue(USER, { kind: "chat", text: "một" }) ?? 0;
    await lane.flushChat(USER);
    expect(store.outboxRow(id)?.status).toBe("pending");
    now = new Date(NOW.getTime() + 60_000);
    await lane.flushChat(USER);
    expect(store.outboxRow(id)?.status).toBe("sent");

    fake.configure({ quotaRemaining: 0 });
    const quotaId = enqueue(USER, { kind: "chat", text: "hai" }) ?? 0;
    await lane.flushChat(USER);
    expect(store.outboxRow(quotaId)?.status).toBe("dead");
    expect(fake.calls.sendMessage).toBe(3); // one failure, one success, one 429: no retry storm
    const notices = store.db
      .prepare(
        "SELECT channel, chat_id AS chatId, payload FROM outbox WHERE idempotency_key LIKE 'zalo-quota:%'",
      )
      .all() as Array<{ channel: string; chatId: string; payload: string }>;
    expect(notices.map((n) => `${n.channel}:${n.chatId}`).sort()).toEqual(["telegram:1", `zalo:${USER}`]);
    expect(notices[0]?.payload).toContain("đã dùng hết hạn mức");
  });

  it("counts sends per month in the database and warns the admins once at 80% and once at 100%", async () => {
    const { lane, enqueue, store, counter, db } = setup(10);
    for (let i = 0; i < 12; i++) enqueue(USER, { kind: "chat", text: `tin ${i}` });
    await lane.flushChat(USER);
    expect(counter.sent(NOW)).toBe(12);
    const levels = store.db
      .prepare(
        "SELECT idempotency_key AS k, payload FROM outbox WHERE idempotency_key LIKE 'zalo-quota:%' ORDER BY id",
      )
      .all() as Array<{ k: string; payload: string }>;
    expect(levels.map((l) => l.k)).toEqual([
      "zalo-quota:2026-11:80:telegram:1",
      `zalo-quota:2026-11:80:zalo:${USER}`,
      "zalo-quota:2026-11:100:telegram:1",
      `zalo-quota:2026-11:100:zalo:${USER}`,
    ]);
    expect(levels[0]?.payload).toContain("8/10");
    // The count survives a restart: a new counter on the same database continues it.
    expect(new ZaloSendCounter(new Store(db), 10).sent(NOW)).toBe(12);
    expect(new ZaloSendCounter(store, 10).sent(new Date("2026-12-01T00:00:00+07:00"))).toBe(0);
  });

  it("a typing action while the bot works", async () => {
    const { sender } = setup();
    await sender.typing(USER);
    expect(fake.actions()).toEqual([expect.objectContaining({ chat_id: USER, action: "typing" })]);
  });
});
