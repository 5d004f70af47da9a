// Containment advice shown up front for an ongoing incident: one short text per incident type (the texts are
// locale data, report:advice.<type>), and the hotline from level Cao (3) up, when calling beats typing.

import type { IncidentType } from "../incident-types.ts";
import type { SeverityLevel } from "../severity-input.ts";

// Literal keys, so the locale test finds each of them in the source.
export const ADVICE_KEYS: Record<IncidentType, string> = {
  phishing: "report:advice.phishing",
  malware: "report:advice.malware",
  ransomware: "report:advice.ransomware",
  defacement: "report:advice.defacement",
  ddos: "report:advice.ddos",
  intrusion: "report:advice.intrusion",
  account_compromise: "report:advice.account_compromise",
  data_leak: "report:advice.data_leak",
  vuln_exploit_attempt: "report:advice.vuln_exploit_attempt",
  vulnerability: "report:advice.vulnerability",
  system_failure: "report:advice.system_failure",
  operator_error: "report:advice.operator_error",
  disaster: "report:advice.disaster",
  other: "report:advice.other",
  scam_call: "report:advice.scam_call",
};

/** The heading above the advice, and the line that sends the reporter to the phone. */
export const ADVICE_TITLE_KEY = "report:advice.title";
export const CALL_HOTLINE_KEY = "report:advice.callHotline";

/** Level 3 is "Cao": from there on the duty officers should hear it by phone, now. */
const HOTLINE_FROM: SeverityLevel = 3;

export interface AdviceFor {
  key: string;
  showHotline: boolean;
}

/** The advice to show for an incident type, and whether the hotline goes with it (level known, Cao or above). */
export function adviceFor(type: IncidentType, level?: SeverityLevel): AdviceFor {
  return { key: ADVICE_KEYS[type], showHotline: level !== undefined && level >= HOTLINE_FROM };
}
