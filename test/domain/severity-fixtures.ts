import type { SeverityInput } from "../../src/domain/severity-input.ts";

/** Everything benign: an unsuccessful scan of a level-2 system that the unit handles itself. */
export function benign(overrides: Partial<SeverityInput> = {}): SeverityInput {
  return {
    incidentType: "vuln_exploit_attempt",
    systemLevel: 2,
    nationalCritical: "no",
    serviceDisrupted: false,
    publicService: false,
    privilegedAccount: "no",
    dataExposed: { kind: "none" },
    spreading: "no",
    canHandleAlone: true,
    machinesAffected: 1,
    serverAffected: false,
    lostControl: false,
    integrityUnrecoverable: false,
    dangerousSituation: false,
    status: "contained",
    detectedByAntivirus: false,
    ...overrides,
  };
}

export const R = (name: string): string => `severity:reason.${name}`;
