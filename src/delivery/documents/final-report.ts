import { formatDateTime } from "../../present/datetime.ts";
import type { RenderContext } from "../../present/incident.ts";
import type { IncidentRow } from "../../store/store.ts";
import type { EmailAttachment } from "../email/compose.ts";
import { renderDocx } from "./docx.ts";
import type { DocumentFormat } from "./export.ts";
import { incidentForm } from "./form.ts";
import { renderPdf } from "./pdf.ts";
import { type FieldView, type FormView, formView, plain } from "./view.ts";

/** File name of the final-report template, in the shipped folder and in an admin's TEMPLATE_DIR. */
export const FINAL_REPORT_TEMPLATE = "final-report.docx";

/** The final report's own answers, as the flow files them (flows/final-report.ts). */
export interface FinalReportAnswers {
  whatHappened: string;
  howResolved: string;
  prevention: string;
  /** The documents the reporter attached, by name (the files themselves stay with the chat). */
  documents: string[];
}

/** The answers as stored, read defensively: a row written by another version still renders. */
export function finalAnswersOf(stored: Record<string, unknown>): FinalReportAnswers {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    whatHappened: text(stored.whatHappened),
    howResolved: text(stored.howResolved),
    prevention: text(stored.prevention),
    documents: Array.isArray(stored.documents) ? stored.documents.map(String) : [],
  };
}

const textField = (code: string, label: string, text: string, empty: string): FieldView => ({
  code,
  label,
  text: text || empty,
  notes: [],
  empty: text === "",
  signature: false,
});

/**
 * The final report (Báo cáo kết thúc ứng phó sự cố, reference §1.5) as the same view the Mẫu 03 documents are
 * drawn from: the reporting organisation, the initial report's reference and date, the system and the incident
 * taken from the initial report (one model, never asked twice), then the result of handling and the documents.
 */
export function finalReportView(
  incident: IncidentRow,
  answers: FinalReportAnswers,
  filedAt: string,
  rc: RenderContext,
): FormView {
  const initial = formView(incidentForm(incident), rc);
  const byCode = new Map(initial.sections.flatMap((s) => s.fields).map((f) => [f.code, f]));
  const empty = plain(rc, "mau03:empty");
  const from = (code: string): FieldView =>
    byCode.get(code) ?? textField(code, plain(rc, `mau03:field.${code}`), "", empty);
  const k = (key: string) => plain(rc, `final:document.${key}`);
  const at = formatDateTime(filedAt, rc.timeZone);
  const [day = "", month = "", year = ""] = (at.split(" ")[0] ?? "").split("/");
  const place = initial.dateLine.includes(",") ? initial.dateLine.split(",")[0]?.trim() : undefined;
  const reference = (code: string, label: string, text: string) => textField(code, label, text, empty);
  const renumber = (f: FieldView, code: string): FieldView => ({ ...f, code });
  return {
    ...initial,
    title: k("title"),
    subtitle: k("subtitle"),
    requiredNote: k("requiredNote"),
    reportedAtLabel: k("filedAt"),
    reportedAt: at,
    dateLine: place
      ? plain(rc, "mau03:dateLinePlace", { place, day, month, year })
      : plain(rc, "mau03:dateLine", { day, month, year }),
    sections: [
      {
        code: "1",
        title: k("section.reporter"),
        fields: ["A1", "A2", "A3", "A4"].map((c, i) => renumber(from(c), `1.${i + 1}`)),
      },
      {
        code: "2",
        title: k("section.reference"),
        fields: [
          reference("2.1", k("field.reference"), incident.ticketId),
          reference("2.2", k("field.referenceDate"), initial.reportedAt),
        ],
      },
      {
        code: "3",
        title: k("section.system"),
        fields: ["C1", "C2", "C3", "C4"].map((c, i) => renumber(from(c), `3.${i + 1}`)),
      },
      {
        code: "4",
        title: k("section.incident"),
        fields: [
          renumber({ ...from("D"), label: k("field.description") }, "4.1"),
          renumber(from("E1"), "4.2"),
          renumber(from("E2"), "4.3"),
        ],
      },
      {
        code: "5",
        title: k("section.result"),
        fields: [
          reference("5.1", k("field.whatHappened"), answers.whatHappened),
          reference("5.2", k("field.howResolved"), answers.howResolved),
          reference("5.3", k("field.prevention"), answers.prevention),
        ],
      },
      {
        code: "6",
        title: k("section.documents"),
        fields: [
          textField(
            "6",
            k("field.documents"),
            answers.documents.map((d, i) => `${i + 1}. ${d}`).join("\n"),
            k("noDocuments"),
          ),
        ],
      },
    ],
  };
}

/** The final report of a ticket as a Word or PDF document, dated by its filing (the same report, the same file). */
export function renderFinalReport(
  incident: IncidentRow,
  answers: FinalReportAnswers,
  filedAt: string,
  format: DocumentFormat,
  rc: RenderContext,
  options: { templateDir?: string | undefined } = {},
): Buffer {
  const view = finalReportView(incident, answers, filedAt, rc);
  const created = new Date(filedAt);
  return format === "docx"
    ? renderDocx(view, { templateDir: options.templateDir, name: FINAL_REPORT_TEMPLATE, created })
    : renderPdf(view, { created });
}

const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** The final report as the DOCX to sign and the same as PDF, for the e-mail and the chat. */
export function finalReportFiles(
  incident: IncidentRow,
  answers: FinalReportAnswers,
  filedAt: string,
  rc: RenderContext,
  options: { templateDir?: string | undefined } = {},
): EmailAttachment[] {
  const base = `${incident.ticketId}-bao-cao-ket-thuc`;
  return [
    {
      filename: `${base}.docx`,
      contentType: DOCX_TYPE,
      content: renderFinalReport(incident, answers, filedAt, "docx", rc, options).toString("base64"),
    },
    {
      filename: `${base}.pdf`,
      contentType: "application/pdf",
      content: renderFinalReport(incident, answers, filedAt, "pdf", rc, options).toString("base64"),
    },
  ];
}
