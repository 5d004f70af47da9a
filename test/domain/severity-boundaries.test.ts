import { describe, expect, it } from "vitest";
import { classifySeverity } from "../../src/domain/severity.ts";
import type { SeverityInput, SeverityLevel } from "../../src/domain/severity-input.ts";
import { benign, R } from "./severity-fixtures.ts";

/** Malware that the antivirus removed from one workstation; rows below change one condition at a time. */
const CLEANED: Partial<SeverityInput> = {
  incidentType: "malware",
  detectedByAntivirus: true,
  status: "resolved",
  machinesAffected: 1,
};

// Issue 17, no alarm fatigue: the boundaries of reference §7(b) (updated) between an attempt, which stays
// Thấp whatever the system's level, and a confirmed compromise, outage or data exposure, which the level raises.
const alarmFatigueRows: Array<{
  name: string;
  input: Partial<SeverityInput>;
  level: SeverityLevel;
  keys: string[];
}> = [
  {
    name: "blocked scan of a level-3 provincial portal",
    input: { incidentType: "vuln_exploit_attempt", systemLevel: 3, publicService: true, status: "contained" },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "blocked scan of a level-4 system",
    input: { incidentType: "vuln_exploit_attempt", systemLevel: 4 },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "blocked scan of a level-5 system on the national critical list",
    input: { incidentType: "vuln_exploit_attempt", systemLevel: 5, nationalCritical: "yes" },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "blocked phishing mail to a level-3 system's staff",
    input: { incidentType: "phishing", systemLevel: 3 },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "DDoS absorbed by a level-3 system (no outage)",
    input: { incidentType: "ddos", systemLevel: 3 },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "unsure answers on a level-3 system are not a confirmed effect",
    input: {
      systemLevel: 3,
      privilegedAccount: "unknown",
      spreading: "unknown",
      dataExposed: { kind: "unknown" },
    },
    level: 1,
    keys: [R("noConfirmedImpactDataUnknown")],
  },
  {
    name: "level-3 system: outage",
    input: { incidentType: "ddos", systemLevel: 3, serviceDisrupted: true },
    level: 3,
    keys: [R("systemLevel3")],
  },
  {
    name: "level-3 system: confirmed intrusion",
    input: { incidentType: "intrusion", systemLevel: 3 },
    level: 3,
    keys: [R("systemLevel3"), R("confirmedCompromise")],
  },
  {
    name: "level-3 system: personal data of 50 people exposed",
    input: { systemLevel: 3, dataExposed: { kind: "personal", count: 50 } },
    level: 3,
    keys: [R("systemLevel3"), R("personalDataBelow10000")],
  },
  {
    name: "level-3 system: personal data count 0 is no exposure",
    input: { systemLevel: 3, dataExposed: { kind: "personal", count: 0 } },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "attempt on a level-3 system the unit cannot handle alone",
    input: { incidentType: "vuln_exploit_attempt", systemLevel: 3, canHandleAlone: false },
    level: 3,
    keys: [R("cannotHandleAlone")],
  },
  {
    name: "malware cleaned by the antivirus on one workstation",
    input: CLEANED,
    level: 1,
    keys: [R("malwareCleanedByAntivirus")],
  },
  {
    name: "malware cleaned by the antivirus on a workstation of a level-3 system",
    input: { ...CLEANED, systemLevel: 3 },
    level: 1,
    keys: [R("malwareCleanedByAntivirus")],
  },
  {
    name: "antivirus found it but it is still going on",
    input: { ...CLEANED, status: "ongoing" },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "antivirus cleaned it, status not given",
    input: { ...CLEANED, status: "unknown" },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "antivirus cleaned two machines",
    input: { ...CLEANED, machinesAffected: 2 },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "antivirus cleaned it, number of machines unknown",
    input: { ...CLEANED, machinesAffected: "unknown" },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "cleaned, but found by a user rather than the antivirus",
    input: { ...CLEANED, detectedByAntivirus: false },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "cleaned, but it had spread",
    input: { ...CLEANED, spreading: "yes" },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "cleaned, but an administrator account was affected",
    input: { ...CLEANED, privilegedAccount: "yes" },
    level: 3,
    keys: [R("privilegedAccount"), R("confirmedCompromise")],
  },
  {
    name: "cleaned, but personal data of 10 people was exposed",
    input: { ...CLEANED, dataExposed: { kind: "personal", count: 10 } },
    level: 2,
    keys: [R("confirmedCompromise"), R("personalDataBelow10000")],
  },
  {
    name: "cleaned, but whether data was exposed is not known",
    input: { ...CLEANED, dataExposed: { kind: "unknown" } },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "ransomware removed by the antivirus is still ransomware",
    input: { ...CLEANED, incidentType: "ransomware" },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
];

describe("no alarm fatigue (reference §7(b), updated)", () => {
  it.each(alarmFatigueRows)("$name → level $level", (row) => {
    const result = classifySeverity(benign(row.input));
    expect(result.level).toBe(row.level);
    expect(result.reasons.map((r) => r.key)).toEqual(row.keys);
  });

  it("a leveled system with a confirmed effect is Cao, the same attempt without one Thấp", () => {
    for (const systemLevel of [3, 4, 5] as const) {
      expect(classifySeverity(benign({ systemLevel })).level).toBe(1);
      expect(classifySeverity(benign({ systemLevel, privilegedAccount: "yes" })).level).toBe(3);
      expect(classifySeverity(benign({ systemLevel, dataExposed: { kind: "internal" } })).level).toBe(3);
      expect(classifySeverity(benign({ systemLevel, incidentType: "defacement" })).level).toBe(3);
    }
  });
});
