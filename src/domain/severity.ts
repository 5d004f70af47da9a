import { COMPROMISE_TYPES } from "./incident-types.ts";
import type { Reason, SeverityInput, SeverityLevel } from "./severity-input.ts";

/** The four levels of reference §7(b), lowest first. */
export const SEVERITY_LEVELS = [1, 2, 3, 4] as const satisfies readonly SeverityLevel[];

/** A reason together with the level that the rule behind it implies. */
export type LeveledReason = Reason & { level: SeverityLevel };

/** The outcome of {@link classifySeverity}. */
export interface SeverityResult {
  level: SeverityLevel;
  /** Every rule that triggered, highest level first; a single level-1 reason when nothing else did. */
  reasons: LeveledReason[];
  /** The Decision 05/2017 serious-incident test (reference §2.1). */
  serious: boolean;
  /** Serious and on a level-5 or national critical system: the national emergency plan applies. */
  nationalPlan: boolean;
}

// Literal keys (not `severity:level.${n}`) so the locale test can find every key by scanning the source.
const LEVEL_LABEL_KEYS: Record<SeverityLevel, string> = {
  1: "severity:level.1",
  2: "severity:level.2",
  3: "severity:level.3",
  4: "severity:level.4",
};

/** The i18n key of a severity level's label (`severity:level.<n>`). */
export function severityLabelKey(level: SeverityLevel): string {
  return LEVEL_LABEL_KEYS[level];
}

// Decree 85/2016 uses 10,000 data subjects as the line between level-2 and level-3 systems.
const PERSONAL_DATA_THRESHOLD = 10_000;

/** What the report confirms happened to the system, as opposed to what was only attempted. */
export interface ConfirmedEffect {
  compromise: boolean;
  outage: boolean;
  exposure: boolean;
}

/**
 * Malware that the antivirus caught and cleaned on one workstation, with nothing else wrong: the protection
 * worked, so reference §7(b) counts it with the blocked attempts (Thấp), not as a compromise.
 */
export function cleanedByAntivirus(input: SeverityInput): boolean {
  const m = input.machinesAffected;
  return (
    input.incidentType === "malware" &&
    input.detectedByAntivirus &&
    (input.status === "contained" || input.status === "resolved") &&
    typeof m === "number" &&
    m <= 1 &&
    !input.serverAffected &&
    input.spreading !== "yes" &&
    input.privilegedAccount !== "yes" &&
    input.dataExposed.kind === "none" &&
    !input.lostControl &&
    !input.integrityUnrecoverable
  );
}

/**
 * The confirmed compromise, outage or data exposure that reference §7(b) (updated) requires before a system's
 * security level may raise the severity. Only confirmed answers count ("yes", a known kind of data): an
 * unsure reporter of a blocked scan must not page the duty officers within the hour.
 */
export function confirmedEffect(input: SeverityInput): ConfirmedEffect {
  const { dataExposed } = input;
  return {
    compromise:
      (COMPROMISE_TYPES.has(input.incidentType) && !cleanedByAntivirus(input)) ||
      input.privilegedAccount === "yes" ||
      input.lostControl ||
      input.integrityUnrecoverable ||
      input.spreading === "yes",
    outage: input.serviceDisrupted,
    exposure:
      dataExposed.kind === "internal" ||
      dataExposed.kind === "state_secret" ||
      (dataExposed.kind === "personal" && dataExposed.count !== 0),
  };
}

/** Classifies an incident on the 4-level scale of reference §7(b): the highest level any rule triggers. */
export function classifySeverity(input: SeverityInput): SeverityResult {
  const reasons: LeveledReason[] = [];
  const add = (level: SeverityLevel, key: string, params?: Reason["params"]): void => {
    reasons.push(params === undefined ? { level, key } : { level, key, params });
  };

  const { dataExposed, systemLevel } = input;
  const highLevelSystem = systemLevel === 4 || systemLevel === 5;
  // Only a confirmed "yes" counts: §2.1 names the list, and an unsure reporter must not trigger the
  // national plan.
  const nationalCritical = input.nationalCritical === "yes";

  // Decision 05/2017 (reference §2.1), kept literally so `serious` means exactly what the decision says.
  const harm =
    input.serviceDisrupted ||
    dataExposed.kind === "state_secret" ||
    input.integrityUnrecoverable ||
    input.lostControl ||
    input.spreading === "yes";
  const serious = (highLevelSystem || nationalCritical) && harm && input.canHandleAlone === false;
  const nationalPlan = serious && (systemLevel === 5 || nationalCritical);

  // Level 4 – Nghiêm trọng.
  if (serious) {
    add(4, nationalPlan ? "severity:reason.qd05SeriousNationalPlan" : "severity:reason.qd05Serious");
  }
  if (input.dangerousSituation) add(4, "severity:reason.dangerousSituation");
  if (dataExposed.kind === "state_secret") add(4, "severity:reason.stateSecret");

  // The system's level raises the severity only together with a confirmed effect (reference §7(b), updated):
  // a blocked scan of a provincial portal, usually level 3, is an attempt and stays Thấp.
  const effect = confirmedEffect(input);
  const confirmed = effect.compromise || effect.outage || effect.exposure;
  const cleaned = cleanedByAntivirus(input);

  // Level 3 – Cao.
  if (confirmed && systemLevel === 3) add(3, "severity:reason.systemLevel3");
  // Decision 05 makes an incident on a level-4/5 or national critical system serious only when the owner
  // cannot handle it. When the owner can, the incident stays ordinary (TT20), but a confirmed effect on such a
  // system is never below Cao: on a level-3 system it already is, and these systems matter more. So they add
  // a level-3 reason, not a level-4 one.
  if (confirmed && highLevelSystem) add(3, "severity:reason.systemLevel4or5", { level: systemLevel });
  if (confirmed && nationalCritical) add(3, "severity:reason.nationalCriticalSystem");
  if (input.publicService && input.serviceDisrupted) add(3, "severity:reason.publicServiceDisrupted");
  if (input.privilegedAccount === "yes") add(3, "severity:reason.privilegedAccount");
  if (input.incidentType === "ransomware" && input.serverAffected)
    add(3, "severity:reason.ransomwareOnServer");
  if (dataExposed.kind === "personal") {
    if (dataExposed.count === "unknown") {
      // An unknown count may well be above the threshold; assume the worse case until the unit has counted.
      add(3, "severity:reason.personalDataUnknownCount");
    } else if (dataExposed.count >= PERSONAL_DATA_THRESHOLD) {
      add(3, "severity:reason.personalDataAtLeast10000", { count: dataExposed.count });
    }
  }
  if (dataExposed.kind === "internal") add(3, "severity:reason.internalDocuments");
  if (input.spreading === "yes") {
    if (input.machinesAffected === "unknown") {
      add(3, "severity:reason.spreadingUnknownMachines");
    } else if (input.machinesAffected >= 2) {
      add(3, "severity:reason.spreadingSeveralMachines", { count: input.machinesAffected });
    }
  }
  if (input.canHandleAlone === false) add(3, "severity:reason.cannotHandleAlone");

  // Level 2 – Trung bình.
  if (COMPROMISE_TYPES.has(input.incidentType) && !cleaned) add(2, "severity:reason.confirmedCompromise");
  if (input.incidentType === "defacement") add(2, "severity:reason.defacement");
  if (input.serviceDisrupted) {
    // Outages of level-3+ systems are covered above; an unclassified system is treated like level 1–2.
    if (systemLevel === "unknown") {
      add(2, "severity:reason.serviceDisruptedUnknownLevel");
    } else if (systemLevel <= 2) {
      add(2, "severity:reason.serviceDisrupted", { level: systemLevel });
    }
  }
  if (
    dataExposed.kind === "personal" &&
    typeof dataExposed.count === "number" &&
    dataExposed.count >= 1 &&
    dataExposed.count < PERSONAL_DATA_THRESHOLD
  ) {
    add(2, "severity:reason.personalDataBelow10000", { count: dataExposed.count });
  }

  // Level 1 – Thấp: say why nothing above triggered, admit it when the data question was left open, and say
  // why a leveled system did not raise it, so the reporter of a blocked scan sees the level was not ignored.
  if (reasons.length === 0) {
    if (cleaned) add(1, "severity:reason.malwareCleanedByAntivirus");
    else if (dataExposed.kind === "unknown") add(1, "severity:reason.noConfirmedImpactDataUnknown");
    else if (systemLevel !== "unknown" && systemLevel >= 3)
      add(1, "severity:reason.attemptOnLeveledSystem", { level: systemLevel });
    else add(1, "severity:reason.noConfirmedImpact");
  }

  // Array.prototype.sort is stable, so rules of one level keep the order above.
  reasons.sort((a, b) => b.level - a.level);
  const level = reasons[0]?.level ?? 1;
  return { level, reasons, serious, nationalPlan };
}
