import type { FileRef } from "../../flows/types.ts";
import type { IncidentRow, Store } from "../store/store.ts";

// Apart from the keeper (which the app wires with the network) so that the submission, in the conversation
// layer, records what to fetch with nothing but the store.

export const EVIDENCE_ACTOR = "system:evidence";

/** The job kind of one file's download; the job key names the ticket's incident and the file's place. */
export const EVIDENCE_JOB = "evidence.download";
export const evidenceJobKey = (incidentId: number, position: number) => `evidence:${incidentId}:${position}`;

const isFileRef = (v: unknown): v is FileRef =>
  typeof v === "object" && v !== null && typeof (v as FileRef).fileId === "string";

/** A name for a file that came without one (a photo): its place in the report and its kind. */
function fileName(file: FileRef, position: number): string {
  const name = file.name?.trim();
  if (name) return name.slice(0, 200);
  return file.kind === "photo" ? `photo-${position + 1}.jpg` : `file-${position + 1}`;
}

/**
 * Records every file of a newly submitted ticket as pending evidence and arms one download job per file, in
 * the submission's own transaction: the ticket and the promise to fetch its files are committed together,
 * and the network is used only after the commit.
 */
export function recordEvidence(store: Store, incident: IncidentRow, at: string): number {
  const files = Array.isArray(incident.answers.files) ? incident.answers.files : [];
  let added = 0;
  files.forEach((file: unknown, position) => {
    if (!isFileRef(file)) return;
    const fresh = store.evidence.add(
      {
        incidentId: incident.id,
        position,
        channel: incident.channel,
        fileRef: file.fileId,
        messageRef: file.messageRef ?? null,
        name: fileName(file, position),
        mime: file.mimeType ?? (file.kind === "photo" ? "image/jpeg" : "application/octet-stream"),
      },
      at,
    );
    if (!fresh) return;
    store.scheduleJob(
      evidenceJobKey(incident.id, position),
      EVIDENCE_JOB,
      at,
      { incidentId: incident.id, position },
      at,
    );
    added++;
  });
  return added;
}
