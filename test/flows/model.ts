import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import { createActor } from "xstate";
import type { FlowEvent, QuestionSpec } from "../../flows/types.ts";
import { currentMeta } from "../../src/conversation/render.ts";

export const AT = "2026-11-21T03:00:00.000Z";

/** A valid typed answer for each kind of input (one representative value). */
function sampleText(q: QuestionSpec): string {
  switch (q.input.kind) {
    case "datetime":
      return "hôm nay 08:30";
    case "count":
      return "5";
    case "ips":
      return "8.8.8.8";
    case "domains":
      return "laichau.gov.vn";
    case "phone":
      return "0912 345 678";
    case "email":
      return "an.nv@laichau.gov.vn";
    default:
      return q.id === "description" ? "Trang chủ bị thay đổi giao diện, hiện chữ lạ" : `Giá trị ${q.id}`;
  }
}

/**
 * The events the model explores in a state. Branching questions get two answers so every path (scam advice,
 * out-of-scope owner, high-level system questions, personal data count) is reached; others get one.
 */
export function modelEvents(
  questions: readonly QuestionSpec[],
  branches: Record<string, readonly string[]>,
): (snapshot: AnyMachineSnapshot) => FlowEvent[] {
  return (snapshot) => {
    const current = currentMeta(snapshot);
    if (!current) return [];
    const events: FlowEvent[] = [];
    if ("prompt" in current.meta) {
      const { choices } = current.meta;
      if (choices === "editable") {
        const answered = Object.keys((snapshot.context as { answers: object }).answers);
        if (answered[0]) events.push({ type: "CHOOSE", value: answered[0], at: AT });
        events.push({ type: "CHOOSE", value: "back", at: AT });
      } else {
        for (const value of choices) events.push({ type: "CHOOSE", value, at: AT });
      }
      if (current.meta.launch === "profile") {
        events.push({
          type: "PROFILE",
          profile: { fullName: "Nguyễn Văn An", organisation: "Sở KH&CN" },
          at: AT,
        });
      }
      return events;
    }
    const q = questions.find((x) => "question" in current.meta && x.id === current.meta.question);
    if (!q) return [];
    const input = q.input;
    if (input.kind === "choice") {
      for (const value of branches[q.id] ?? [input.options[0] ?? ""])
        events.push({ type: "CHOOSE", value, at: AT });
    } else if (input.kind === "yesno") {
      for (const value of branches[q.id] ?? ["no"]) events.push({ type: "CHOOSE", value, at: AT });
    } else if (input.kind === "multi") {
      // A branch on a multi-select question is the one set of options chosen there (e.g. "other").
      events.push({ type: "CHOOSE_MANY", values: [...(branches[q.id] ?? [input.options[0] ?? ""])], at: AT });
    } else if (input.kind === "files") {
      events.push({ type: "DONE", at: AT });
    } else if (q.required || q.id === questions[0]?.id) {
      events.push({ type: "TEXT", text: sampleText(q), at: AT });
    }
    // Optional questions are skipped in the model (answering them is covered by the engine tests): exploring
    // answer-or-skip for each would multiply the states without reaching new ones.
    if (!q.required && q.id !== questions[0]?.id) {
      events.push(q.section ? { type: "SKIP_SECTION", at: AT } : { type: "SKIP", at: AT });
    }
    events.push({ type: "BACK", at: AT });
    if (q.id === questions[0]?.id) events.push({ type: "CANCEL", at: AT });
    return events;
  };
}

/** State identity for the traversal: where we are and what has been answered. */
export function serializeState(snapshot: AnyMachineSnapshot): string {
  const c = snapshot.context as { answers: Record<string, unknown>; selection: string[] };
  // Sorted keys: the same answers reached in another order are the same state.
  const answers = Object.keys(c.answers)
    .sort()
    .map((k) => [k, c.answers[k]]);
  return JSON.stringify([snapshot.value, answers, c.selection]);
}

/** Persists a snapshot to JSON and restores it, as the engine does between two updates. */
export function roundTrip(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): AnyMachineSnapshot {
  const json = JSON.stringify(machine.getPersistedSnapshot(snapshot));
  return createActor(machine, { snapshot: JSON.parse(json) }).getSnapshot();
}
