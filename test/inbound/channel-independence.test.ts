import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { TestChannel } from "./test-channel.ts";

const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function setup() {
  const app = createApp(
    parseConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }),
    createLogger("silent"),
  );
  apps.push(app);
  // 10:00 in Hanoi, one second further for every line typed.
  let now = Date.parse("2026-11-21T03:00:00Z");
  const channel = new TestChannel(app, () => {
    now += 1000;
    return new Date(now);
  });
  return { app, channel };
}

const REPORTER = { chatId: "u1", userId: "u1" };
const ROOM = { chatId: "room", userId: "boss", group: true };
const OFFICER = { chatId: "room", userId: "o1", group: true };

describe("the router is channel-independent (a test-only channel, no Telegram code)", () => {
  it("files a report, posts it in the bound duty chat, is acknowledged by a typed number, relays a question", async () => {
    const { app, channel } = setup();
    app.store.grantRole("testchat", "boss", "admin", "", "test", new Date().toISOString());
    for (const contact of ["vncert", "ncsc", "provincial"]) await channel.type(ROOM, `/bind ${contact}`);
    expect(app.store.contactsOfChat("testchat", "room").sort()).toEqual(["ncsc", "provincial", "vncert"]);

    await channel.type(REPORTER, "/start");
    let ticketId: string | undefined;
    for (const line of REPORT_WALK) ticketId = (await channel.type(REPORTER, line)).ticketId ?? ticketId;
    expect(ticketId).toMatch(/^SC-\d{4}-\d{6}$/);
    expect(channel.chats.get("u1")?.at(-1)?.text).toContain(ticketId);

    // The duty post arrived in the room with its actions numbered, as a channel without buttons shows them.
    const post = channel.chats.get("room")?.find((m) => m.text.includes(ticketId ?? "?"));
    expect(post?.choices[0]).toMatch(/^1\. /);
    // "1" typed in reply to the post is its first action: acknowledge (authority checked by the desk).
    await channel.type(OFFICER, "1", post?.id);
    expect(app.store.incidentByTicket(ticketId ?? "")?.status).toBe("acknowledged");
    expect(channel.chats.get("u1")?.at(-1)?.text).toContain(ticketId);

    // Ask the reporter, by the typed command this time; the desk asks for the question, the reply carries it.
    await channel.type(OFFICER, `/hoithem ${ticketId}`);
    const prompt = channel.chats.get("room")?.at(-1);
    await channel.type(OFFICER, "Máy chủ nào bị nhiễm đầu tiên?", prompt?.id);
    expect(channel.chats.get("u1")?.at(-1)?.text).toContain("Máy chủ nào bị nhiễm đầu tiên?");
    expect(app.store.incidentByTicket(ticketId ?? "")?.status).toBe("waiting_reporter");
  });
});
