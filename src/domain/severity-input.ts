import type { IncidentType } from "./incident-types.ts";

/** Security level of the affected system (Cấp độ 1–5, Decree 85/2016), or not known / not classified. */
export type SystemLevel = 1 | 2 | 3 | 4 | 5 | "unknown";

/** An answer the reporter may not know. */
export type TriState = "yes" | "no" | "unknown";

/** Where the response stands (Mẫu 03 field F); "unknown" when the question was not answered. */
export type IncidentStatus = "ongoing" | "contained" | "resolved" | "unknown";

/** What data may have been exposed. */
export type DataExposure =
  | { kind: "none" }
  | { kind: "unknown" }
  | { kind: "internal" }
  | { kind: "personal"; count: number | "unknown" }
  | { kind: "state_secret" };

/** The checkable answers behind the severity scale of reference §7(b). */
export interface SeverityInput {
  incidentType: IncidentType;
  systemLevel: SystemLevel;
  /** On the list of national critical information systems (Danh mục HTTT quan trọng quốc gia). */
  nationalCritical: TriState;
  /** The service of the affected system is disrupted (outage). */
  serviceDisrupted: boolean;
  /** The affected service is an online public service (DVC) or an e-mail service. */
  publicService: boolean;
  /** An administrator or other privileged account is affected. */
  privilegedAccount: TriState;
  dataExposed: DataExposure;
  /** Malware or the attack is spreading, or could spread / cascade to other systems. */
  spreading: TriState;
  /** The unit (system owner) can handle the incident on its own. */
  canHandleAlone: boolean;
  machinesAffected: number | "unknown";
  /** At least one affected machine is a server (not only workstations). */
  serverAffected: boolean;
  /** The owner has lost control of the system (attacker has taken control). */
  lostControl: boolean;
  /** Important data lost its integrity and cannot be recovered. */
  integrityUnrecoverable: boolean;
  /** Signs of a "tình huống nguy hiểm về an ninh mạng" (2018 Cybersecurity Law Art. 21). */
  dangerousSituation: boolean;
  /** Contained or resolved already, or still going on. */
  status: IncidentStatus;
  /** The unit's antivirus detected it (Mẫu 03 field G). */
  detectedByAntivirus: boolean;
}

/** A reason is an i18n key with its parameters, so any channel renders it in the reader's language. */
export interface Reason {
  key: string;
  params?: Record<string, string | number>;
}

export type SeverityLevel = 1 | 2 | 3 | 4;
