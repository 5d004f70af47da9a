import { setup } from "xstate";
import {
  ASKING_HANDLERS,
  cancellationStates,
  effectiveAnswers,
  initialQuestionnaireContext,
  type QuestionnaireInput,
  questionnaire,
} from "./questionnaire.ts";
import type { AnswerValue, FlowEvent, QuestionnaireContext, QuestionSpec } from "./types.ts";

/** What makes one confirmed questionnaire differ from another: its questions and the words of its ending. */
export interface ConfirmedQuestionnaire<Final extends string> {
  /** The machine's id (also the `#id.final` target). */
  id: string;
  questions: readonly QuestionSpec[];
  /** The confirmation's prompt key, and the choice that finishes (the other is "edit"). */
  confirm: { prompt: string; accept: string };
  /** The final state reached on accepting, and its prompt key. */
  final: { state: Final; prompt: string };
}

/**
 * A questionnaire that ends on a confirmation: each question in turn, then the whole answer shown with "accept"
 * or "edit" (back to any answered question), then one final state; cancelling returns to the exact question.
 * The reporter's profile and the final report are this shape; the incident report has more of its own.
 */
export function confirmedQuestionnaire<Final extends string>(o: ConfirmedQuestionnaire<Final>) {
  const q = questionnaire(o.questions);
  return setup({
    types: {
      context: {} as QuestionnaireContext,
      events: {} as FlowEvent,
      input: {} as QuestionnaireInput,
    },
    guards: q.guards,
    actions: q.actions,
  }).createMachine({
    id: o.id,
    context: ({ input }) => initialQuestionnaireContext(input),
    initial: "asking",
    states: {
      asking: {
        initial: "next",
        on: ASKING_HANDLERS,
        states: {
          ...(q.states("confirm") as Record<string, object>),
          confirm: {
            meta: { prompt: o.confirm.prompt, choices: [o.confirm.accept, "edit"] },
            on: {
              CHOOSE: [
                {
                  guard: { type: "chose", params: { value: o.confirm.accept } },
                  target: `#${o.id}.${o.final.state}`,
                },
                {
                  guard: { type: "chose", params: { value: "edit" } },
                  target: "editPick",
                  actions: "clearFeedback",
                },
                { actions: "rejectChoice" },
              ],
              BACK: { target: "prev", actions: "prepareBack" },
            },
          },
          hist: { type: "history", history: "deep" },
        },
      },
      ...cancellationStates(),
      // Named by the caller; typed as that name, so the machine's state values say it (e.g. "submitted").
      ...({ [o.final.state]: { type: "final", meta: { prompt: o.final.prompt, choices: [] } } } as Record<
        Final,
        { type: "final"; meta: { prompt: string; choices: never[] } }
      >),
    },
  });
}

/** The answers as filed: only the questions that apply, a skipped one left out. */
export function filedAnswers(
  questions: readonly QuestionSpec[],
  context: QuestionnaireContext,
): Record<string, AnswerValue> {
  const answers = effectiveAnswers(questions, context.answers);
  return Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null));
}
