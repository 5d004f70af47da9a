import { incidentTypeLabelKey, isIncidentType } from "../src/domain/incident-types.ts";
import type { StateView, StateViews } from "./present.ts";
import { reportAnswers, type reportMachine } from "./report.ts";
import type { AnswerValue } from "./types.ts";

/**
 * How the report's own prompt states are shown. Keyed by the machine's state names, so renaming a state
 * without renaming its view here does not compile (the conversation used to pick these by name and would
 * silently have shown the bare prompt).
 */
/** What was read from the opening paragraph, as the summary shows answers (escaped by the renderer). */
const understoodView: StateView = (context, ui) => {
  const facts = context.extra.facts;
  const read = typeof facts === "object" && facts !== null && !Array.isArray(facts) ? facts : {};
  return { summary: ui.answers("report", { ...context.answers, ...read }) };
};

export const REPORT_VIEWS: StateViews<typeof reportMachine> = {
  /** "Trợ lý hiểu như sau: …": every fact read from the paragraph, to confirm or correct. */
  understood: understoodView,
  understoodPartial: understoodView,
  /** The classifier's guess, named in the question ("This sounds like phishing: is that right?"). */
  typeConfirm: (context, ui) => {
    const proposed = context.extra.proposedType;
    return { params: { type: isIncidentType(proposed) ? ui.t(incidentTypeLabelKey(proposed)) : "" } };
  },
  /** The saved profile, so the reporter can confirm it is still right. */
  reporterConfirm: (context, ui) => ({
    summary: ui.answers("profile", (context.prefill.profile ?? {}) as Record<string, AnswerValue>),
  }),
  /** The summary before submission: every answer, the reporter, the computed severity and the routing. */
  summary: (context, ui) => {
    const answers = reportAnswers(context);
    const { severity, routing } = ui.assessment(answers);
    const reporter = (answers.reporter ?? {}) as Record<string, AnswerValue>;
    const files = context.files.length
      ? `\n${ui.t("flow:answer.files", { count: context.files.length })}`
      : "";
    return {
      summary: [
        ui.answers("report", answers) + files,
        `<b>${ui.t("report:summary.reporter")}</b>\n${ui.answers("profile", reporter)}`,
        severity,
        `<b>${ui.t("report:summary.routing")}</b>\n${routing}`,
      ].join("\n\n"),
    };
  },
};
