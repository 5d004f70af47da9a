import type { Mau03Field, Mau03Form, Mau03Value } from "../../domain/mau03.ts";
import type { Params } from "../../i18n.ts";
import { formatDateTime } from "../../present/datetime.ts";
import type { RenderContext } from "../../present/incident.ts";

/**
 * The Mẫu 03 model in the reader's language: every label and value as plain text (never HTML), choice
 * fields also as their boxes. The e-mail, the DOCX and the PDF are drawn from this one view.
 */

export interface ChoiceView {
  label: string;
  checked: boolean;
}

export interface FieldView {
  code: string;
  label: string;
  /** The value as one text: the ticked options' labels for a choice field, the "empty" wording when blank. */
  text: string;
  /** A checkbox field's boxes, every option in order (other choice fields give only their text). */
  choices?: ChoiceView[];
  /** What goes with the boxes (the attached files' names). */
  notes: string[];
  /** Nothing answered: `text` is the "empty" wording. */
  empty: boolean;
  /** The signature-and-seal field: drawn as a space to sign, not as a value. */
  signature: boolean;
}

export interface SectionView {
  code: string;
  title: string;
  fields: FieldView[];
}

export interface FormView {
  lang: string;
  nation: string;
  motto: string;
  title: string;
  subtitle: string;
  requiredNote: string;
  ticketLabel: string;
  ticketId: string;
  reportedAtLabel: string;
  reportedAt: string;
  /** "…, ngày dd tháng mm năm yyyy" of the report time, above the signature. */
  dateLine: string;
  /** The reporting organisation (A1), for the heading's left column. */
  organisation: string;
  /** Set when the reporter asked for confidentiality (I8). */
  confidential: string | undefined;
  sections: SectionView[];
  signatureTitle: string;
  signatureHint: string;
}

/** Documents are plain text: the translator's text() gives it (parameters as typed, no HTML escaping). */
export function plain(rc: RenderContext, key: string, params?: Params): string {
  return rc.t.text(rc.locale, key, params);
}

/** A label key without a text in the reader's language falls back to the field's own label. */
function label(rc: RenderContext, field: Mau03Field): string {
  return rc.t.exists(field.labelKey, rc.locale)
    ? plain(rc, field.labelKey)
    : plain(rc, `mau03:field.${field.code}`);
}

function valueText(rc: RenderContext, value: Mau03Value, empty: string): string {
  switch (value.kind) {
    case "text":
      return value.text;
    case "list":
      return value.items.join(", ");
    case "number":
      return String(value.value);
    case "instant": {
      const [date = "", time = ""] = formatDateTime(value.at, rc.timeZone).split(" ");
      return value.show === "date" ? date : value.show === "time" ? time : `${date} ${time}`;
    }
    case "choices": {
      const parts = [
        ...value.options.filter((o) => o.checked).map((o) => plain(rc, o.labelKey)),
        ...value.notes,
      ];
      return parts.length > 0 ? parts.join("; ") : empty;
    }
    case "signature":
      return "";
    default:
      return empty;
  }
}

function fieldView(rc: RenderContext, field: Mau03Field, empty: string): FieldView {
  const v = field.value;
  return {
    code: field.code,
    label: label(rc, field),
    text: valueText(rc, v, empty),
    ...(v.kind === "choices" && v.boxes
      ? { choices: v.options.map((o) => ({ label: plain(rc, o.labelKey), checked: o.checked })) }
      : {}),
    notes: v.kind === "choices" && v.boxes ? [...v.notes] : [],
    signature: v.kind === "signature",
    empty:
      v.kind === "empty" ||
      (v.kind === "choices" && v.notes.length === 0 && v.options.every((o) => !o.checked)),
  };
}

/**
 * Neighbouring fields that one answer fills the same way (C5 and C6 from one "providers" question) are shown
 * once under both labels, rather than the same text twice.
 */
function mergeShared(fields: readonly Mau03Field[], views: FieldView[]): FieldView[] {
  const out: FieldView[] = [];
  let previous: Mau03Field | undefined;
  fields.forEach((field, i) => {
    const view = views[i];
    if (!view) return;
    const last = out.at(-1);
    if (
      last &&
      previous?.questionId !== undefined &&
      previous.questionId === field.questionId &&
      previous.value.kind !== "instant" &&
      last.text === view.text
    ) {
      out[out.length - 1] = {
        ...last,
        code: `${last.code}, ${view.code}`,
        label: `${last.label}; ${view.label}`,
      };
    } else {
      out.push(view);
    }
    previous = field;
  });
  return out;
}

/** The form as text in the reader's language and display time zone. */
export function formView(form: Mau03Form, rc: RenderContext, options: { merge?: boolean } = {}): FormView {
  const empty = plain(rc, "mau03:empty");
  const at = formatDateTime(form.reportedAt, rc.timeZone);
  const [day = "", month = "", year = ""] = (at.split(" ")[0] ?? "").split("/");
  const a1 = form.sections.flatMap((s) => s.fields).find((f) => f.code === "A1");
  return {
    lang: rc.locale,
    nation: plain(rc, "mau03:nation"),
    motto: plain(rc, "mau03:motto"),
    title: plain(rc, "mau03:title"),
    subtitle: plain(rc, "mau03:subtitle"),
    requiredNote: plain(rc, "mau03:requiredNote"),
    ticketLabel: plain(rc, "mau03:ticketId"),
    ticketId: form.ticketId,
    reportedAtLabel: plain(rc, "mau03:reportedAt"),
    reportedAt: at,
    dateLine: form.place
      ? plain(rc, "mau03:dateLinePlace", { place: form.place, day, month, year })
      : plain(rc, "mau03:dateLine", { day, month, year }),
    organisation: a1 ? valueText(rc, a1.value, "") : "",
    confidential: form.confidential ? plain(rc, "mau03:confidential") : undefined,
    sections: form.sections.map((s) => {
      const views = s.fields.map((f) => fieldView(rc, f, empty));
      return {
        code: s.code,
        title: plain(rc, s.titleKey),
        fields: options.merge ? mergeShared(s.fields, views) : views,
      };
    }),
    signatureTitle: plain(rc, "mau03:signature.title"),
    signatureHint: plain(rc, "mau03:signature.hint"),
  };
}
