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

export const PROFILE_FLOW_VERSION = 1;

/**
 * The reporter's own details (Mẫu 03 blocks A and B), asked once and reused by every later report. Each
 * question offers the saved value, so editing the profile is a row of one-tap confirmations.
 */
export const PROFILE_QUESTIONS: readonly QuestionSpec[] = [
  {
    id: "fullName",
    fields: ["B1"],
    input: { kind: "text", min: 2, max: 100 },
    required: true,
    prefillFrom: "fullName",
  },
  {
    id: "title",
    fields: ["B2"],
    input: { kind: "text", min: 2, max: 100 },
    required: false,
    prefillFrom: "title",
  },
  {
    id: "organisation",
    fields: ["A1"],
    input: { kind: "text", min: 2, max: 200 },
    required: true,
    prefillFrom: "organisation",
  },
  {
    id: "address",
    fields: ["A2"],
    input: { kind: "text", min: 5, max: 300 },
    required: true,
    prefillFrom: "address",
  },
  // The contact person's phone and e-mail (B3, B4); they also stand for the organisation's (A3, A4) in
  // profiles saved before those were asked, as the less specific answer (see src/domain/mau03.ts).
  { id: "phone", fields: ["B3", "A3"], input: { kind: "phone" }, required: true, prefillFrom: "phone" },
  { id: "email", fields: ["B4", "A4"], input: { kind: "email" }, required: true, prefillFrom: "email" },
  // The organisation's own (A3, A4): often the same, so the person's answer is offered as the default.
  {
    id: "orgPhone",
    fields: ["A3"],
    input: { kind: "phone" },
    required: true,
    prefillFrom: "orgPhone",
    defaultFrom: "phone",
  },
  {
    id: "orgEmail",
    fields: ["A4"],
    input: { kind: "email" },
    required: true,
    prefillFrom: "orgEmail",
    defaultFrom: "email",
  },
  {
    id: "province",
    fields: [],
    input: { kind: "text", min: 2, max: 60 },
    required: true,
    prefillFrom: "province",
  },
];

const q = questionnaire(PROFILE_QUESTIONS);

/** The profile machine: asks each field, shows the whole profile, saves on confirmation. */
export const profileMachine = setup({
  types: {
    context: {} as QuestionnaireContext,
    events: {} as FlowEvent,
    input: {} as QuestionnaireInput,
  },
  guards: q.guards,
  actions: q.actions,
}).createMachine({
  id: "profile",
  context: ({ input }) => initialQuestionnaireContext(input),
  initial: "asking",
  states: {
    asking: {
      initial: "next",
      on: ASKING_HANDLERS,
      states: {
        ...(q.states("confirm") as Record<string, object>),
        confirm: {
          meta: { prompt: "profile:confirm.prompt", choices: ["save", "edit"] },
          on: {
            CHOOSE: [
              { guard: { type: "chose", params: { value: "save" } }, target: "#profile.done" },
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
    done: { type: "final", meta: { prompt: "profile:final.saved", choices: [] } },
  },
});

/** The profile as saved: only the fields the flow asks, skipped ones left out. */
export function profileFromContext(context: QuestionnaireContext): Record<string, AnswerValue> {
  const answers = effectiveAnswers(PROFILE_QUESTIONS, context.answers);
  return Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null));
}
