import { setup } from "xstate";
import { MachineRunner } from "../flows/machine-runner.ts";
import {
  ASKING_HANDLERS,
  cancellationStates,
  initialQuestionnaireContext,
  type QuestionnaireInput,
  questionnaire,
} from "../flows/questionnaire.ts";
import type { FlowEvent, QuestionnaireContext, QuestionSpec } from "../flows/types.ts";
import { Engine } from "../src/conversation/engine.ts";
import { FLOWS, type FlowDefinition } from "../src/conversation/flows.ts";
import type { Translator } from "../src/i18n.ts";
import type { Store } from "../src/store/store.ts";

/** n required free-text questions (1–200 characters), built with the flows' own `questionnaire()`. */
export function textQuestions(n: number): QuestionSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `q${i + 1}`,
    fields: [],
    input: { kind: "text", min: 1, max: 200 },
    required: true,
  }));
}

/** A machine of n text questions, shaped like flows/profile.ts (asking block, cancellation, final state). */
export function textFlow(n: number): FlowDefinition {
  const questions = textQuestions(n);
  const q = questionnaire(questions);
  const id = `text${n}`;
  const machine = setup({
    types: {
      context: {} as QuestionnaireContext,
      events: {} as FlowEvent,
      input: {} as QuestionnaireInput,
    },
    guards: q.guards,
    actions: q.actions,
  }).createMachine({
    id,
    context: ({ input }) => initialQuestionnaireContext(input),
    initial: "asking",
    states: {
      asking: {
        initial: "next",
        on: ASKING_HANDLERS,
        states: {
          ...(q.states(`#${id}.done`) as Record<string, object>),
          hist: { type: "history", history: "deep" },
        },
      },
      ...cancellationStates(),
      done: { type: "final", meta: { prompt: "profile:final.saved", choices: [] } },
    },
  });
  // Registered as the engine's "report" flow by createGrowthEngine; its prompts render as their keys.
  return {
    id: "growth",
    tokenPrefix: "t",
    version: 1,
    machine,
    runner: new MachineRunner(machine, { draftId: "sample", at: "2026-01-01T00:00:00.000Z" }),
    questions,
  };
}

/**
 * An engine whose "report" flow is the n-question text flow: the growth variant runs the real Engine.handle
 * (same transaction, stack, rendering and outbox), only with a longer or shorter conversation.
 */
export function createGrowthEngine(
  store: Store,
  t: Translator,
  timeZone: string,
  flow: FlowDefinition,
): Engine {
  return new Engine({
    store,
    translator: t,
    timeZone,
    defaultLocale: "vi",
    drafts: { reminderMs: 86_400_000, expiryMs: 86_400_000 },
    flows: { report: flow, profile: FLOWS.profile },
  });
}
