import type { AnyMachineSnapshot } from "xstate";
import { PREFILL_CHOICE } from "../../flows/answers.ts";
import { isApplicable, prefillFor } from "../../flows/questionnaire.ts";
import type { AnswerValue, QuestionnaireContext, QuestionSpec, StateMeta } from "../../flows/types.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import { clipText } from "../domain/text-cut.ts";
import { escapeHtml } from "../i18n.ts";
import type { ChatMessage, Choice } from "../messages.ts";
import { formatDateTime } from "../present/datetime.ts";
import { type RenderContext, renderReason } from "../present/incident.ts";
import type { FlowDefinition } from "./flows.ts";

/** Navigation choices carry values starting with "_" so they never collide with an answer's value. */
export const NAV = {
  back: "_back",
  skip: "_skip",
  keep: "_keep",
  done: "_done",
  skipSection: "_skipSection",
} as const;

/** The state's own meta (the deepest state that has one) and the key of that state. */
export function currentMeta(snapshot: AnyMachineSnapshot): { key: string; meta: StateMeta } | undefined {
  const metas = snapshot.getMeta() as Record<string, StateMeta | undefined>;
  let found: { key: string; meta: StateMeta } | undefined;
  for (const [id, meta] of Object.entries(metas)) {
    if (meta && ("question" in meta || "prompt" in meta)) {
      const key = id.split(".").at(-1) ?? id;
      if (!found || id.split(".").length >= (found.key.split(".").length ?? 0)) found = { key, meta };
    }
  }
  return found;
}

/** The token that marks buttons as belonging to this exact question of this flow. */
export function stateToken(flow: FlowDefinition, stateKey: string): string {
  return `${flow.tokenPrefix}.${stateKey}`;
}

/** The label of one option of a question, in the reader's language. */
export function optionLabel(
  flow: FlowDefinition,
  q: QuestionSpec,
  option: string,
  rc: RenderContext,
): string {
  if (q.id === "type" && isIncidentType(option)) return rc.t.t(rc.locale, incidentTypeLabelKey(option));
  if (q.input.kind === "yesno") return rc.t.t(rc.locale, `flow:choice.${option}`);
  return rc.t.t(rc.locale, `${flow.id}:choice.${q.id}.${option}`);
}

/** An answer as text for the reader (already HTML-escaped). */
export function formatAnswer(
  flow: FlowDefinition,
  q: QuestionSpec,
  value: AnswerValue,
  rc: RenderContext,
): string {
  if (value === null || value === undefined) return rc.t.t(rc.locale, "flow:answer.skipped");
  switch (q.input.kind) {
    case "choice":
    case "yesno":
      return escapeHtml(optionLabel(flow, q, String(value), rc));
    case "multi":
      return Array.isArray(value) ? value.map((v) => escapeHtml(optionLabel(flow, q, v, rc))).join(", ") : "";
    case "datetime":
      return typeof value === "string" ? formatDateTime(value, rc.timeZone) : "";
    case "count":
      return value === "unknown" ? rc.t.t(rc.locale, "flow:choice.unknown") : escapeHtml(String(value));
    case "files":
      return Array.isArray(value) ? rc.t.t(rc.locale, "flow:answer.files", { count: value.length }) : "";
    default:
      return escapeHtml(Array.isArray(value) ? value.join(", ") : String(value));
  }
}

const questionOf = (flow: FlowDefinition, id: string) => flow.questions.find((q) => q.id === id);

/** The choices offered in the current state, in display order (their numbers are their positions + 1). */
export function choicesFor(flow: FlowDefinition, snapshot: AnyMachineSnapshot, rc: RenderContext): Choice[] {
  if (flow.present) return flow.present.choices(snapshot, rc);
  const current = currentMeta(snapshot);
  if (!current) return [];
  const context = snapshot.context as QuestionnaireContext;
  const label = (key: string, params?: Record<string, string | number>) => rc.t.t(rc.locale, key, params);
  if ("prompt" in current.meta) {
    const { prompt, choices } = current.meta;
    if (choices === "editable") {
      return [
        ...flow.questions
          .filter((q) => q.id in context.answers && isApplicable(q, context.answers))
          .map((q) => ({ value: q.id, label: label(`${flow.id}:q.${q.id}.label`) })),
        { value: "back", label: label("flow:nav.backToSummary") },
      ];
    }
    const base = prompt.replace(/\.prompt$/, "");
    return choices.map((value) => ({ value, label: label(`${base}.choice.${value}`) }));
  }
  const q = questionOf(flow, current.meta.question);
  if (!q) return [];
  const out: Choice[] = [];
  const input = q.input;
  if (input.kind === "choice")
    for (const o of input.options) out.push({ value: o, label: optionLabel(flow, q, o, rc) });
  if (input.kind === "yesno") {
    for (const o of input.allowUnknown ? ["yes", "no", "unknown"] : ["yes", "no"]) {
      out.push({ value: o, label: optionLabel(flow, q, o, rc) });
    }
  }
  if (input.kind === "multi") {
    for (const o of input.options) {
      const mark = context.selection.includes(o) ? "✅ " : "";
      out.push({ value: o, label: `${mark}${optionLabel(flow, q, o, rc)}` });
    }
    out.push({ value: NAV.done, label: label("flow:nav.done") });
  }
  if (input.kind === "datetime") out.push({ value: "now", label: label("flow:choice.now") });
  if (input.kind === "files") out.push({ value: NAV.done, label: label("flow:nav.filesDone") });
  const prefill = prefillFor(q, context);
  if (prefill !== undefined && prefill !== null && !(q.id in context.answers)) {
    const shown = Array.isArray(prefill) ? prefill.join(", ") : String(prefill);
    out.push({ value: PREFILL_CHOICE, label: label("flow:nav.prefill", { value: clipText(shown, 40) }) });
  }
  const answer = context.answers[q.id];
  if (q.id in context.answers && answer !== null)
    out.push({ value: NAV.keep, label: label("flow:nav.keep") });
  if (!q.required) out.push({ value: NAV.skip, label: label("flow:nav.skip") });
  if (q.section && !q.required) out.push({ value: NAV.skipSection, label: label("flow:nav.skipSection") });
  if (context.trail.length > 0) out.push({ value: NAV.back, label: label("flow:nav.back") });
  return out;
}

/**
 * The progress of a questionnaire, counted in the order the reporter answers: an answered question keeps the
 * number it was answered at, the next one is one more than the answers so far. Counting by position in the
 * question list made the number jump back and forth whenever an answer came early (the description read from
 * the first message) or a later question started or stopped applying.
 */
function progress(
  flow: FlowDefinition,
  context: QuestionnaireContext,
  id: string,
): { n: number; of: number } {
  const applicable = new Set(flow.questions.filter((q) => isApplicable(q, context.answers)).map((q) => q.id));
  const answered = [...new Set(context.trail)].filter((t) => applicable.has(t) && t in context.answers);
  const at = answered.indexOf(id);
  return { n: (at >= 0 ? at : answered.length) + 1, of: applicable.size };
}

/** Renders the current state of a flow as one chat message with its choices. */
export function renderState(
  flow: FlowDefinition,
  snapshot: AnyMachineSnapshot,
  rc: RenderContext,
  extras: { summary?: string; params?: Record<string, string | number> } = {},
): ChatMessage {
  const current = currentMeta(snapshot);
  if (flow.present) {
    const message: ChatMessage = flow.present.render(snapshot, rc);
    if (message.choices?.length && current) message.token = stateToken(flow, current.key);
    return message;
  }
  const context = snapshot.context as QuestionnaireContext;
  const parts: string[] = [];
  if (context.notice) parts.push(`ℹ️ ${renderReason(context.notice, rc)}`);
  if (context.error) parts.push(`⚠️ ${renderReason(context.error, rc)}`);
  if (!current) return { kind: "chat", text: parts.join("\n\n") };
  if ("question" in current.meta) {
    const q = questionOf(flow, current.meta.question);
    if (q) {
      const { n, of } = progress(flow, context, q.id);
      const lines = [
        `<b>${rc.t.t(rc.locale, "flow:progress", { n, of })}</b> ${rc.t.t(rc.locale, `${flow.id}:q.${q.id}.prompt`)}`,
      ];
      if (q.required) lines.push(`<i>${rc.t.t(rc.locale, "flow:requiredHint")}</i>`);
      if (q.id in context.answers) {
        lines.push(
          rc.t.t(rc.locale, "flow:answer.current", { value: "" }) +
            formatAnswer(flow, q, context.answers[q.id] ?? null, rc),
        );
      }
      if (q.input.kind === "multi") lines.push(`<i>${rc.t.t(rc.locale, "flow:multiHint")}</i>`);
      // Numbers pick options everywhere except where a number is the answer: say so there.
      if (q.input.kind === "count") lines.push(`<i>${rc.t.t(rc.locale, "answering:countHint")}</i>`);
      parts.push(lines.join("\n"));
    }
  } else {
    const text = rc.t.t(rc.locale, current.meta.prompt, extras.params);
    parts.push(extras.summary ? `${text}\n\n${extras.summary}` : text);
  }
  const choices = choicesFor(flow, snapshot, rc);
  const message: ChatMessage = { kind: "chat", text: parts.join("\n\n") };
  if (choices.length > 0) {
    message.choices = choices;
    message.token = stateToken(flow, current.key);
  }
  return message;
}

/** The answers of a flow as labelled lines (the summary before submission, and the ticket view). */
export function renderAnswers(
  flow: FlowDefinition,
  answers: Readonly<Record<string, AnswerValue>>,
  rc: RenderContext,
): string {
  return flow.questions
    .filter((q) => q.id in answers && isApplicable(q, answers))
    .map(
      (q) =>
        `• <b>${rc.t.t(rc.locale, `${flow.id}:q.${q.id}.label`)}:</b> ${formatAnswer(flow, q, answers[q.id] ?? null, rc)}`,
    )
    .join("\n");
}
