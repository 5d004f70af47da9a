import { isIncidentType } from "./incident-types.ts";
import {
  evaluateRouting,
  OWNER_SECTORS,
  type OwnerSector,
  type RoutingResult,
  type RoutingRule,
  routingFactsFrom,
} from "./routing.ts";
import { classifySeverity, type SeverityResult } from "./severity.ts";
import type { DataExposure, SeverityInput, SystemLevel, TriState } from "./severity-input.ts";

type Answers = Readonly<Record<string, unknown>>;

const tri = (v: unknown, fallback: TriState): TriState =>
  v === "yes" || v === "no" || v === "unknown" ? v : fallback;
const yes = (v: unknown): boolean => v === "yes";

/**
 * Maps the report's stored answers to the severity classifier's input. Questions that were not asked
 * (they did not apply) take the value that made them not apply, so a partial report can be assessed too.
 */
export function severityInputFromAnswers(a: Answers): SeverityInput {
  const level = a.systemLevel;
  const systemLevel: SystemLevel =
    level === "1" || level === "2" || level === "3" || level === "4" || level === "5"
      ? (Number(level) as 1 | 2 | 3 | 4 | 5)
      : "unknown";
  const kind = a.dataExposed;
  const dataExposed: DataExposure =
    kind === "personal"
      ? { kind: "personal", count: typeof a.personalCount === "number" ? a.personalCount : "unknown" }
      : kind === "internal" || kind === "state_secret" || kind === "none"
        ? { kind }
        : { kind: "unknown" };
  return {
    incidentType: isIncidentType(a.type) ? a.type : "other",
    systemLevel,
    // Only asked when the level is not 1–2: such systems are not on the national critical list.
    nationalCritical: tri(a.nationalCritical, systemLevel === 1 || systemLevel === 2 ? "no" : "unknown"),
    serviceDisrupted: yes(a.serviceDisrupted),
    publicService: yes(a.publicService),
    privilegedAccount: tri(a.privilegedAccount, "unknown"),
    dataExposed,
    spreading: tri(a.spreading, "no"),
    // Unanswered means the reporter has not said they need help; the question is mandatory before submission.
    canHandleAlone: a.canHandleAlone !== "no",
    machinesAffected: typeof a.machines === "number" ? a.machines : "unknown",
    serverAffected: yes(a.serverAffected),
    lostControl: yes(a.lostControl),
    integrityUnrecoverable: yes(a.integrityUnrecoverable),
    dangerousSituation: yes(a.dangerousSituation),
    status:
      a.status === "ongoing" || a.status === "contained" || a.status === "resolved" ? a.status : "unknown",
    detectedByAntivirus: Array.isArray(a.detection) && a.detection.includes("antivirus"),
  };
}

/** Severity and routing of a report, computed together as the summary and the ticket both need them. */
export interface Assessment {
  input: SeverityInput;
  severity: SeverityResult;
  routing: RoutingResult;
}

/**
 * Classifies a report and evaluates the routing rules for it at the given stage. A contact an admin has taken
 * out of use (or one seeded out of use, like the provincial police until an admin fills it in) receives
 * nothing, even while a rule still names it.
 */
export function assessReport(
  answers: Answers,
  rules: readonly RoutingRule[],
  stage: "submitted" | "closed" = "submitted",
  inactiveContacts: ReadonlySet<string> = new Set(),
): Assessment {
  const input = severityInputFromAnswers(answers);
  const severity = classifySeverity(input);
  const ownerSector: OwnerSector = (OWNER_SECTORS as readonly unknown[]).includes(answers.ownerSector)
    ? (answers.ownerSector as OwnerSector)
    : "civil";
  const detection = Array.isArray(answers.detection) ? answers.detection.map(String) : [];
  const routing = evaluateRouting(
    rules,
    routingFactsFrom(input, severity.level, { detection, ownerSector, stage }),
  );
  const active = (id: string): boolean => !inactiveContacts.has(id);
  return {
    input,
    severity,
    routing: {
      ...routing,
      destinations: routing.destinations.filter((d) => active(d.contactId)),
      // The advice names only the units that actually receive the ticket.
      advice: routing.advice.map((a) => ({ ...a, contactIds: a.contactIds.filter(active) })),
    },
  };
}

/** The ids of contacts out of use, for assessReport. */
export function inactiveIds(contacts: ReadonlyArray<{ id: string; active: boolean }>): Set<string> {
  return new Set(contacts.filter((c) => !c.active).map((c) => c.id));
}
