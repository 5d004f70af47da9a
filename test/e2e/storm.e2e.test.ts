import { afterEach, describe, expect, it } from "vitest";
import { callbackData } from "../../src/channels/telegram/render.ts";
import { DIGEST_TOKEN } from "../../src/duty/storm.ts";
import { STORM_GROUP, type StormRig, startStormRig, untilSim } from "../support/storm-rig.ts";

// Sped up ten times: fast enough for a test, slow enough that a busy machine does not stretch the sends.
const SCALE = 10;
const TICKET_ID = /SC-\d{4}-\d{6}/g;

let rig: StormRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("storm mode against the fake Bot API enforcing Telegram's limits", () => {
  it("shows every ticket of a wave in the duty group (post or digest), none lost, no 429, Nghiêm trọng first", async () => {
    rig = await startStormRig({ scale: SCALE, databasePath: ":memory:" });
    const start = rig.simMs();
    // 90 reports in 90 s of Telegram time: 4.5 times what a group can show one post at a time.
    const ids: string[] = [];
    for (let i = 0; i < 90; i++) {
      await untilSim(rig, start + i * 1000, SCALE);
      const severity = i % 10 === 9 ? 4 : (((i % 3) + 1) as 1 | 2 | 3);
      ids.push(rig.submit({ severity }));
    }
    await rig.drain(30_000);

    const delays = rig.delays();
    const lost = ids.filter((id) => delays.get(id) === undefined);
    expect(lost).toEqual([]);
    expect(Math.max(...ids.map((id) => delays.get(id) ?? Number.POSITIVE_INFINITY))).toBeLessThanOrEqual(60);
    expect(rig.fake.stats.limit429).toBe(0);
    expect(rig.fake.stats.refused).toEqual([]);

    const shown = rig.fake.visible(STORM_GROUP);
    const digests = shown.filter((m) => m.text?.includes("Tổng hợp phiếu mới"));
    // One post per ticket would have needed 90 messages; the group got far fewer, digests among them.
    expect(digests.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(45);
    // Each ticket shows once: in its own post or in one digest.
    const listed = shown.flatMap((m) => m.text?.match(TICKET_ID) ?? []);
    expect(new Set(listed)).toEqual(new Set(ids));
    let severeFirst = 0;
    for (const digest of digests) {
      const order = (digest.text?.match(TICKET_ID) ?? []).filter((id, i, all) => all.indexOf(id) === i);
      const levels = order.map((id) => rig?.severities.get(id) ?? 0);
      // Most severe first, whatever the order they arrived in.
      expect([...levels].sort((a, b) => b - a)).toEqual(levels);
      if (levels[0] === 4 && levels.some((l) => l < 4)) severeFirst++;
      // One button to open each listed ticket.
      const keyboard = digest.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> };
      expect(keyboard.inline_keyboard.flat().map((b) => b.callback_data)).toEqual(
        order.map((id) => callbackData(DIGEST_TOKEN, id)),
      );
    }
    expect(severeFirst).toBeGreaterThan(0);
    expect(digests.some((d) => d.edits > 0)).toBe(true);
  }, 90_000);
});
