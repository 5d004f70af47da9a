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

  // Level 3 – Cao.
  if (systemLevel === 3) add(3, "severity:reason.systemLevel3");
  // Decision 05 makes an incident on a level-4/5 or national critical system serious only when the owner
  // cannot handle it. When the owner can, the incident stays ordinary (TT20), but such a system is never
  // below Cao: a level-3 system already is, and these systems matter more. So they add a level-3 reason,
  // not a level-4 one.
  if (highLevelSystem) add(3, "severity:reason.systemLevel4or5", { level: systemLevel });
  if (nationalCritical) add(3, "severity:reason.nationalCriticalSystem");
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
  if (COMPROMISE_TYPES.has(input.incidentType)) add(2, "severity:reason.confirmedCompromise");
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

  // Level 1 – Thấp: say why nothing above triggered, and admit it when the data question was left open.
  if (reasons.length === 0) {
    add(
      1,
      dataExposed.kind === "unknown"
        ? "severity:reason.noConfirmedImpactDataUnknown"
        : "severity:reason.noConfirmedImpact",
    );
  }

  // Array.prototype.sort is stable, so rules of one level keep the order above.
  reasons.sort((a, b) => b.level - a.level);
  const level = reasons[0]?.level ?? 1;
  return { level, reasons, serious, nationalPlan };
}
