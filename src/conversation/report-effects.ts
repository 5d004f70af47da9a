import { reportAnswers } from "../../flows/report.ts";
import type { AnswerValue, QuestionnaireContext } from "../../flows/types.ts";
import { assessReport, inactiveIds } from "../domain/assessment.ts";
import { ADVICE_TITLE_KEY, adviceFor, CALL_HOTLINE_KEY } from "../domain/extract/index.ts";
import { isIncidentType } from "../domain/incident-types.ts";
import { renderHotlines } from "../present/incident.ts";
import { syncAlert } from "./submit.ts";
import type { Active, Turn } from "./turn.ts";

// What a report step sets off besides its next question (issue 16): the containment advice for an ongoing
// incident as soon as its type is known, and the quick alert's ticket, created once and kept in step with
// every later answer. Both run inside the turn's transaction, so a crash loses or doubles neither.

/** The answers with what the opening paragraph says but the reporter has not confirmed yet. */
function knownSoFar(context: QuestionnaireContext): Record<string, AnswerValue> {
  const facts = context.extra.facts;
  const read = typeof facts === "object" && facts !== null && !Array.isArray(facts) ? facts : {};
  return { ...read, ...reportAnswers(context) };
}

/**
 * Runs after each step of the report at the top of the stack; returns the report's snapshot afterwards (the
 * advice is recorded in it, so it is shown once per type).
 */
export function reportEffects(turn: Turn, active: Active): Active {
  if (active.flow.id !== "report" || active.snapshot.status !== "active") return active;
  let context = active.snapshot.context as QuestionnaireContext;
  const known = knownSoFar(context);
  let current = active;
  const type = known.type;
  const asking = active.snapshot.matches("asking");
  if (asking && known.status === "ongoing" && isIncidentType(type) && context.extra.advised !== type) {
    const contacts = turn.store.contacts();
    const level = assessReport(known, turn.store.routingRules(), "submitted", inactiveIds(contacts)).severity
      .level;
    const advice = adviceFor(type, level);
    const parts = [`<b>${turn.t.t(turn.locale, ADVICE_TITLE_KEY)}</b>\n${turn.t.t(turn.locale, advice.key)}`];
    if (advice.showHotline) {
      parts.push(`${turn.t.t(turn.locale, CALL_HOTLINE_KEY)}\n\n${renderHotlines(contacts, turn.rc)}`);
    }
    turn.messages.push({ kind: "chat", text: `⚡ ${parts.join("\n\n")}` });
    const next = active.flow.runner.transition(active.snapshot, { type: "ADVISED", at: turn.at });
    current = { flow: active.flow, snapshot: next };
    context = next.context as QuestionnaireContext;
  }
  if (context.extra.alert === "sent") syncAlert(turn, context);
  return current;
}
