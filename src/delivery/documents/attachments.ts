import type { RenderContext } from "../../present/incident.ts";
import type { IncidentRow } from "../../store/store.ts";
import type { EmailAttachment } from "../email/compose.ts";
import { renderInitialReport } from "./export.ts";

// Apart from the e-mail's composition so that loading the e-mail code (every start of the bot or the
// terminal chat) does not load the PDF and Word libraries; whoever queues an e-mail with its documents does.

const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * The initial report as documents for the "[TBSC]" e-mail: the Word file to print, sign and seal (the
 * e-mail itself is only a notification, Art. 9) and the same content as PDF, both from the one Mẫu 03 model.
 * Rendered when the e-mail is queued, so every retry sends the same files.
 */
export function ticketEmailAttachments(
  incident: IncidentRow,
  rc: RenderContext,
  options: Parameters<typeof renderInitialReport>[3] = {},
): EmailAttachment[] {
  const base = `${incident.ticketId}-mau03`;
  return [
    {
      filename: `${base}.docx`,
      contentType: DOCX_TYPE,
      content: renderInitialReport(incident, "docx", rc, options).toString("base64"),
    },
    {
      filename: `${base}.pdf`,
      contentType: "application/pdf",
      content: renderInitialReport(incident, "pdf", rc, options).toString("base64"),
    },
  ];
}
