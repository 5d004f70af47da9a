import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import { initialTransition } from "xstate";
import { getShortestPaths } from "xstate/graph";
import { PROFILE_FLOW_VERSION, PROFILE_QUESTIONS, profileMachine } from "../../flows/profile.ts";
import { REPORT_FLOW_VERSION, REPORT_QUESTIONS, reportMachine } from "../../flows/report.ts";
import type { AnswerValue, QuestionSpec } from "../../flows/types.ts";
import { currentMeta } from "../../src/conversation/render.ts";
import { createHarness, type Harness } from "../engine/harness.ts";
import { AT, modelEvents, serializeState } from "./model.ts";

/**
 * "Numbers always pick" (issue 16.5): at every state of the report and profile flows, typing the number of a
 * shown option does exactly what pressing that option does. The states come from the flows' models; each is
 * put in a chat's store as the engine keeps it, then the number is typed and, from the same start, the
 * button pressed, and the two resulting conversations (and tickets) must be the same. On a count question a
 * bare number is the answer: there it is stored as the count, and the question says how options are picked.
 */

interface Case {
  flow: "report" | "profile";
  version: number;
  machine: AnyStateMachine;
  questions: readonly QuestionSpec[];
  branches: Record<string, readonly string[]>;
}

const SCENARIOS: Record<string, readonly string[]>[] = [
  { type: ["malware"], dataExposed: ["personal"] },
  { type: ["ransomware"], systemLevel: ["4"], serviceDisrupted: ["yes"] },
  { type: ["scam_call"] },
  { ownerSector: ["defence"] },
  { detection: ["other"], notified: ["other"] },
];

const CASES: Case[] = [
  ...SCENARIOS.map((branches) => ({
    flow: "report" as const,
    version: REPORT_FLOW_VERSION,
    machine: reportMachine,
    questions: REPORT_QUESTIONS,
    branches,
  })),
  {
    flow: "profile",
    version: PROFILE_FLOW_VERSION,
    machine: profileMachine,
    questions: PROFILE_QUESTIONS,
    branches: {},
  },
];

/** Every non-final state of the model that shows choices, one per (state, answered questions) pair. */
/** States already checked, across scenarios: the scenarios share most of their states. */
const seen = new Set<string>();

function statesOf(c: Case): AnyMachineSnapshot[] {
  const paths = getShortestPaths(c.machine, {
    events: modelEvents(c.questions, c.branches),
    serializeState,
    input: { draftId: "draft-1", at: AT },
    limit: 20_000,
  } as never);
  const out: AnyMachineSnapshot[] = [];
  for (const path of paths) {
    const snapshot = path.state as AnyMachineSnapshot;
    if (snapshot.status === "done") continue;
    const meta = currentMeta(snapshot);
    if (!meta || ("launch" in meta.meta && meta.meta.launch)) continue;
    // What a typed number does depends on the question and the options shown (keep, back, pre-filled
    // value…), which follow from the answered questions' set; one state per distinct pair is enough.
    // (The list of questions to edit is the answered questions themselves.)
    const context = snapshot.context as {
      answers: Record<string, unknown>;
      selection: string[];
      trail: string[];
      prefill: Record<string, unknown>;
    };
    const shown =
      meta.key === "editPick"
        ? Object.keys(context.answers).sort()
        : [
            meta.key in context.answers,
            context.answers[meta.key] === null,
            context.trail.length > 0,
            Object.keys(context.prefill).sort(),
          ];
    const key = JSON.stringify([c.flow, meta.key, shown, context.selection]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(snapshot);
  }
  return out;
}

function place(h: Harness, c: Case, snapshot: AnyMachineSnapshot): void {
  const entry = { flow: c.flow, version: c.version, snapshot: c.machine.getPersistedSnapshot(snapshot) };
  h.store.saveConversation("telegram", "1001", "1001", [entry], AT);
}

/** What a chat holds after one input: its stored stack and its tickets. */
function outcome(h: Harness) {
  return {
    // A flow launched in the turn (the profile) is named after that turn's update id: not part of the answer.
    stack: h.store.conversationJson("telegram", "1001")?.replace(/"draftId":"[^"]*"/g, '"draftId":""'),
    tickets: h.store.incidentsByReporter("telegram", "1001").length,
  };
}

describe("numbers always pick (model-based, every state of the report and profile flows)", () => {
  const h = createHarness();
  h.store.saveProfile(
    "telegram",
    "1001",
    { fullName: "Nguyễn Văn An", organisation: "Sở KH&CN", phone: "0912 345 678" },
    AT,
  );
  for (const c of CASES) {
    it(`${c.flow} ${JSON.stringify(c.branches)}: typing an option's number equals pressing it`, () => {
      const states = statesOf(c);
      expect(states.length).toBeGreaterThan(0);
      let checked = 0;
      for (const snapshot of states) {
        place(h, c, snapshot);
        const shown = h.lastQuestion(h.text("?").messages);
        const choices = shown?.choices ?? [];
        const meta = currentMeta(snapshot);
        const question =
          meta && "question" in meta.meta
            ? c.questions.find((q) => "question" in meta.meta && q.id === meta.meta.question)
            : undefined;
        for (const [i, choice] of choices.entries()) {
          const where = `${meta?.key} #${i + 1} (${choice.value})`;
          place(h, c, snapshot);
          const typed = h.text(String(i + 1));
          const afterTyping = outcome(h);
          if (question?.input.kind === "count") {
            // Here the number is the answer; how to pick the options is said on the question itself.
            expect(shown?.text, where).toContain("«quay lại»");
            const answers = (JSON.parse(afterTyping.stack ?? "[]")[0]?.snapshot?.context?.answers ??
              {}) as Record<string, unknown>;
            expect(answers[question.id], where).toBe(i + 1);
            checked++;
            continue;
          }
          if (question?.input.kind === "multi" && !choice.value.startsWith("_")) {
            // On a multi-select question a typed number is a whole answer ("1", or "1, 3"), not a toggle.
            const answers = (JSON.parse(afterTyping.stack ?? "[]")[0]?.snapshot?.context?.answers ??
              {}) as Record<string, unknown>;
            expect(answers[question.id], where).toEqual([choice.value]);
            checked++;
            continue;
          }
          place(h, c, snapshot);
          h.press(shown?.token ?? "", choice.value);
          expect(afterTyping, `${where}: ${typed.messages.map((m) => m.text).join(" | ")}`).toEqual(
            outcome(h),
          );
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(states.length);
    }, 60_000);
  }
});

describe("numbers on text questions (the bugs of issue 16.5)", () => {
  const start = (
    q: string,
    answers: Record<string, AnswerValue> = {},
    prefill: Record<string, AnswerValue> = {},
  ) => {
    const h = createHarness();
    const [snapshot] = initialTransition(reportMachine, { draftId: "d", at: AT, answers, prefill });
    place(h, CASES[0] as Case, snapshot);
    expect(currentMeta(snapshot)?.key).toBe(q);
    return h;
  };
  it("`1` for «Bỏ qua» on the first question skips it, not «too short»", () => {
    const h = start("system");
    const reply = h.text("1");
    expect(reply.messages.map((m) => m.text).join("\n")).not.toContain("quá ngắn");
    expect(h.draft()?.answers.system).toBeNull();
  });
  it("`1` for «Bỏ qua» on the purpose question is not saved as the answer «1»", () => {
    const answered = Object.fromEntries(
      REPORT_QUESTIONS.slice(
        0,
        REPORT_QUESTIONS.findIndex((q) => q.id === "purpose"),
      ).map((q) => [q.id, null]),
    );
    const h = start("purpose", answered);
    h.text("1");
    expect(h.draft()?.answers.purpose).toBeNull();
  });
  // The technical section is skipped whole in the model; its questions are checked here one by one.
  const answeredBefore = (id: string) =>
    Object.fromEntries(
      REPORT_QUESTIONS.slice(
        0,
        REPORT_QUESTIONS.findIndex((q) => q.id === id),
      ).map((q) => [q.id, null]),
    );
  it("`1` for «Dùng: qlvb.laichau.gov.vn» on the domain question uses that domain", () => {
    const h = start("domains", answeredBefore("domains"), { domains: ["qlvb.laichau.gov.vn"] });
    const shown = h.lastQuestion(h.text("?").messages);
    expect(shown?.choices?.[0]?.label).toContain("qlvb.laichau.gov.vn");
    h.text("1");
    expect(h.draft()?.answers.domains).toEqual(["qlvb.laichau.gov.vn"]);
  });
  it.each(["os", "ips", "providers", "attachments"])(
    "on %s, each shown number does what its button does",
    (id) => {
      const h = start(id, answeredBefore(id));
      const shown = h.lastQuestion(h.text("?").messages);
      for (const [i, choice] of (shown?.choices ?? []).entries()) {
        const typed = start(id, answeredBefore(id));
        typed.text(String(i + 1));
        const pressed = start(id, answeredBefore(id));
        pressed.press(shown?.token ?? "", choice.value);
        expect(typed.draft(), `${id} #${i + 1}`).toEqual(pressed.draft());
        expect(typed.draft()?.answers[id], `${id} #${i + 1} is no answer «${i + 1}»`).not.toBe(String(i + 1));
      }
    },
  );
});
