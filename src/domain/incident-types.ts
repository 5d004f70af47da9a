/**
 * Incident types of reference §7(a), plus `scam_call`, which routing rule R6 needs: scam calls or SMS
 * received by a staff member are not a system incident and are answered with advice instead of a ticket.
 * Labels live in locales under `incident:type.<code>`.
 */
export const INCIDENT_TYPES = [
  "phishing",
  "malware",
  "ransomware",
  "defacement",
  "ddos",
  "intrusion",
  "account_compromise",
  "data_leak",
  "vuln_exploit_attempt",
  "vulnerability",
  "system_failure",
  "operator_error",
  "disaster",
  "other",
  "scam_call",
] as const;

export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** Types whose very report means a system was compromised (not only attempted). */
export const COMPROMISE_TYPES: ReadonlySet<IncidentType> = new Set([
  "malware",
  "ransomware",
  "defacement",
  "intrusion",
  "account_compromise",
  "data_leak",
]);

/** True when the value is one of the known incident type codes. */
export function isIncidentType(value: unknown): value is IncidentType {
  return typeof value === "string" && (INCIDENT_TYPES as readonly string[]).includes(value);
}

/** The i18n key of an incident type's label. */
export function incidentTypeLabelKey(type: IncidentType): string {
  return `incident:type.${type}`;
}
