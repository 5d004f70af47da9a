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

export const FINAL_REPORT_FLOW_VERSION = 1;

/**
 * The final report of a ticket (Báo cáo kết thúc ứng phó sự cố, reference §1.5): the result of handling in the
 * form's three parts, the system owner's address for rule R7's e-mail, and the documents attached as files.
 * The initial report's reference (the ticket id) and date are not asked: the conversation starts the flow with
 * them in `prefill` (`ticketId`, `initialReportedAt`) from the stored ticket, and the confirmation shows them.
 */
export const FINAL_REPORT_QUESTIONS: readonly QuestionSpec[] = [
  { id: "whatHappened", fields: ["3.1"], input: { kind: "text", min: 10, max: 2000 }, required: true },
  { id: "howResolved", fields: ["3.2"], input: { kind: "text", min: 10, max: 2000 }, required: true },
  { id: "prevention", fields: ["3.3"], input: { kind: "text", min: 10, max: 2000 }, required: true },
  { id: "ownerEmail", fields: [], input: { kind: "email" }, required: false },
  { id: "documents", fields: ["4"], input: { kind: "files" }, required: false },
];

const q = questionnaire(FINAL_REPORT_QUESTIONS);

/** Asks each part, shows the whole report with its reference, sends on confirmation. */
export const finalReportMachine = setup({
  types: {
    context: {} as QuestionnaireContext,
    events: {} as FlowEvent,
    input: {} as QuestionnaireInput,
  },
  guards: q.guards,
  actions: q.actions,
}).createMachine({
  id: "final",
  context: ({ input }) => initialQuestionnaireContext(input),
  initial: "asking",
  states: {
    asking: {
      initial: "next",
      on: ASKING_HANDLERS,
      states: {
        ...(q.states("confirm") as Record<string, object>),
        confirm: {
          meta: { prompt: "final:confirm.prompt", choices: ["send", "edit"] },
          on: {
            CHOOSE: [
              { guard: { type: "chose", params: { value: "send" } }, target: "#final.submitted" },
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
    submitted: { type: "final", meta: { prompt: "final:done.prompt", choices: [] } },
  },
});

/** The final report's answers as filed: the parts answered, a skipped address left out. */
export function finalReportAnswers(context: QuestionnaireContext): Record<string, AnswerValue> {
  const answers = effectiveAnswers(FINAL_REPORT_QUESTIONS, context.answers);
  return Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null));
}
