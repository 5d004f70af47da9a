import { confirmedQuestionnaire, filedAnswers } from "./confirmed-questionnaire.ts";
import type { AnswerValue, QuestionnaireContext, QuestionSpec } from "./types.ts";

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

/** The profile machine: asks each field, shows the whole profile, saves on confirmation. */
export const profileMachine = confirmedQuestionnaire({
  id: "profile",
  questions: PROFILE_QUESTIONS,
  confirm: { prompt: "profile:confirm.prompt", accept: "save" },
  final: { state: "done", prompt: "profile:final.saved" },
});

/** The profile as saved: only the fields the flow asks, skipped ones left out. */
export function profileFromContext(context: QuestionnaireContext): Record<string, AnswerValue> {
  return filedAnswers(PROFILE_QUESTIONS, context);
}
