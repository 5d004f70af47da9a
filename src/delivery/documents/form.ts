import { PROFILE_QUESTIONS } from "../../../flows/profile.ts";
import { REPORT_QUESTIONS } from "../../../flows/report.ts";
import { buildMau03, type Mau03Form } from "../../domain/mau03.ts";
import type { EvidenceRow } from "../../store/repos/evidence.ts";
import type { IncidentRow } from "../../store/store.ts";

type Answers = Record<string, unknown>;

const record = (v: unknown): Answers =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Answers) : {};

/**
 * The Mẫu 03 model of a stored incident: the report's answers through the report flow's questions, the
 * reporter's saved profile (stored with the answers) through the profile flow's, and the row's own facts.
 */
export function incidentForm(
  incident: IncidentRow,
  /** The ticket's kept evidence (store.evidence.ofIncident): a stored file is listed with its size and hash. */
  evidence: readonly EvidenceRow[] = [],
): Mau03Form {
  const answers = record(incident.answers);
  const files = Array.isArray(answers.files)
    ? answers.files
        .map((f, position) => {
          const kept = evidence.find((e) => e.position === position && e.status === "stored");
          return kept?.sha256
            ? { ...record(f), name: kept.name, size: kept.size ?? undefined, sha256: kept.sha256 }
            : f;
        })
        .filter(
          (f): f is { name?: string; kind: string; mimeType?: string } => typeof record(f).kind === "string",
        )
    : [];
  const reporter = record(answers.reporter);
  const reportedAt =
    typeof answers.reportedAt === "string" && answers.reportedAt ? answers.reportedAt : incident.createdAt;
  return buildMau03(
    [
      { namespace: "report", questions: REPORT_QUESTIONS, answers },
      { namespace: "profile", questions: PROFILE_QUESTIONS, answers: reporter },
    ],
    {
      ticketId: incident.ticketId,
      reportedAt,
      severity: incident.severity,
      files,
      place: typeof reporter.province === "string" ? reporter.province : undefined,
    },
  );
}
