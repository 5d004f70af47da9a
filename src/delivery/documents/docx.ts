import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Docxtemplater from "docxtemplater";
import PizZip from "pizzip";
import type { FieldView, FormView } from "./view.ts";

/** File name of the initial-report template, in the shipped folder and in an admin's TEMPLATE_DIR. */
export const MAU03_TEMPLATE = "mau03.docx";

/** The shipped templates: beside src/ when run from source, two levels further up from dist/src/. */
export const DEFAULT_TEMPLATE_DIR =
  [new URL("../../../templates/", import.meta.url), new URL("../../../../templates/", import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(join(dir, MAU03_TEMPLATE))) ??
  fileURLToPath(new URL("../../../templates/", import.meta.url));

export const BOX_CHECKED = "☒";
export const BOX_EMPTY = "☐";

/** A template that cannot be filled: names the file, and what docxtemplater found wrong (tag and place). */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly details: string[],
  ) {
    super(`the document template ${file} cannot be used: ${details.join("; ") || "unknown error"}`);
    this.name = "TemplateError";
  }
}

/**
 * The template to fill: the admin's own in TEMPLATE_DIR when it holds one of this name (a changed form is
 * data, not code), else the shipped one. A TEMPLATE_DIR without it keeps the default, so an admin can
 * replace one form and not the others.
 */
export function templateFile(name: string, templateDir?: string): string {
  if (templateDir) {
    const own = join(templateDir, name);
    if (existsSync(own)) return own;
  }
  return join(DEFAULT_TEMPLATE_DIR, name);
}

const detailOf = (f: FieldView) => (f.choices ? f.notes.join("\n") : f.text);

function fieldData(f: FieldView) {
  const detail = detailOf(f);
  return {
    code: f.code,
    label: f.label,
    text: f.text,
    isChoice: f.choices !== undefined,
    choices: (f.choices ?? []).map((c) => ({
      box: c.checked ? BOX_CHECKED : BOX_EMPTY,
      label: c.label,
      checked: c.checked,
    })),
    hasDetail: detail !== "",
    detail,
  };
}

/**
 * What a template can name. The whole form as a loop: {#sections}{title}{#fields}{code}. {label}: {text}
 * {#choices}{box} {label}{/choices}{/fields}{/sections} (the shipped template); or field by field, for a
 * template laid out by hand: {A1}, {A1_label}, {#F_choices}{box} {label}{/F_choices}. The heading:
 * {nation} {motto} {title} {subtitle} {requiredNote} {organisation} {ticketLabel} {ticketId}
 * {reportedAtLabel} {reportedAt} {dateLine} {#confidential}{confidential}{/confidential}
 * {signatureTitle} {signatureHint}.
 */
export function docxData(view: FormView): Record<string, unknown> {
  const { sections, ...heading } = view;
  const flat: Record<string, unknown> = {};
  const byCode = new Map<string, FieldView[]>();
  for (const f of sections.flatMap((s) => s.fields)) {
    for (const code of f.code.split(", ")) byCode.set(code, [...(byCode.get(code) ?? []), f]);
  }
  for (const [code, fields] of byCode) {
    const [first] = fields;
    if (!first) continue;
    flat[code] = fields.length === 1 ? first.text : fields.map((f) => `${f.label}: ${f.text}`).join("\n");
    flat[`${code}_label`] = first.label;
    flat[`${code}_choices`] = fieldData(first).choices;
  }
  return {
    ...flat,
    ...heading,
    confidential: view.confidential ?? false,
    // The signature block (L) is drawn by the template itself, after the sections.
    sections: sections
      .filter((s) => !s.fields.every((f) => f.signature))
      .map((s) => ({ code: s.code, title: s.title, fields: s.fields.map(fieldData) })),
  };
}

interface DocxtemplaterErrorLike {
  properties?: { errors?: Array<{ properties?: { explanation?: string } }>; explanation?: string };
  message?: string;
}

/** Fills a Word template with the form; returns the .docx bytes (dated `created` when given). */
export function renderDocx(
  view: FormView,
  options: { templateDir?: string | undefined; name?: string; created?: Date } = {},
): Buffer {
  const file = templateFile(options.name ?? MAU03_TEMPLATE, options.templateDir);
  try {
    const doc = new Docxtemplater(new PizZip(readFileSync(file)), {
      paragraphLoop: true,
      linebreaks: true,
      // A tag the data lacks (an admin's typo, a field of a newer form) prints nothing, not "undefined".
      nullGetter: () => "",
      // The fault goes to the caller as a TemplateError, not to the console.
      errorLogging: false,
    });
    doc.render(docxData(view));
    const zip = doc.getZip();
    // Entries dated by the report, not the clock: the same report makes the same file.
    if (options.created) for (const entry of Object.values(zip.files)) entry.date = options.created;
    return zip.generate({ type: "nodebuffer", compression: "DEFLATE" });
  } catch (error) {
    const e = error as DocxtemplaterErrorLike;
    const details = e.properties?.errors?.map((x) => x.properties?.explanation ?? "") ?? [
      e.properties?.explanation ?? e.message ?? String(error),
    ];
    throw new TemplateError(file, details.filter(Boolean));
  }
}
