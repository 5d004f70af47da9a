import { setup } from "xstate";
import { classifyIncidentText } from "../src/domain/classifier/index.ts";
import { INCIDENT_TYPES, isIncidentType } from "../src/domain/incident-types.ts";
import { DETECTION_METHODS } from "../src/domain/routing.ts";
import { extractDomains } from "../src/domain/validators/index.ts";
import {
  ASKING_HANDLERS,
  cancellationStates,
  effectiveAnswers,
  initialQuestionnaireContext,
  mutate,
  type QuestionnaireInput,
  questionnaire,
} from "./questionnaire.ts";
import type { AnswerValue, FlowEvent, QuestionnaireContext, QuestionSpec } from "./types.ts";

/** Bumped whenever a change would make an old snapshot mean something else; see src/conversation/flows.ts. */
export const REPORT_FLOW_VERSION = 1;

const has = (answers: Readonly<Record<string, AnswerValue>>, id: string, values: readonly AnswerValue[]) =>
  values.includes(answers[id] ?? null);

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
const DESCRIPTION_MIN_WORDS = 5;

type Args = { context: QuestionnaireContext; event: FlowEvent };

const wordCount = (text: string) => text.trim().split(/\s+/).length;

/**
 * The incident type typed text suggests. On the type question any text counts ("ddos", "bị hack web"); on the
 * system question only a sentence does, since a short text there is the system's name.
 */
function proposal(text: string, minWords: number) {
  return wordCount(text) >= minWords ? classifyIncidentText(text) : null;
}

type ProposalParams = { minWords: number };

const q = questionnaire(REPORT_QUESTIONS);

/** Keeps typed free text as the description and proposes the incident type it suggests. */
const proposeType = mutate<ProposalParams>((context, event, { minWords }) => {
  if (event.type !== "TEXT") return;
  const guess = proposal(event.text, minWords);
  if (!guess) return;
  context.extra.proposedType = guess.type;
  // A sentence is kept as the description; a keyword ("ddos") only names the type.
  if (!("description" in context.answers) && wordCount(event.text) >= DESCRIPTION_MIN_WORDS) {
    context.answers.description = event.text.trim();
    context.trail = [...context.trail, "description"];
  }
  const domains = extractDomains(event.text);
  if (domains.length > 0 && !("domains" in context.prefill)) context.prefill.domains = domains;
  context.error = null;
  context.notice = null;
  context.updatedAt = event.at;
});

/** The report machine: one conversation from the first question to a submitted (or discarded) report. */
export const reportMachine = setup({
  types: {
    context: {} as QuestionnaireContext,
    events: {} as FlowEvent,
    input: {} as QuestionnaireInput,
  },
  guards: {
    ...q.guards,
    textSuggestsType: ({ event }: Args, { minWords }: ProposalParams) =>
      event.type === "TEXT" && proposal(event.text, minWords) !== null,
    isScamReport: ({ context }: Args) => context.answers.type === "scam_call",
    isOutOfScope: ({ context }: Args) => has(context.answers, "ownerSector", ["defence", "public_security"]),
    hasProfile: ({ context }: Args) =>
      typeof context.prefill.profile === "object" && context.prefill.profile !== null,
  },
  actions: {
    ...q.actions,
    proposeType,
    acceptProposedType: mutate((context, event) => {
      const proposed = context.extra.proposedType;
      if (!isIncidentType(proposed)) return;
      context.answers.type = proposed;
      context.trail = [...context.trail.filter((t) => t !== "type"), "type"];
      context.notice = "description" in context.answers ? { key: "report:notice.descriptionKept" } : null;
      context.error = null;
      context.updatedAt = event.at;
    }),
    rememberDomains: mutate((context, event) => {
      if (event.type !== "TEXT") return;
      const domains = extractDomains(event.text);
      if (domains.length > 0) context.prefill.domains = domains;
    }),
    storeProfile: mutate((context, event) => {
      if (event.type !== "PROFILE") return;
      context.prefill.profile = event.profile;
      const organisation = event.profile.organisation;
      if (typeof organisation === "string" && !("organisation" in context.prefill)) {
        context.prefill.organisation = organisation;
      }
      context.answers.reporter = event.profile;
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    useSavedProfile: mutate((context, event) => {
      const profile = context.prefill.profile;
      if (profile !== undefined) context.answers.reporter = profile;
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
  },
}).createMachine({
  id: "report",
  context: ({ input }) => initialQuestionnaireContext(input),
  initial: "asking",
  states: {
    asking: {
      initial: "next",
      on: ASKING_HANDLERS,
      states: {
        ...(q.states("reporter", {
          routerFirst: [
            { guard: "isScamReport", target: "#report.scamAdvice" },
            { guard: "isOutOfScope", target: "#report.outOfScope" },
          ],
          extra: {
            system: {
              TEXT: [
                {
                  guard: { type: "textSuggestsType", params: { minWords: DESCRIPTION_MIN_WORDS } },
                  target: "typeConfirm",
                  actions: [
                    "rememberDomains",
                    { type: "proposeType", params: { minWords: DESCRIPTION_MIN_WORDS } },
                  ],
                },
                {
                  guard: { type: "isValidAnswer", params: { id: "system" } },
                  target: "next",
                  actions: ["rememberDomains", { type: "storeAnswer", params: { id: "system" } }],
                },
              ],
            },
            type: {
              TEXT: [
                {
                  guard: { type: "textSuggestsType", params: { minWords: 1 } },
                  target: "typeConfirm",
                  actions: { type: "proposeType", params: { minWords: 1 } },
                },
              ],
            },
          },
        }) as Record<string, object>),
        typeConfirm: {
          meta: { prompt: "report:typeConfirm.prompt", choices: ["yes", "other"] },
          on: {
            CHOOSE: [
              {
                guard: { type: "chose", params: { value: "yes" } },
                target: "next",
                actions: "acceptProposedType",
              },
              {
                guard: { type: "chose", params: { value: "other" } },
                target: "type",
                actions: "clearFeedback",
              },
              { actions: "rejectChoice" },
            ],
            BACK: { target: "type", actions: "clearFeedback" },
          },
        },
        reporter: {
          always: [{ guard: "hasProfile", target: "reporterConfirm" }, { target: "profileNeeded" }],
        },
        profileNeeded: {
          meta: { prompt: "report:profileNeeded.prompt", choices: [], launch: "profile" },
          on: {
            PROFILE: { target: "summary", actions: "storeProfile" },
            BACK: { target: "prev", actions: "prepareBack" },
          },
        },
        reporterConfirm: {
          meta: { prompt: "report:reporterConfirm.prompt", choices: ["use", "edit"] },
          on: {
            CHOOSE: [
              {
                guard: { type: "chose", params: { value: "use" } },
                target: "summary",
                actions: "useSavedProfile",
              },
              {
                guard: { type: "chose", params: { value: "edit" } },
                target: "profileNeeded",
                actions: "clearFeedback",
              },
              { actions: "rejectChoice" },
            ],
            BACK: { target: "prev", actions: "prepareBack" },
          },
        },
        summary: {
          meta: { prompt: "report:summary.prompt", choices: ["submit", "edit", "cancel"] },
          on: {
            CHOOSE: [
              { guard: { type: "chose", params: { value: "submit" } }, target: "#report.submitted" },
              {
                guard: { type: "chose", params: { value: "edit" } },
                target: "editPick",
                actions: "clearFeedback",
              },
              { guard: { type: "chose", params: { value: "cancel" } }, target: "#report.confirmCancel" },
              { actions: "rejectChoice" },
            ],
            BACK: { target: "editPick", actions: "clearFeedback" },
          },
        },
        hist: { type: "history", history: "deep" },
      },
    },
    ...cancellationStates(),
    scamAdvice: {
      meta: { prompt: "report:scamAdvice.prompt", choices: ["finish", "notScam"] },
      on: {
        CHOOSE: [
          { guard: { type: "chose", params: { value: "finish" } }, target: "closedWithAdvice" },
          {
            guard: { type: "chose", params: { value: "notScam" } },
            target: "asking.type",
            actions: [{ type: "clearAnswer", params: { id: "type" } }, "clearFeedback"],
          },
          { actions: "rejectChoice" },
        ],
        BACK: {
          target: "asking.type",
          actions: [{ type: "clearAnswer", params: { id: "type" } }, "clearFeedback"],
        },
        CANCEL: { target: "confirmCancel" },
        EXPIRE: { target: "expired" },
      },
    },
    outOfScope: {
      meta: { prompt: "report:outOfScope.prompt", choices: ["finish", "change"] },
      on: {
        CHOOSE: [
          { guard: { type: "chose", params: { value: "finish" } }, target: "closedWithAdvice" },
          {
            guard: { type: "chose", params: { value: "change" } },
            target: "asking.ownerSector",
            actions: [{ type: "clearAnswer", params: { id: "ownerSector" } }, "clearFeedback"],
          },
          { actions: "rejectChoice" },
        ],
        BACK: {
          target: "asking.ownerSector",
          actions: [{ type: "clearAnswer", params: { id: "ownerSector" } }, "clearFeedback"],
        },
        CANCEL: { target: "confirmCancel" },
        EXPIRE: { target: "expired" },
      },
    },
    submitted: { type: "final", meta: { prompt: "report:final.submitted", choices: [] } },
    closedWithAdvice: { type: "final", meta: { prompt: "report:final.closedWithAdvice", choices: [] } },
  },
});

/** The answers of a report that still apply (a changed answer can make a later question moot). */
export function reportAnswers(context: QuestionnaireContext): Record<string, AnswerValue> {
  const answers = effectiveAnswers(REPORT_QUESTIONS, context.answers);
  if (context.answers.reporter !== undefined) answers.reporter = context.answers.reporter;
  return answers;
}
