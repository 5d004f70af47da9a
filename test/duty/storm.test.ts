import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import type { DutyEvent } from "../../src/duty/desk.ts";
import { type ChatLimits, digestOrder, placeTicket } from "../../src/duty/storm.ts";
import type { ChatMessage, EditMessage } from "../../src/messages.ts";
import { dutyRig } from "../support/duty-rig.ts";
import { type StormReport, storeReport } from "../support/storm-rig.ts";

const GROUP = "-100777";
const TELEGRAM: ChatLimits = { perMinute: 20, canEdit: true, buttons: true };

function setup() {
  const rig = dutyRig({ group: GROUP });
  const { h, desk } = rig;
  let n = 0;
  let seq = 0;
  const later = (ms: number) => h.setClock(new Date(h.now().getTime() + ms));
  /** A report filed now and offered to the duty chats (the dispatcher's fan-out). */
  const file = (report: StormReport, channels = ["telegram"]) => {
    const id = storeReport(h.store, ++n, report, h.now().toISOString());
    desk.fanOut(h.now(), channels);
    return id;
  };
  /** The chat already took `k` messages this minute. */
  const fill = (k: number, channel = "telegram", chatId = GROUP) => {
    for (let i = 0; i < k; i++) {
      const id = h.store.enqueue(
        `fill:${chatId}:${seq++}`,
        channel,
        chatId,
        { kind: "chat", text: "x" },
        h.now().toISOString(),
      );
      h.store.markSent(id as number, h.now().toISOString(), { messageIds: [1000 + seq] });
    }
    h.store.flushSentMarks();
  };
  const rows = (chatId = GROUP) =>
    (
      h.store.db
        .prepare(
          "SELECT idempotency_key AS key, payload, status FROM outbox WHERE chat_id = ? AND idempotency_key NOT LIKE 'fill:%' ORDER BY id",
        )
        .all(chatId) as Array<{ key: string; payload: string; status: string }>
    ).map((r) => ({
      key: r.key,
      status: r.status,
      payload: JSON.parse(r.payload) as ChatMessage | EditMessage,
    }));
  /** The sender delivered the latest row of the chat as this message id. */
  const delivered = (messageId: number, chatId = GROUP) => {
    const row = h.store.db
      .prepare("SELECT id FROM outbox WHERE chat_id = ? AND status = 'pending' ORDER BY id DESC LIMIT 1")
      .get(chatId) as { id: number };
    h.store.markSent(row.id, h.now().toISOString(), { messageIds: [messageId] });
    h.store.flushSentMarks();
  };
  const posts = () => (h.store.db.prepare("SELECT count(*) AS n FROM duty_posts").get() as { n: number }).n;
  h.store.bindChat("provincial", "telegram", GROUP, "telegram:9000", h.now().toISOString());
  const act = (
    payload: DutyEvent["payload"],
    who: { userId: string; chatId?: string; chatType?: "group" | "private" },
  ) => rig.event(payload, who);
  return { h, desk, file, fill, rows, delivered, posts, later, act };
}

describe("storm mode: when a post would not fit the chat's coming minute", () => {
  it("decides post or digest from the chat's load, leaving the digest its reserve; Nghiêm trọng may use it", () => {
    expect(placeTicket(14, TELEGRAM, 2)).toBe("post");
    expect(placeTicket(15, TELEGRAM, 3)).toBe("digest");
    expect(placeTicket(15, TELEGRAM, 4)).toBe("post");
    expect(placeTicket(18, TELEGRAM, 4)).toBe("post");
    expect(placeTicket(19, TELEGRAM, 4)).toBe("digest");
  });

  it("gathers new tickets into one digest, rendered when the chat has room, then edited in place, most severe first", () => {
    const s = setup();
    s.fill(19);
    const a = s.file({ severity: 2, organisation: "Sở Y tế <tỉnh>" });
    expect(s.posts()).toBe(0);
    const [first] = s.rows();
    expect(first?.payload).toMatchObject({ kind: "chat", token: "dg", choices: [{ value: a, label: a }] });
    expect(first?.payload.text).toContain(a);
    // Only what identifies the ticket; user text escaped.
    expect(first?.payload.text).toContain("Sở Y tế &lt;tỉnh&gt;");
    expect(first?.payload.text).not.toContain("truy cập bất thường");

    // The chat is full and the digest's post not out yet: the next tickets wait in the digest, nothing queued.
    const b = s.file({ severity: 4 });
    const c = s.file({ severity: 1 });
    expect(s.rows()).toHaveLength(1);
    s.delivered(501);
    s.desk.fanOut(s.h.now(), ["telegram"]);
    expect(s.rows()).toHaveLength(1);

    // A minute later the window has room: one edit of the digest shows all three, Nghiêm trọng first.
    s.later(61_000);
    s.desk.fanOut(s.h.now(), ["telegram"]);
    const edit = s.rows()[1]?.payload as EditMessage;
    expect(edit).toMatchObject({ kind: "edit", messageRef: "501", token: "dg" });
    expect(edit.choices?.map((x) => x.value)).toEqual([b, a, c]);
    expect(edit.text.indexOf(b)).toBeLessThan(edit.text.indexOf(a));
    expect(edit.text).toContain("Nghiêm trọng");
    // Nothing new: no edit (Telegram refuses an edit that changes nothing).
    s.delivered(501);
    s.desk.fanOut(s.h.now(), ["telegram"]);
    expect(s.rows()).toHaveLength(2);

    // The storm is over: normal posts resume, and the next storm starts a new digest.
    s.later(61_000);
    const d = s.file({ severity: 1 });
    expect(s.posts()).toBe(1);
    expect(s.rows().at(-1)?.key).toContain(`duty:${d}`);
    s.fill(25);
    const e = s.file({ severity: 1 });
    const digests = s.h.store.db.prepare("SELECT post_key FROM duty_digests ORDER BY id").all() as Array<{
      post_key: string;
    }>;
    expect(digests.map((x) => x.post_key)).toEqual([
      `digest:telegram:${GROUP}:${a}`,
      `digest:telegram:${GROUP}:${e}`,
    ]);
  });

  it("a Nghiêm trọng ticket keeps its own post while the chat has room; others go to the digest", () => {
    const s = setup();
    s.fill(16);
    const severe = s.file({ severity: 4 });
    const high = s.file({ severity: 3 });
    expect(s.posts()).toBe(1);
    expect(s.rows()[0]?.key).toContain(`duty:${severe}`);
    expect(s.rows()[1]?.payload.text).toContain(high);
  });

  it("a digest lists 20 tickets; the 21st opens a new one", () => {
    const s = setup();
    s.fill(20);
    for (let i = 0; i < 21; i++) s.file({ severity: 1 });
    const sizes = s.h.store.db
      .prepare("SELECT count(*) AS n FROM duty_digest_items GROUP BY digest_id ORDER BY digest_id")
      .all() as Array<{ n: number }>;
    expect(sizes.map((x) => x.n)).toEqual([20, 1]);
  });

  it("Zalo cannot edit: each render is a new message with the tickets added since, and says how to open one", () => {
    const s = setup();
    s.h.store.bindChat("provincial", "zalo", "zg1", "telegram:9000", s.h.now().toISOString());
    s.fill(19, "zalo", "zg1");
    const a = s.file({ severity: 2 }, ["zalo"]);
    s.delivered(1, "zg1");
    s.later(61_000);
    s.fill(18, "zalo", "zg1");
    const b = s.file({ severity: 3 }, ["zalo"]);
    const [first, second] = s.rows("zg1");
    expect(first?.payload).toMatchObject({ kind: "chat" });
    expect(first?.payload.text).toContain(a);
    expect(second?.payload.kind).toBe("chat");
    expect(second?.payload.text).toContain(b);
    expect(second?.payload.text).not.toContain(a);
    expect(second?.payload.text).toContain(`/ticket ${b}`);
    expect("choices" in (second?.payload ?? {})).toBe(false);
  });

  it("digest order: most severe first, arrival order within a level", () => {
    const rows = [2, 4, 2, 3, 4].map((severity, i) => ({ id: i, severity }) as never);
    expect(digestOrder(rows).map((r) => (r as { id: number }).id)).toEqual([1, 4, 3, 0, 2]);
  });
});

describe("storm mode: a ticket in a digest stays actionable", () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it("a digest button is the desk's 'open' for that ticket, on every channel", () => {
    const app = createApp(
      parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
      createLogger("silent"),
    );
    apps.push(app);
    const decided = app.router.decide({
      channel: "telegram",
      chatId: GROUP,
      chatType: "group",
      userId: "5",
      dedupeKey: "1",
      at: new Date(),
      payload: { kind: "choice", token: "dg", value: "SC-2026-000001" },
    });
    expect(decided).toMatchObject({
      kind: "duty",
      event: { payload: { kind: "action", ticketId: "SC-2026-000001", action: "open" } },
    });
  });

  it("a reminder about a ticket listed in a digest reaches its group, as an answer to the digest", () => {
    const s = setup();
    s.fill(19);
    const a = s.file({ severity: 4 });
    s.file({ severity: 4 });
    s.delivered(601);
    const job = s.h.store.job(`ack:${a}`);
    if (!job) throw new Error("no acknowledge deadline armed");
    s.later(16 * 60_000);
    s.desk.fireJob(job, s.h.now());
    const reminder = s.rows().at(-1)?.payload as ChatMessage;
    expect(reminder.text).toContain(a);
    expect(reminder.replyTo).toBe("601");
  });

  it("opening shows the whole ticket with its buttons to a member of the duty group; a stranger gets nothing", () => {
    const s = setup();
    s.fill(20);
    const a = s.file({ severity: 2 });
    s.act({ kind: "action", ticketId: a, action: "open" }, { userId: "5" });
    const shown = s.rows().at(-1)?.payload as ChatMessage;
    expect(shown.token).toBe(`t.${a}`);
    expect(shown.choices?.map((c) => c.value)).toContain("ack");
    expect(shown.text).toContain("truy cập bất thường");
    // Acting on it works as on a post: the ticket is acknowledged from the group.
    s.act({ kind: "action", ticketId: a, action: "ack" }, { userId: "5" });
    expect(s.h.store.incidentByTicket(a)?.status).toBe("acknowledged");

    s.act(
      { kind: "action", ticketId: a, action: "open" },
      { userId: "66", chatId: "66", chatType: "private" },
    );
    const answer = s.rows("66").at(-1)?.payload as ChatMessage;
    expect(answer.text).not.toContain(a);
    const denied = s.h.store.db
      .prepare("SELECT actor, outcome FROM audit_log WHERE action = 'ticket.view' ORDER BY id DESC LIMIT 1")
      .get();
    expect(denied).toEqual({ actor: "telegram:66", outcome: "denied" });
  });
});
