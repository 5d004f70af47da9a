import { setup } from "xstate";
import { classifyIncidentText } from "../src/domain/classifier/index.ts";
import { isIncidentType } from "../src/domain/incident-types.ts";
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
import { alertActions, alertGuards, alertRouter, alertStates } from "./report-alert.ts";
import { has, REPORT_QUESTIONS } from "./report-questions.ts";
import type { AnswerValue, FlowEvent, QuestionnaireContext } from "./types.ts";

export { REPORT_QUESTIONS };

/** Bumped whenever a change would make an old snapshot mean something else; see src/conversation/flows.ts. */
export const REPORT_FLOW_VERSION = 1;

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
    ...alertGuards(REPORT_QUESTIONS),
    textSuggestsType: ({ event }: Args, { minWords }: ProposalParams) =>
      event.type === "TEXT" && proposal(event.text, minWords) !== null,
    isScamReport: ({ context }: Args) => context.answers.type === "scam_call",
    isOutOfScope: ({ context }: Args) => has(context.answers, "ownerSector", ["defence", "public_security"]),
    hasProfile: ({ context }: Args) =>
      typeof context.prefill.profile === "object" && context.prefill.profile !== null,
  },
  actions: {
    ...q.actions,
    ...alertActions(REPORT_QUESTIONS),
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
      context.extra.profileGiven = true;
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
      // ADVISED: the conversation showed the containment advice for the type (see src/conversation/report-effects.ts).
      on: {
        ...ASKING_HANDLERS,
        ADVISED: { actions: "markAdvised" },
        // "Gửi cảnh báo nhanh ngay", offered on every question once the urgent facts are known.
        ALERT: { guard: "alertAvailable", target: ".next", actions: "markAlertSent" },
      },
      states: {
        ...(q.states("reporter", {
          routerFirst: [
            { guard: "isScamReport", target: "#report.scamAdvice" },
            { guard: "isOutOfScope", target: "#report.outOfScope" },
            ...alertRouter(REPORT_QUESTIONS),
          ],
          extra: {
            system: {
              TEXT: [
                // A paragraph: what it says is shown on one screen to confirm ("Trợ lý hiểu như sau: …").
                { guard: "paragraphCoversUrgent", target: "understood", actions: "readFacts" },
                { guard: "readsParagraph", target: "understoodPartial", actions: "readFacts" },
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
        ...alertStates(REPORT_QUESTIONS.map((question) => question.id)),
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
          always: [
            { guard: "reporterGiven", target: "summary" },
            { guard: "hasProfile", target: "reporterConfirm" },
            { target: "profileNeeded" },
          ],
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
