import { incidentTypeLabelKey, isIncidentType } from "./incident-types.ts";
import { extractDomains } from "./validators/index.ts";

/**
 * The initial incident report (Mẫu 03, Circular 20/2017) as data: its sections and fields, filled from the
 * stored answers through the Mẫu 03 field codes each question names (`QuestionSpec.fields`). One model for
 * every renderer (e-mail, DOCX, PDF): a question added to a flow with a field code appears in all of them,
 * and none of them knows an answer id. Pure: labels are i18n keys, instants stay ISO; renderers localize.
 */

/** The part of a question the form needs (structurally a `QuestionSpec` of flows/types.ts). */
export interface Mau03Question {
  id: string;
  fields: readonly string[];
  input:
    | { kind: "choice" | "multi"; options: readonly string[] }
    | { kind: "yesno"; allowUnknown: boolean }
    | { kind: "text" | "datetime" | "count" | "ips" | "domains" | "phone" | "email" | "files" };
}

/** One questionnaire's questions, its answers, and the i18n namespace of its option labels. */
export interface Mau03Source {
  namespace: string;
  questions: readonly Mau03Question[];
  answers: Readonly<Record<string, unknown>>;
}

/** Facts of the incident row that are no question's answer. */
export interface Mau03Facts {
  ticketId: string;
  /** Field K: when the report was made (ISO UTC). */
  reportedAt: string;
  severity: number;
  /** Where the report is made (the reporter's province), for the "…, ngày … tháng … năm …" line. */
  place?: string | undefined;
  /** Files the reporter attached (field I7), as stored on the incident. */
  files?: readonly {
    name?: string | undefined;
    kind: string;
    mimeType?: string | undefined;
    /** Once the file is kept as evidence: its size in bytes and SHA-256 (listed with the name under I7). */
    size?: number | undefined;
    sha256?: string | undefined;
  }[];
}

export interface Mau03Option {
  id: string;
  labelKey: string;
  checked: boolean;
}

export type Mau03Value =
  | { kind: "empty" }
  | { kind: "text"; text: string }
  | { kind: "list"; items: readonly string[] }
  | { kind: "number"; value: number }
  /** An instant (ISO UTC) and which part of it the field shows. */
  | { kind: "instant"; at: string; show: "date" | "time" | "dateTime" }
  /**
   * Every option of a choice field, ticked or not; `boxes` when the form prints them as checkboxes (else only
   * the chosen one is written); `notes` lists what goes with them (the attached files' names).
   */
  | {
      kind: "choices";
      multiple: boolean;
      boxes: boolean;
      options: readonly Mau03Option[];
      notes: readonly string[];
    }
  /** Left blank for the hand signature and the seal. */
  | { kind: "signature" };

export interface Mau03Field {
  code: string;
  labelKey: string;
  required: boolean;
  /** The question that filled it; fields filled by one question with one answer can be shown together. */
  questionId?: string;
  value: Mau03Value;
}

export interface Mau03Section {
  code: string;
  titleKey: string;
  fields: readonly Mau03Field[];
}

export interface Mau03Form {
  ticketId: string;
  severity: number;
  reportedAt: string;
  place: string | undefined;
  /** I8 answered "yes": every renderer says so on the document. */
  confidential: boolean;
  sections: readonly Mau03Section[];
}

interface FieldDef {
  code: string;
  required: boolean;
  /** For a date-time answer: the part this field shows (E1 the date, E2 the time). */
  show?: "date" | "time";
  /** The form prints this field's options as checkboxes ☐/☒. */
  boxes?: boolean;
}

/**
 * The form's layout (reference §1.4): sections A–L and their fields, the required ones (*), and the fields
 * printed as checkbox lists (F, G, H, I2, I3, I7, I8); other choices (C4, the incident type) print as text.
 */
export const MAU03_LAYOUT: ReadonlyArray<{ code: string; fields: readonly FieldDef[] }> = [
  { code: "A", fields: req(["A1", "A2", "A3", "A4"]) },
  { code: "B", fields: [...req(["B1"]), opt("B2"), ...req(["B3", "B4"])] },
  { code: "C", fields: [...req(["C1"]), ...["C2", "C3", "C4", "C5", "C6"].map(opt)] },
  { code: "D", fields: req(["D"]) },
  {
    code: "E",
    fields: [
      { code: "E1", required: true, show: "date" },
      { code: "E2", required: true, show: "time" },
    ],
  },
  { code: "F", fields: boxes(req(["F"])) },
  { code: "G", fields: boxes(req(["G"])) },
  { code: "H", fields: boxes(req(["H"])) },
  {
    code: "I",
    fields: ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"]
      .map(opt)
      .map((f) => (["I2", "I3", "I7", "I8"].includes(f.code) ? { ...f, boxes: true } : f)),
  },
  { code: "J", fields: [opt("J")] },
  { code: "K", fields: req(["K"]) },
  { code: "L", fields: [opt("L")] },
];

function boxes(defs: FieldDef[]): FieldDef[] {
  return defs.map((d) => ({ ...d, boxes: true }));
}
function req(codes: string[]): FieldDef[] {
  return codes.map((code) => ({ code, required: true }));
}
function opt(code: string): FieldDef {
  return { code, required: false };
}

/** What can be attached under I7 (the older VNCERT option list, reference §1.4); ticked from the files' kinds. */
export const ATTACHMENT_KINDS = ["logs", "malware", "screenshots", "traffic", "other"] as const;

const ATTACHMENT_PATTERNS: ReadonlyArray<[(typeof ATTACHMENT_KINDS)[number], RegExp]> = [
  ["traffic", /\.(pcap|pcapng|cap)$/i],
  ["logs", /\.(log|evtx|txt|csv|json)$/i],
  ["malware", /\.(exe|dll|bin|elf|apk|js|vbs|ps1|bat|scr|jar)$/i],
  ["screenshots", /\.(png|jpe?g|gif|bmp|webp)$/i],
];

/** The I7 option a file belongs to: photos are screenshots, other files are judged by their extension. */
export function attachmentKind(file: {
  name?: string | undefined;
  kind: string;
  mimeType?: string | undefined;
}) {
  if (file.kind === "photo" || file.mimeType?.startsWith("image/")) return "screenshots";
  const name = file.name ?? "";
  return ATTACHMENT_PATTERNS.find(([, pattern]) => pattern.test(name))?.[0] ?? "other";
}

interface Candidate {
  source: Mau03Source;
  question: Mau03Question;
}

const isBlank = (v: unknown) =>
  v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

/** The label key of one option, by the flows' convention (engine/render.ts `optionLabel`). */
function optionKey(source: Mau03Source, q: Mau03Question, option: string): string {
  if (q.id === "type" && isIncidentType(option)) return incidentTypeLabelKey(option);
  if (q.input.kind === "yesno") return `flow:choice.${option}`;
  return `${source.namespace}:choice.${q.id}.${option}`;
}

function optionsOf(q: Mau03Question): readonly string[] {
  if (q.input.kind === "choice" || q.input.kind === "multi") return q.input.options;
  if (q.input.kind === "yesno") return q.input.allowUnknown ? ["yes", "no", "unknown"] : ["yes", "no"];
  return [];
}

function answerValue(c: Candidate, def: FieldDef, facts: Mau03Facts): Mau03Value {
  const { question: q, source } = c;
  const answer = source.answers[q.id];
  switch (q.input.kind) {
    case "choice":
    case "multi":
    case "yesno": {
      const picked = Array.isArray(answer) ? answer : isBlank(answer) ? [] : [answer];
      return {
        kind: "choices",
        multiple: q.input.kind === "multi",
        boxes: def.boxes === true,
        options: optionsOf(q).map((id) => ({
          id,
          labelKey: optionKey(source, q, id),
          checked: picked.includes(id),
        })),
        notes: [],
      };
    }
    case "files": {
      const files = facts.files ?? [];
      const kinds = new Set(files.map(attachmentKind));
      return {
        kind: "choices",
        multiple: true,
        boxes: def.boxes === true,
        options: ATTACHMENT_KINDS.map((id) => ({
          id,
          labelKey: `mau03:attachment.${id}`,
          checked: kinds.has(id),
        })),
        notes: files.map((f) => {
          const name = f.name ?? f.kind;
          return f.sha256 ? `${name} (${f.size ?? "?"} B, SHA-256: ${f.sha256})` : name;
        }),
      };
    }
    case "datetime":
      return typeof answer === "string" && answer
        ? { kind: "instant", at: answer, show: def.show ?? "dateTime" }
        : { kind: "empty" };
    case "count":
      return typeof answer === "number" ? { kind: "number", value: answer } : textValue(answer);
    case "ips":
    case "domains":
      return Array.isArray(answer) && answer.length > 0
        ? { kind: "list", items: answer.map(String) }
        : textValue(answer);
    default:
      return textValue(answer);
  }
}

function textValue(answer: unknown): Mau03Value {
  if (Array.isArray(answer))
    return answer.length > 0 ? { kind: "list", items: answer.map(String) } : { kind: "empty" };
  if (typeof answer === "string" && answer.trim()) return { kind: "text", text: answer.trim() };
  if (typeof answer === "number") return { kind: "number", value: answer };
  return { kind: "empty" };
}

const filled = (v: Mau03Value) =>
  v.kind === "choices" ? v.options.some((o) => o.checked) || v.notes.length > 0 : v.kind !== "empty";

/**
 * The fields for one code of the layout. Of the questions naming the code, the most specific answer it
 * (the one that names fewest fields: a "domains" question beats the system name that also mentions a
 * domain); a less specific one fills in only when the specific ones are blank. Several equally specific
 * questions (D: the type and the description) each give a field of the same code, labelled by question.
 */
function fieldsFor(def: FieldDef, candidates: readonly Candidate[], facts: Mau03Facts): Mau03Field[] {
  const base = { code: def.code, labelKey: `mau03:field.${def.code}`, required: def.required };
  if (candidates.length === 0) return [{ ...base, value: { kind: "empty" } }];
  const bySpecificity = new Map<number, Candidate[]>();
  for (const c of candidates) {
    const n = c.question.fields.length;
    bySpecificity.set(n, [...(bySpecificity.get(n) ?? []), c]);
  }
  const groups = [...bySpecificity.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
  const valued = groups.map((group) => group.map((c) => ({ c, value: answerValue(c, def, facts) })));
  const specific = valued[0] ?? [];
  let chosen = valued.find((group) => group.some((v) => filled(v.value))) ?? specific;
  // Of equally specific questions, only the answered ones: the free text of an "other" option (G, H) shows
  // only when that option was chosen.
  if (chosen.length > 1 && chosen.some((v) => filled(v.value)))
    chosen = chosen.filter((v) => filled(v.value));
  // A domain-name field filled from the system's description keeps only the names in it.
  if (chosen !== specific && specific.some((v) => v.c.question.input.kind === "domains")) {
    chosen = chosen.map(({ c, value }) => {
      const items = value.kind === "text" ? extractDomains(value.text) : [];
      return { c, value: items.length > 0 ? { kind: "list", items } : { kind: "empty" } };
    });
  }
  return chosen.map(({ c, value }) => ({
    ...base,
    labelKey: chosen.length > 1 ? `mau03:part.${c.question.id}` : base.labelKey,
    questionId: c.question.id,
    value,
  }));
}

/** Builds the Mẫu 03 model of one incident from its answers, its questionnaires' specs and its facts. */
export function buildMau03(sources: readonly Mau03Source[], facts: Mau03Facts): Mau03Form {
  const byCode = new Map<string, Candidate[]>();
  for (const source of sources) {
    for (const question of source.questions) {
      for (const code of question.fields)
        byCode.set(code, [...(byCode.get(code) ?? []), { source, question }]);
    }
  }
  const sections = MAU03_LAYOUT.map((section) => ({
    code: section.code,
    titleKey: `mau03:section.${section.code}`,
    fields: section.fields.flatMap((def): Mau03Field[] => {
      const base = { code: def.code, labelKey: `mau03:field.${def.code}`, required: def.required };
      // K and L are the form's own: the time the report was made, and the space for signature and seal.
      if (def.code === "K")
        return [{ ...base, value: { kind: "instant", at: facts.reportedAt, show: "dateTime" } }];
      if (def.code === "L") return [{ ...base, value: { kind: "signature" } }];
      return fieldsFor(def, byCode.get(def.code) ?? [], facts);
    }),
  }));
  const confidential = sources.some((s) =>
    s.questions.some((q) => q.fields.includes("I8") && s.answers[q.id] === "yes"),
  );
  return {
    ticketId: facts.ticketId,
    severity: facts.severity,
    reportedAt: facts.reportedAt,
    place: facts.place?.trim() || undefined,
    confidential,
    sections,
  };
}

/** Every field of the form in order, across sections. */
export function mau03Fields(form: Mau03Form): Mau03Field[] {
  return form.sections.flatMap((s) => s.fields);
}
