import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { initialTransition, transition } from "xstate";
import { getShortestPaths } from "xstate/graph";
import { FINAL_REPORT_QUESTIONS, finalReportAnswers, finalReportMachine } from "../../flows/final-report.ts";
import type { FlowEvent, QuestionnaireContext } from "../../flows/types.ts";
import { currentMeta } from "../../src/conversation/render.ts";
import { AT, modelEvents, roundTrip, serializeState } from "./model.ts";

const INPUT = {
  draftId: "final:SC-2026-000001:telegram:u1",
  at: AT,
  prefill: { ticketId: "SC-2026-000001", initialReportedAt: "21/11/2026 10:00" },
};

/** The model's events, plus an attached file at the documents question (the flow's own kind of answer). */
function events(snapshot: AnyMachineSnapshot): FlowEvent[] {
  const base = modelEvents(FINAL_REPORT_QUESTIONS, {})(snapshot);
  const current = currentMeta(snapshot);
  if (current && "question" in current.meta && current.meta.question === "documents") {
    base.unshift({
      type: "FILE",
      file: { fileId: "f1", uniqueId: "u1", name: "nhat-ky.log", kind: "document" },
      at: AT,
    });
  }
  return base;
}

const start = () => initialTransition(finalReportMachine, INPUT)[0];
const replay = (steps: readonly FlowEvent[]) =>
  steps.reduce((s, e) => transition(finalReportMachine, s, e)[0], start());

const BAD_EVENTS: FlowEvent[] = [
  { type: "TEXT", text: "", at: AT },
  { type: "TEXT", text: "   \n\t ", at: AT },
  { type: "TEXT", text: "ngắn", at: AT },
  { type: "TEXT", text: "x".repeat(100_000), at: AT },
  { type: "TEXT", text: "\u0000\u0007\u001b", at: AT },
  { type: "CHOOSE", value: "drop_tables", at: AT },
  { type: "CHOOSE_MANY", values: ["nope"], at: AT },
];

describe("final report flow (model-based)", () => {
  const paths = getShortestPaths(finalReportMachine, {
    events,
    serializeState,
    input: INPUT,
    limit: 20_000,
  } as never);

  it("every shortest path to a final state replays to it; both ends (sent, cancelled) are reached", () => {
    const finals = paths.filter((p) => p.state.status === "done");
    expect([...new Set(finals.map((p) => String(p.state.value)))].sort()).toEqual(["cancelled", "submitted"]);
    for (const path of finals) {
      const end = replay(path.steps.map((s) => s.event as FlowEvent));
      expect(end.value).toEqual(path.state.value);
    }
  });

  it("asks every part, and a sent report holds the three parts of the result and keeps the reference", () => {
    const visited = new Set(paths.map((p) => currentMeta(p.state)?.key).filter(Boolean));
    for (const q of FINAL_REPORT_QUESTIONS) expect(visited, q.id).toContain(q.id);
    expect(visited).toContain("confirm");
    const sent = paths.find((p) => p.state.value === "submitted");
    const context = sent?.state.context as QuestionnaireContext;
    const answers = finalReportAnswers(context);
    expect(Object.keys(answers)).toEqual(
      expect.arrayContaining(["whatHappened", "howResolved", "prevention"]),
    );
    expect(context.prefill.ticketId).toBe("SC-2026-000001");
  });

  it("persist → restore round-trips at every state, and the restored state behaves the same", () => {
    expect(paths.length).toBeGreaterThan(FINAL_REPORT_QUESTIONS.length);
    for (const path of paths) {
      const restored = roundTrip(finalReportMachine, path.state);
      expect(restored.value).toEqual(path.state.value);
      expect(restored.context).toEqual(path.state.context);
      for (const event of events(path.state)) {
        const [a] = transition(finalReportMachine, path.state, event);
        const [b] = transition(finalReportMachine, restored, event);
        expect([b.value, b.context]).toEqual([a.value, a.context]);
      }
    }
  });

  it("bad input at every state never throws, never loses an answer and always says why", () => {
    let refused = 0;
    for (const path of paths) {
      if (path.state.status === "done") continue;
      const before = path.state.context as QuestionnaireContext;
      for (const event of BAD_EVENTS) {
        if (!path.state.can(event)) continue; // the engine answers "not now" for these
        const [after] = transition(finalReportMachine, path.state, event);
        const ctx = after.context as QuestionnaireContext;
        expect(ctx.answers).toEqual(before.answers);
        expect(after.status).toBe("active");
        if (JSON.stringify(after.value) === JSON.stringify(path.state.value)) {
          expect(ctx.error, `${JSON.stringify(path.state.value)} ${event.type}`).not.toBeNull();
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(FINAL_REPORT_QUESTIONS.length);
  });
});
