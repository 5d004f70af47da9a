import { INCIDENT_TYPES } from "../src/domain/incident-types.ts";
import { DETECTION_METHODS } from "../src/domain/routing.ts";
import type { AnswerValue, QuestionSpec } from "./types.ts";

export const has = (
  answers: Readonly<Record<string, AnswerValue>>,
  id: string,
  values: readonly AnswerValue[],
) => values.includes(answers[id] ?? null);

const includes = (answer: AnswerValue | undefined, value: string) =>
  Array.isArray(answer) && answer.includes(value);

/** Level 4/5 or national-critical systems: only then do Decision 05's extra harm questions matter. */
const highLevelSystem = (a: Readonly<Record<string, AnswerValue>>) =>
  has(a, "systemLevel", ["4", "5"]) || a.nationalCritical === "yes";

/**
 * The questions of the initial incident report (Mẫu 03, Circular 20/2017) in the order of reference §7(d):
 * urgent facts first, then the severity questions, then optional technical details; the reporter's own details
 * come from the profile flow at the end.
 */
export const REPORT_QUESTIONS: readonly QuestionSpec[] = [
  { id: "system", fields: ["C3", "I5"], input: { kind: "text", min: 2, max: 300 }, required: false },
  { id: "type", fields: ["D"], input: { kind: "choice", options: INCIDENT_TYPES }, required: true },
  // Asked third (rule R8): a system of the Ministry of Defence or of Public Security is reported through its
  // own channel, and that reporter learns it within the first answers, not after the severity questions.
  {
    id: "ownerSector",
    fields: [],
    input: { kind: "choice", options: ["civil", "defence", "public_security"] },
    required: true,
  },
  { id: "detectedAt", fields: ["E1", "E2"], input: { kind: "datetime" }, required: true },
  { id: "description", fields: ["D"], input: { kind: "text", min: 10, max: 4000 }, required: true },
  {
    id: "status",
    fields: ["F"],
    input: { kind: "choice", options: ["ongoing", "contained", "resolved"] },
    required: true,
  },
  {
    id: "detection",
    fields: ["G"],
    input: {
      kind: "multi",
      options: DETECTION_METHODS,
    },
    required: true,
  },
  {
    id: "detectionOther",
    fields: ["G"],
    input: { kind: "text", min: 2, max: 300 },
    required: true,
    when: (a) => includes(a.detection, "other"),
  },
  {
    id: "systemLevel",
    fields: ["C4"],
    input: { kind: "choice", options: ["1", "2", "3", "4", "5", "unknown"] },
    required: true,
  },
  {
    id: "nationalCritical",
    fields: [],
    input: { kind: "yesno", allowUnknown: true },
    required: true,
    when: (a) => !has(a, "systemLevel", ["1", "2"]),
  },
  { id: "serviceDisrupted", fields: [], input: { kind: "yesno", allowUnknown: false }, required: true },
  {
    id: "publicService",
    fields: [],
    input: { kind: "yesno", allowUnknown: false },
    required: true,
    when: (a) => a.serviceDisrupted === "yes",
  },
  { id: "privilegedAccount", fields: [], input: { kind: "yesno", allowUnknown: true }, required: true },
  {
    id: "dataExposed",
    fields: [],
    input: { kind: "choice", options: ["none", "internal", "personal", "state_secret", "unknown"] },
    required: true,
  },
  {
    id: "personalCount",
    fields: [],
    input: { kind: "count" },
    required: true,
    when: (a) => a.dataExposed === "personal",
  },
  { id: "machines", fields: [], input: { kind: "count" }, required: true },
  {
    id: "serverAffected",
    fields: [],
    input: { kind: "yesno", allowUnknown: false },
    required: true,
    when: (a) => a.type === "ransomware",
  },
  {
    id: "spreading",
    fields: [],
    input: { kind: "yesno", allowUnknown: true },
    required: true,
    when: (a) => has(a, "type", ["malware", "ransomware", "intrusion"]) || highLevelSystem(a),
  },
  {
    id: "lostControl",
    fields: [],
    input: { kind: "yesno", allowUnknown: false },
    required: true,
    when: highLevelSystem,
  },
  {
    id: "integrityUnrecoverable",
    fields: [],
    input: { kind: "yesno", allowUnknown: false },
    required: true,
    when: highLevelSystem,
  },
  { id: "dangerousSituation", fields: [], input: { kind: "yesno", allowUnknown: false }, required: true },
  { id: "canHandleAlone", fields: ["J"], input: { kind: "yesno", allowUnknown: false }, required: true },
  {
    id: "operator",
    fields: ["C1"],
    input: { kind: "text", min: 2, max: 200 },
    required: true,
    prefillFrom: "organisation",
  },
  { id: "owner", fields: ["C2"], input: { kind: "text", min: 2, max: 200 }, required: false },
  {
    id: "providers",
    fields: ["C5", "C6"],
    input: { kind: "text", max: 300 },
    required: false,
    section: "technical",
  },
  { id: "os", fields: ["I1"], input: { kind: "text", max: 200 }, required: false, section: "technical" },
  {
    id: "services",
    fields: ["I2"],
    input: {
      kind: "multi",
      options: ["web", "mail", "database", "dns", "ftp", "file_sharing", "vpn", "other"],
    },
    required: false,
    section: "technical",
  },
  {
    id: "controls",
    fields: ["I3"],
    input: {
      kind: "multi",
      options: ["firewall", "ids_ips", "antivirus_edr", "waf", "siem", "backup", "other"],
    },
    required: false,
    section: "technical",
  },
  { id: "ips", fields: ["I4"], input: { kind: "ips" }, required: false, section: "technical" },
  {
    id: "domains",
    fields: ["I5"],
    input: { kind: "domains" },
    required: false,
    section: "technical",
    prefillFrom: "domains",
  },
  { id: "purpose", fields: ["I6"], input: { kind: "text", max: 500 }, required: false, section: "technical" },
  { id: "attachments", fields: ["I7"], input: { kind: "files" }, required: false, section: "technical" },
  {
    id: "notified",
    fields: ["H"],
    input: {
      kind: "multi",
      // "dost" is the provincial designated unit (the value predates the name, and stays for stored answers).
      options: ["dost", "vncert", "ncsc", "police", "owner", "other", "none"],
      exclusive: ["none"],
    },
    required: true,
  },
  {
    id: "notifiedOther",
    fields: ["H"],
    input: { kind: "text", min: 2, max: 300 },
    required: true,
    when: (a) => includes(a.notified, "other"),
  },
  { id: "support", fields: ["J"], input: { kind: "text", max: 2000 }, required: false },
  // The form's default is "keep it confidential": skipping the question keeps that default.
  {
    id: "confidential",
    fields: ["I8"],
    input: { kind: "yesno", allowUnknown: false },
    required: false,
    skipValue: "yes",
  },
];

/** Free text this long that names an incident type is a description, not a system name. */
