import { confirmedQuestionnaire, filedAnswers } from "./confirmed-questionnaire.ts";
import type { AnswerValue, QuestionnaireContext, QuestionSpec } from "./types.ts";

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

/** Asks each part, shows the whole report with its reference, sends on confirmation. */
export const finalReportMachine = confirmedQuestionnaire({
  id: "final",
  questions: FINAL_REPORT_QUESTIONS,
  confirm: { prompt: "final:confirm.prompt", accept: "send" },
  final: { state: "submitted", prompt: "final:done.prompt" },
});

/** The final report's answers as filed: the parts answered, a skipped address left out. */
export function finalReportAnswers(context: QuestionnaireContext): Record<string, AnswerValue> {
  return filedAnswers(FINAL_REPORT_QUESTIONS, context);
}
