import type { AnyMachineSnapshot } from "xstate";
import { PREFILL_CHOICE } from "../../flows/answers.ts";
import { isApplicable } from "../../flows/questionnaire.ts";
import type { AnswerValue, QuestionnaireContext, QuestionSpec, StateMeta } from "../../flows/types.ts";
import type { Assessment } from "../domain/assessment.ts";
import type { Contact } from "../domain/contacts.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import { severityLabelKey } from "../domain/severity.ts";
import type { Reason } from "../domain/severity-input.ts";
import { clipText } from "../domain/text-cut.ts";
import { escapeHtml, type Locale, type Translator } from "../i18n.ts";
import type { FlowDefinition } from "./flows.ts";
import type { ChatMessage, Choice } from "./types.ts";

/** Everything rendering needs besides the state: the reader's language and the display time zone. */
export interface RenderContext {
  t: Translator;
  locale: Locale;
  timeZone: string;
}

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

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The zone's UTC offset in each hour already asked about, or null if it changes within that hour. */
const hourOffsets = new Map<string, number | null>();
const HOUR_MS = 3_600_000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Wall-clock fields of an instant in a zone, the slow way (Intl). */
function wallClock(ms: number, timeZone: string) {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

/** The zone's offset from UTC at an instant, to the minute. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(ms / 60_000) * 60_000;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** dd/mm/yyyy hh:mm, as every channel shows a date. */
const show = (w: ReturnType<typeof wallClock>) =>
  `${pad(w.day)}/${pad(w.month)}/${w.year} ${pad(w.hour)}:${pad(w.minute)}`;

/**
 * Formats a UTC instant as dd/mm/yyyy hh:mm in the display zone. Intl takes several microseconds per call and
 * a summary formats many dates, so the zone's offset is worked out once per hour of time (zones change
 * offset at most once in an hour; an hour in which one does is formatted through Intl every time).
 */
export function formatDateTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const hour = Math.floor(ms / HOUR_MS);
  const key = `${timeZone}\u0000${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const start = offsetAt(hour * HOUR_MS, timeZone);
    offset = start === offsetAt(hour * HOUR_MS + HOUR_MS - 1, timeZone) ? start : null;
    if (hourOffsets.size >= 10_000) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  if (offset === null) return show(wallClock(ms, timeZone));
  const d = new Date(ms + offset);
  return show({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  });
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
  const prefill = q.prefillFrom ? context.prefill[q.prefillFrom] : undefined;
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

/** Renders a reason (i18n key + params) in the reader's language. */
export function renderReason(reason: Reason, rc: RenderContext): string {
  return rc.t.t(rc.locale, reason.key, reason.params);
}

/** The progress of a questionnaire: position of the question among those that apply. */
function progress(
  flow: FlowDefinition,
  context: QuestionnaireContext,
  id: string,
): { n: number; of: number } {
  const applicable = flow.questions.filter((q) => isApplicable(q, context.answers));
  return { n: applicable.findIndex((q) => q.id === id) + 1, of: applicable.length };
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

/** Severity level with its reasons, as shown to reporters and duty officers. */
export function renderSeverity(assessment: Assessment, rc: RenderContext): string {
  const { severity } = assessment;
  const head = rc.t.t(rc.locale, "report:severity.line", {
    level: rc.t.t(rc.locale, severityLabelKey(severity.level)),
  });
  const reasons = severity.reasons.map((r) => `  – ${renderReason(r, rc)}`).join("\n");
  return `${head}\n${reasons}`;
}

/** Where a report goes: each destination with what it receives, then the advice of the rules that fired. */
export function renderRouting(
  assessment: Assessment,
  contacts: readonly Contact[],
  rc: RenderContext,
): string {
  const lines: string[] = [];
  for (const d of assessment.routing.destinations) {
    const contact = contacts.find((c) => c.id === d.contactId);
    const name = contact ? contactName(contact, rc.locale) : d.contactId;
    const kinds = d.kinds.map((k) => rc.t.t(rc.locale, `routing:kind.${k}`)).join(", ");
    lines.push(`• <b>${escapeHtml(name)}</b>: ${kinds}`);
  }
  for (const a of assessment.routing.advice) {
    // Advice that names units names those the ticket went to, from the contact data; with none, the
    // translation's general wording (its key without the "routed" context) applies.
    const units = a.contactIds
      .map((id) => {
        const contact = contacts.find((c) => c.id === id);
        return contact ? contactName(contact, rc.locale) : id;
      })
      .join(", ");
    const params = units === "" ? undefined : { units, context: "routed" };
    lines.push(`👉 ${rc.t.t(rc.locale, a.key, params)}`);
  }
  return lines.join("\n");
}

/** A contact's display name in the reader's language, with its short name. */
export function contactName(contact: Contact, locale: Locale): string {
  const name = locale === "en" ? contact.nameEn : contact.nameVi;
  return contact.shortName && !name.includes(contact.shortName) ? `${name} (${contact.shortName})` : name;
}

/** National coordination first, as the directives list them, then monitoring, police, provincial units. */
const ROLE_ORDER: readonly Contact["role"][] = [
  "coordination",
  "monitoring",
  "police",
  "provincial",
  "other",
];

/** The hotline table of the directive, from the current contact data. */
export function renderHotlines(contacts: readonly Contact[], rc: RenderContext): string {
  const blocks = [...contacts]
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role))
    .filter((c) => c.active)
    .map((c) => {
      const lines = [`<b>${escapeHtml(contactName(c, rc.locale))}</b>`];
      if (c.hotlines.length)
        lines.push(rc.t.t(rc.locale, "common:contacts.hotline", { value: c.hotlines.join(", ") }));
      if (c.phones.length)
        lines.push(rc.t.t(rc.locale, "common:contacts.phone", { value: c.phones.join(", ") }));
      if (c.emails.length)
        lines.push(rc.t.t(rc.locale, "common:contacts.email", { value: c.emails.join(", ") }));
      lines.push(
        `<i>${rc.t.t(rc.locale, "common:contacts.verified", { date: c.lastVerified.split("-").reverse().join("/") })}</i>`,
      );
      return lines.join("\n");
    });
  return blocks.join("\n\n");
}
