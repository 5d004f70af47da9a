import type { IncidentType } from "../incident-types.ts";

/** Where in the message a fact was read: offsets into the NFC form of the message, and the text itself. */
export interface Evidence {
  start: number;
  end: number;
  text: string;
}

/** The value each kind of fact carries. Choice values are those of the report question they answer. */
export interface FactValues {
  type: IncidentType;
  /** The detection instant, ISO 8601 UTC, as the `detectedAt` answer stores it. */
  detectedAt: string;
  system: string;
  /** A host name in Unicode, as the domain question stores it. */
  domain: string;
  url: string;
  /** A public IP address (private ones are never facts: VNCERT cannot look them up). */
  ip: string;
  status: "ongoing" | "contained" | "resolved";
  machines: number;
  serverAffected: "yes" | "no";
  spreading: "yes" | "no";
  serviceDisrupted: "yes" | "no";
  /**
   * "yes" is a sign that data left the unit without saying which kind, so it does not settle the question
   * (its choices are kinds of data); the others map onto the question's choices.
   */
  dataExposed: "yes" | "none" | "personal" | "state_secret";
}

export type FactField = keyof FactValues;

/** One fact the message states, with the report question it answers and the words it came from. */
export type Fact = {
  [F in FactField]: {
    field: F;
    value: FactValues[F];
    /** The id of the report question (flows/report.ts) this fact answers. */
    questionId: string;
    evidence: Evidence;
  };
}[FactField];

export const FACT_FIELDS = [
  "type",
  "detectedAt",
  "system",
  "domain",
  "url",
  "ip",
  "status",
  "machines",
  "serverAffected",
  "spreading",
  "serviceDisrupted",
  "dataExposed",
] as const satisfies readonly FactField[];

/** Report question answered by each field (several fields may feed one question, as domains and URLs do). */
export const QUESTION_OF: Record<FactField, string> = {
  type: "type",
  detectedAt: "detectedAt",
  system: "system",
  domain: "domains",
  url: "domains",
  ip: "ips",
  status: "status",
  machines: "machines",
  serverAffected: "serverAffected",
  spreading: "spreading",
  serviceDisrupted: "serviceDisrupted",
  dataExposed: "dataExposed",
};
