import type { Reason } from "../src/domain/severity-input.ts";
import {
  parseCount,
  parseDetectionTime,
  parseDomains,
  parseEmail,
  parsePublicIps,
  parseVietnamesePhone,
  parseYesNo,
  validateText,
} from "../src/domain/validators/index.ts";
import type { AnswerValue, FlowEvent, QuestionSpec } from "./types.ts";

/** The choice that takes the pre-filled value (e.g. the organisation from the saved profile). */
export const PREFILL_CHOICE = "prefill";

export type ParsedAnswer = { ok: true; value: AnswerValue; notice?: Reason } | { ok: false; error: Reason };

/** A validator's success, carrying its first warning (e.g. "approximate count") as a notice. */
const okWith = (value: AnswerValue, warnings?: readonly Reason[]): ParsedAnswer =>
  warnings?.[0] ? { ok: true, value, notice: warnings[0] } : { ok: true, value };

const fail = (key: string, params?: Reason["params"]): ParsedAnswer => ({
  ok: false,
  error: params ? { key, params } : { key },
});

/** Turns one event into the answer of a question, or the reason it is not one. Pure. */
export function parseAnswer(
  question: QuestionSpec,
  event: FlowEvent,
  selection: readonly string[],
  prefill?: AnswerValue,
): ParsedAnswer {
  const input = question.input;
  if (event.type === "CHOOSE" && event.value === PREFILL_CHOICE) {
    return prefill === undefined || prefill === null
      ? fail("flow:error.unknownChoice")
      : { ok: true, value: prefill };
  }
  if (event.type === "CHOOSE") {
    if (input.kind === "choice") {
      return input.options.includes(event.value)
        ? { ok: true, value: event.value }
        : fail("flow:error.unknownChoice");
    }
    if (input.kind === "yesno") {
      const allowed = input.allowUnknown ? ["yes", "no", "unknown"] : ["yes", "no"];
      return allowed.includes(event.value)
        ? { ok: true, value: event.value }
        : fail("flow:error.unknownChoice");
    }
    if (input.kind === "datetime" && event.value === "now") return { ok: true, value: event.at };
    return fail("flow:error.unknownChoice");
  }
  if (event.type === "CHOOSE_MANY" || event.type === "DONE") {
    if (input.kind !== "multi") return fail("flow:error.unknownChoice");
    const values = event.type === "DONE" ? selection : event.values;
    if (values.length === 0) return fail("flow:error.selectAtLeastOne");
    if (values.some((v) => !input.options.includes(v))) return fail("flow:error.unknownChoice");
    const exclusive = values.find((v) => input.exclusive?.includes(v));
    // "None yet" cannot be combined with a real recipient: that answer would contradict itself.
    if (exclusive && values.length > 1) return fail("flow:error.exclusiveChoice");
    return { ok: true, value: [...new Set(values)] };
  }
  if (event.type !== "TEXT") return fail("flow:error.expectedText");
  const text = event.text;
  switch (input.kind) {
    case "text": {
      const r = validateText(text, { min: input.min ?? 1, max: input.max, field: question.id });
      return r.ok ? okWith(r.value, r.warnings) : { ok: false, error: r.error };
    }
    case "datetime": {
      const r = parseDetectionTime(text, new Date(event.at));
      return r.ok ? okWith(r.value.toISOString(), r.warnings) : { ok: false, error: r.error };
    }
    case "count": {
      const r = parseCount(text);
      return r.ok ? okWith(r.value, r.warnings) : { ok: false, error: r.error };
    }
    case "yesno": {
      const r = parseYesNo(text);
      // Where «không rõ» is refused, the hint must not offer it.
      const refused =
        !input.allowUnknown && (r.ok ? r.value === "unknown" : r.error.key === "validation:choice.yesNo");
      if (refused) return fail("validation:choice.yesNoOnly");
      if (!r.ok) return { ok: false, error: r.error };
      return { ok: true, value: r.value };
    }
    case "ips": {
      const r = parsePublicIps(text);
      return r.ok ? okWith(r.value, r.warnings) : { ok: false, error: r.error };
    }
    case "domains": {
      const r = parseDomains(text);
      return r.ok ? okWith(r.value, r.warnings) : { ok: false, error: r.error };
    }
    case "phone": {
      const r = parseVietnamesePhone(text);
      return r.ok ? okWith(r.value.display, r.warnings) : { ok: false, error: r.error };
    }
    case "email": {
      const r = parseEmail(text);
      return r.ok ? okWith(r.value, r.warnings) : { ok: false, error: r.error };
    }
    case "choice":
    case "multi":
      return fail("flow:error.chooseFromList");
    case "files":
      return fail("flow:error.sendFileOrDone");
  }
}
