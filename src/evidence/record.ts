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
  // A later file is numbered from 1 among the later ones.
  const n = isReportFile(position) ? position + 1 : position - LATER_FILES_FROM + 1;
  return file.kind === "photo" ? `photo-${n}.jpg` : `file-${n}`;
}

/**
 * Where the files a reporter or an officer sends after the submission take their places (an answer to a relayed
 * question, the final report's documents): past every place a report's own attachments can take, so a quick
 * alert's report completed later never finds its files' places taken. No report typed in a chat carries a
 * thousand files.
 */
export const LATER_FILES_FROM = 1000;

/** Whether a row is one of the report's own attachments (the initial evidence e-mail carries only those). */
export const isReportFile = (position: number) => position < LATER_FILES_FROM;

/** One file recorded as pending and its download job armed; false when that place was already recorded. */
function addOne(
  store: Store,
  incident: IncidentRow,
  file: FileRef,
  position: number,
  from: { channel: string; messageRef: string | null },
  at: string,
): boolean {
  const fresh = store.evidence.add(
    {
      incidentId: incident.id,
      position,
      channel: from.channel,
      fileRef: file.fileId,
      messageRef: from.messageRef,
      name: fileName(file, position),
      mime: file.mimeType ?? (file.kind === "photo" ? "image/jpeg" : "application/octet-stream"),
    },
    at,
  );
  if (fresh)
    store.scheduleJob(
      evidenceJobKey(incident.id, position),
      EVIDENCE_JOB,
      at,
      { incidentId: incident.id, position },
      at,
    );
  return fresh;
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
    if (!isFileRef(file) || !isReportFile(position)) return;
    const from = { channel: incident.channel, messageRef: file.messageRef ?? null };
    if (addOne(store, incident, file, position, from, at)) added++;
  });
  return added;
}

/**
 * Records files sent after the submission (a reporter's answer to a duty officer, the final report's documents)
 * as pending evidence of the ticket, exactly like the report's own: one row and one download job each, in the
 * caller's transaction. `from` is the channel the file came from and, when the keeper should copy the message
 * into the duty chats, its id (null when the caller shows the file there itself). Returns the places taken.
 */
export function recordLaterEvidence(
  store: Store,
  incident: IncidentRow,
  files: readonly FileRef[],
  from: { channel: string; messageRef: string | null },
  at: string,
): number[] {
  const taken = store.evidence.ofIncident(incident.id).map((r) => r.position + 1);
  let position = Math.max(LATER_FILES_FROM, ...taken);
  const positions: number[] = [];
  for (const file of files) {
    if (addOne(store, incident, file, position, from, at)) positions.push(position);
    position++;
  }
  return positions;
}
