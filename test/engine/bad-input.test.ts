import { describe, expect, it } from "vitest";
import type { InboundPayload } from "../../src/messages.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { createHarness } from "./harness.ts";

/** A small seeded generator, so a failure names the seed that reproduces it. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Inputs that no question accepts, from every input path a channel has: text, buttons, commands, files. */
function badInputs(rand: () => number): Array<() => InboundPayload> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  return [
    () => ({ kind: "text", text: "" }),
    () => ({ kind: "text", text: " \n\t " }),
    () => ({ kind: "text", text: "Ж".repeat(100_000) }),
    () => ({ kind: "text", text: "\u0000\u0008\u001f" }),
    () => ({ kind: "choice", token: pick(["r.type", "r.summary", "x", "", "r.system|1"]), value: "1" }),
    () => ({ kind: "choice", token: "r.nope", value: pick(["yes", "submit", "_back", "💥"]) }),
    () => ({ kind: "choice", token: "lang", value: "klingon" }),
    () => ({
      kind: "command",
      command: pick(["frobnicate", "status", "trangthai"]),
      args: pick(["", "SC-1", "<i>"]),
    }),
    () => ({ kind: "command", command: pick(["help", "contacts", "mytickets"]), args: "" }),
  ];
}

describe("randomized bad input at every step of a report", () => {
  it.each([1, 7, 42, 2026])("never throws, always answers, never loses an answer (seed %i)", (seed) => {
    const rand = prng(seed);
    const h = createHarness();
    const inputs = badInputs(rand);
    h.command("start");
    for (const line of REPORT_WALK) {
      for (let i = 0; i < 3; i++) {
        const before = JSON.stringify(h.draft()?.answers);
        const payload = (inputs[Math.floor(rand() * inputs.length)] ?? inputs[0])?.();
        if (!payload) continue;
        const reply = h.send(payload);
        expect(reply.messages.length, JSON.stringify(payload).slice(0, 80)).toBeGreaterThan(0);
        expect(JSON.stringify(h.draft()?.answers), JSON.stringify(payload).slice(0, 80)).toBe(before);
      }
      h.text(line);
    }
    expect(h.store.incidentsByReporter("telegram", "1001")).toHaveLength(1);
    const incident = h.store.incidentsByReporter("telegram", "1001")[0];
    expect(incident?.answers).toMatchObject({
      type: "malware",
      machines: 5,
      operator: "Sở KH&CN tỉnh Lai Châu",
    });
  });

  it("user text is escaped wherever it is echoed back (no markup injection)", () => {
    const h = createHarness();
    h.command("start");
    h.text('<a href="http://evil">click</a> & <b>bold</b>');
    const back = h.text("quay lại");
    const shown = back.messages.map((m) => m.text).join("\n");
    expect(shown).toContain(
      "&lt;a href=&quot;http://evil&quot;&gt;click&lt;/a&gt; &amp; &lt;b&gt;bold&lt;/b&gt;",
    );
    expect(shown).not.toContain('<a href="http://evil">');
  });
});
