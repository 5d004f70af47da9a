import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { normalizeUpdate } from "../../src/channels/telegram/normalize.ts";
import { checkUpdate } from "../../src/channels/telegram/update-schema.ts";

const owner = { id: 500, is_bot: false, first_name: "Lan" };
const privateChat = { id: 500, type: "private" as const, first_name: "Lan" };

describe("normalizeUpdate refuses what is not the chat owner's", () => {
  it("a callback in a private chat from another user is ignored (a forged update must not touch the draft)", () => {
    const forged = {
      update_id: 7,
      callback_query: {
        id: "cb1",
        chat_instance: "x",
        from: { id: 666, is_bot: false, first_name: "Mallory" },
        data: "q1|yes",
        message: { message_id: 3, date: 0, chat: privateChat },
      },
    } as unknown as Update;
    expect(normalizeUpdate(forged, new Date())).toEqual({ kind: "ignore", callbackQueryId: "cb1" });
    const dutyForged = structuredClone(forged) as unknown as { callback_query: { data: string } };
    dutyForged.callback_query.data = "t.T-1|ack";
    expect(normalizeUpdate(dutyForged as unknown as Update, new Date()).kind).toBe("ignore");
  });

  it("the owner's own callback still counts", () => {
    const own = {
      update_id: 8,
      callback_query: {
        id: "cb2",
        chat_instance: "x",
        from: owner,
        data: "q1|yes",
        message: { message_id: 3, date: 0, chat: privateChat },
      },
    } as unknown as Update;
    expect(normalizeUpdate(own, new Date()).kind).toBe("event");
  });

  it("an update without an id is ignored, not given the key 'undefined'", () => {
    const noId = {
      message: { message_id: 1, date: 1, chat: privateChat, from: owner, text: "xin chào" },
    } as unknown as Update;
    expect(normalizeUpdate(noId, new Date())).toEqual({ kind: "ignore" });
  });
});

describe("checkUpdate", () => {
  it("accepts a real message and callback, refuses malformed ones naming the field and never the value", () => {
    expect(
      checkUpdate({
        update_id: 1,
        message: { message_id: 1, date: 1, chat: privateChat, from: owner, text: "a" },
      }).ok,
    ).toBe(true);
    const bad = checkUpdate({
      update_id: 2,
      message: { message_id: 1, date: 1, chat: privateChat, from: owner, text: 91234567 },
    });
    expect(bad).toEqual({ ok: false, problems: ["message.text: invalid_type"] });
    for (const raw of [
      null,
      5,
      "x",
      {},
      { update_id: -1 },
      { update_id: 3, message: { message_id: 1, date: 1 } },
    ]) {
      expect(checkUpdate(raw).ok, JSON.stringify(raw)).toBe(false);
    }
  });
});
