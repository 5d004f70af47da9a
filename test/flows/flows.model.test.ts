import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import { initialTransition, transition } from "xstate";
import { getShortestPaths } from "xstate/graph";
import { PROFILE_QUESTIONS, profileMachine } from "../../flows/profile.ts";
import { REPORT_QUESTIONS, reportMachine } from "../../flows/report.ts";
import type { FlowEvent, QuestionnaireContext, QuestionSpec } from "../../flows/types.ts";
import { currentMeta } from "../../src/conversation/render.ts";
import { AT, modelEvents, roundTrip, serializeState } from "./model.ts";

/**
 * Scenarios explored one at a time: combining their branches would multiply the state space (every answer set
 * times every position "back" can reach) without covering more transitions.
 */
const REPORT_SCENARIOS: Record<string, Record<string, readonly string[]>> = {
  baseline: { type: ["malware"] },
  scamCall: { type: ["scam_call"] },
  criticalSystemDown: {
    type: ["ransomware"],
    systemLevel: ["4"],
    serviceDisrupted: ["yes"],
    canHandleAlone: ["no"],
  },
  personalData: { dataExposed: ["personal"], systemLevel: ["3"] },
  defenceOwned: { ownerSector: ["defence"] },
  // "Other" in G and H: their free-text questions (issue 14.2).
  otherChosen: { detection: ["ids", "other"], notified: ["dost", "other"] },
};

interface FlowCase {
  name: string;
  scenario: string;
  machine: AnyStateMachine;
  questions: readonly QuestionSpec[];
  events: (s: AnyMachineSnapshot) => FlowEvent[];
  finals: string[];
}

const CASES: FlowCase[] = [
  ...Object.entries(REPORT_SCENARIOS).map(([scenario, branches]) => ({
    name: "report",
    scenario,
    machine: reportMachine,
    questions: REPORT_QUESTIONS,
    events: modelEvents(REPORT_QUESTIONS, branches),
    finals: ["scamCall", "defenceOwned"].includes(scenario)
      ? ["cancelled", "closedWithAdvice"]
      : ["submitted", "cancelled"],
  })),
  {
    name: "profile",
    scenario: "baseline",
    machine: profileMachine,
    questions: PROFILE_QUESTIONS,
    events: modelEvents(PROFILE_QUESTIONS, {}),
    finals: ["done", "cancelled"],
  },
];

function start(machine: AnyStateMachine): AnyMachineSnapshot {
  return initialTransition(machine, { draftId: "draft-1", at: AT })[0];
}

function replay(machine: AnyStateMachine, events: readonly FlowEvent[]): AnyMachineSnapshot {
  return events.reduce((s, e) => transition(machine, s, e)[0], start(machine));
}

/** Inputs no question accepts: they must be refused with a reason and change no answer. */
const BAD_EVENTS: FlowEvent[] = [
  { type: "TEXT", text: "", at: AT },
  { type: "TEXT", text: "   \n\t ", at: AT },
  { type: "TEXT", text: "x".repeat(100_000), at: AT },
  { type: "TEXT", text: "\u0000\u0007\u001b", at: AT },
  { type: "CHOOSE", value: "drop_tables", at: AT },
  { type: "CHOOSE_MANY", values: ["nope"], at: AT },
  { type: "CHOOSE_MANY", values: [], at: AT },
];

/** Scenarios that end within the first answers (scam advice; a system out of scope, rule R8). */
const SHORT = ["scamCall", "defenceOwned"];

for (const c of CASES) {
  describe(`${c.name} flow, ${c.scenario} (model-based)`, () => {
    const allPaths = getShortestPaths(c.machine, {
      events: c.events,
      serializeState,
      input: { draftId: "draft-1", at: AT },
      limit: 20_000,
    } as never);

    it("every shortest path to a final state ends in that final state when replayed", () => {
      const finalPaths = allPaths.filter((p) => p.state.status === "done");
      const reached = new Set(finalPaths.map((p) => String(p.state.value)));
      expect([...reached].sort()).toEqual([...c.finals].sort());
      for (const path of finalPaths) {
        const end = replay(
          c.machine,
          path.steps.map((s) => s.event as FlowEvent),
        );
        expect(end.status).toBe("done");
        expect(end.value).toEqual(path.state.value);
      }
    });

    it("reaches every question that applies in this scenario", () => {
      const visited = new Set(allPaths.map((p) => currentMeta(p.state)?.key).filter(Boolean));
      const submitted = allPaths.find((p) => p.state.value === "submitted");
      const answers = (submitted?.state.context as QuestionnaireContext | undefined)?.answers ?? {};
      for (const q of c.questions) if (q.id in answers) expect(visited, q.id).toContain(q.id);
      expect(visited.size).toBeGreaterThan(SHORT.includes(c.scenario) ? 1 : 7);
    });

    it("persist → restore round-trips at every state, and the restored state behaves the same", () => {
      expect(allPaths.length).toBeGreaterThan(SHORT.includes(c.scenario) ? 5 : c.questions.length);
      for (const path of allPaths) {
        const restored = roundTrip(c.machine, path.state);
        expect(restored.value).toEqual(path.state.value);
        expect(restored.context).toEqual(path.state.context);
        for (const event of c.events(path.state)) {
          const [a] = transition(c.machine, path.state, event);
          const [b] = transition(c.machine, restored, event);
          expect([b.value, b.context]).toEqual([a.value, a.context]);
        }
      }
    });

    it("bad input at every state never throws, never loses an answer and always says why", () => {
      let refused = 0;
      for (const path of allPaths) {
        if (path.state.status === "done") continue;
        const before = path.state.context as QuestionnaireContext;
        for (const event of BAD_EVENTS) {
          if (!path.state.can(event)) continue; // the engine answers "not now" for these
          const [after] = transition(c.machine, path.state, event);
          const ctx = after.context as QuestionnaireContext;
          expect(ctx.answers).toEqual(before.answers);
          expect(after.status).toBe("active");
          if (JSON.stringify(after.value) === JSON.stringify(path.state.value)) {
            expect(ctx.error, `${JSON.stringify(path.state.value)} ${event.type}`).not.toBeNull();
            refused++;
          }
        }
      }
      expect(refused).toBeGreaterThan(SHORT.includes(c.scenario) ? 5 : c.questions.length);
    });
  });
}

describe("report flow details", () => {
  it("a changed answer that makes a question moot drops it from the effective answers", async () => {
    const { reportAnswers } = await import("../../flows/report.ts");
    const ctx = {
      ...(start(reportMachine).context as QuestionnaireContext),
      answers: { dataExposed: "none", personalCount: 12000 },
    };
    expect(reportAnswers(ctx)).toEqual({ dataExposed: "none" });
  });

  it("cancel from any question returns to that same question on 'no'", () => {
    let s = start(reportMachine);
    for (const e of [
      { type: "TEXT", text: "Website sở", at: AT },
      { type: "CHOOSE", value: "ddos", at: AT },
      { type: "CANCEL", at: AT },
      { type: "CHOOSE", value: "no", at: AT },
    ] as FlowEvent[]) {
      s = transition(reportMachine, s, e)[0];
    }
    expect(s.value).toEqual({ asking: "ownerSector" });
  });

  it("a system of Defence or Public Security is sent to its own channel at the third answer (rule R8)", () => {
    for (const sector of ["defence", "public_security"]) {
      let s = start(reportMachine);
      for (const e of [
        { type: "TEXT", text: "Website sở", at: AT },
        { type: "CHOOSE", value: "ddos", at: AT },
        { type: "CHOOSE", value: sector, at: AT },
      ] as FlowEvent[]) {
        s = transition(reportMachine, s, e)[0];
      }
      expect(s.value).toBe("outOfScope");
    }
  });
});
