// The fast path of a report (issue 16): facts read from the reporter's opening paragraph, confirmed on one
// screen; a quick alert as soon as the urgent facts are known; the profile asked right after that alert. These
// are the report machine's extra guards, actions and states; flows/report.ts wires them in.

import { answersFromFacts, extractFacts } from "../src/domain/extract/index.ts";
import { isApplicable, mutate } from "./questionnaire.ts";
import type { AnswerValue, FlowEvent, QuestionnaireContext, QuestionSpec } from "./types.ts";

/** What the duty officers must know to act at once: Mẫu 03's urgent block (reference §7(d)). */
export const URGENT_QUESTIONS = ["system", "type", "detectedAt", "description", "status"] as const;

/** An opening message this long is a description to read facts from, not a system's name. */
export const PARAGRAPH_MIN_WORDS = 5;
/** The description question's own limit: a longer paragraph is not taken as one. */
const PARAGRAPH_MAX_CHARS = 4000;

/** `extra.alert`: the reporter sent the quick alert (absent until then). */
export type AlertChoice = "sent";

type Args = { context: QuestionnaireContext; event: FlowEvent };
type Answers = Readonly<Record<string, AnswerValue>>;

const words = (text: string) => text.trim().split(/\s+/).length;

// A guard and the action after it read the same event; the extractor is pure, so its last result is reused.
let lastRead: { text: string; at: string; answers: Record<string, AnswerValue> | null } | undefined;

/** The answers a paragraph settles (the paragraph itself as the description), or null when it names no type. */
export function readParagraph(text: string, at: string): Record<string, AnswerValue> | null {
  if (lastRead?.text === text && lastRead.at === at) return lastRead.answers;
  const trimmed = text.trim();
  let answers: Record<string, AnswerValue> | null = null;
  if (words(trimmed) >= PARAGRAPH_MIN_WORDS && trimmed.length <= PARAGRAPH_MAX_CHARS) {
    const read = answersFromFacts(extractFacts(trimmed, new Date(at)));
    // The classifier naming a type is what makes a message a description (as the type proposal always did).
    if (typeof read.type === "string") answers = { ...read, description: trimmed };
  }
  lastRead = { text, at, answers };
  return answers;
}

/** True when every urgent fact is known (a skipped system name counts: the reporter had the chance). */
export const urgentKnown = (answers: Answers) => URGENT_QUESTIONS.every((id) => id in answers);

const paragraphOf = ({ context, event }: Args) =>
  event.type === "TEXT" && !("description" in context.answers) ? readParagraph(event.text, event.at) : null;

const factsOf = (context: QuestionnaireContext): Record<string, AnswerValue> => {
  const facts = context.extra.facts;
  return typeof facts === "object" && facts !== null && !Array.isArray(facts) ? facts : {};
};

const hasSavedProfile = (context: QuestionnaireContext) =>
  typeof context.prefill.profile === "object" && context.prefill.profile !== null;

const unanswered = (questions: readonly QuestionSpec[], answers: Answers, required: boolean) =>
  questions.filter((q) => q.required === required && isApplicable(q, answers) && !(q.id in answers));

/** The guards of the fast path, over the report's questions (passed in: this file is imported by report.ts). */
export function alertGuards(questions: readonly QuestionSpec[]) {
  return {
    /** A descriptive opening message (it names an incident type) while no description is known yet. */
    readsParagraph: (args: Args) => paragraphOf(args) !== null,
    /** As above, and with what is already answered it settles every urgent fact: the alert can go at once. */
    paragraphCoversUrgent: (args: Args) => {
      const read = paragraphOf(args);
      return read !== null && urgentKnown({ ...args.context.answers, ...read });
    },
    /** The urgent facts are known and the alert has not gone yet: every question offers it. */
    alertAvailable: ({ context }: Args) => context.extra.alert === undefined && urgentKnown(context.answers),
    /** The alert went out and the reporter's details are not known: ask them now, the duty officers need them. */
    profileDueAfterAlert: ({ context }: Args) =>
      context.extra.alert === "sent" &&
      context.answers.reporter === undefined &&
      context.extra.profileDeferred !== true &&
      !hasSavedProfile(context),
    /**
     * After the alert, the mandatory questions come first (the duty officers are waiting for a complete Mẫu 03);
     * the optional ones are offered together at the end.
     */
    isNextRequiredAfterAlert: ({ context }: Args, { id }: { id: string }) =>
      context.extra.alert === "sent" && unanswered(questions, context.answers, true)[0]?.id === id,
    optionalOfferDue: ({ context }: Args) =>
      context.extra.alert === "sent" &&
      context.extra.optional === undefined &&
      unanswered(questions, context.answers, true).length === 0 &&
      unanswered(questions, context.answers, false).length > 0,
    /** The reporter's details are known for this report (given after the alert, or the saved profile then). */
    reporterGiven: ({ context }: Args) =>
      context.answers.reporter !== undefined && context.extra.profileGiven === true,
  };
}

/** The actions of the fast path, over the report's questions. */
export function alertActions(questions: readonly QuestionSpec[]) {
  return {
    /** Keeps what the paragraph says, to show it for confirmation; nothing is an answer yet. */
    readFacts: mutate((context, event) => {
      if (event.type !== "TEXT") return;
      const read = readParagraph(event.text, event.at);
      if (!read) return;
      context.extra.facts = read;
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    /** The reporter confirmed what was understood: the facts become answers (each editable from the summary). */
    applyFacts: mutate((context, event) => {
      const facts = factsOf(context);
      for (const [id, value] of Object.entries(facts)) {
        context.answers[id] = value;
        context.trail = [...context.trail.filter((t) => t !== id), id];
      }
      delete context.extra.facts;
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    dropFacts: mutate((context) => {
      delete context.extra.facts;
      context.error = null;
      context.notice = null;
    }),
    /** The alert goes (the conversation creates the ticket); a saved profile is its reporter from now on. */
    markAlertSent: mutate((context, event) => {
      context.extra.alert = "sent" satisfies AlertChoice;
      const profile = context.prefill.profile;
      if (hasSavedProfile(context) && context.answers.reporter === undefined && profile !== undefined) {
        context.answers.reporter = profile;
        context.extra.profileGiven = true;
      }
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    /** The reporter left the profile for later: it is asked at the end, as for any report. */
    deferProfile: mutate((context) => {
      context.extra.profileDeferred = true;
    }),
    /** The optional questions still open are left empty (each stays editable from the summary). */
    skipOptional: mutate((context, event) => {
      for (const q of unanswered(questions, context.answers, false)) {
        context.answers[q.id] = null;
        context.trail = [...context.trail, q.id];
      }
      context.extra.optional = "skipped";
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    addOptional: mutate((context) => {
      context.extra.optional = "add";
      context.error = null;
      context.notice = null;
    }),
    /** The containment advice for this type was shown (the conversation shows it once per type). */
    markAdvised: mutate((context) => {
      const type = context.answers.type ?? factsOf(context).type;
      if (typeof type === "string") context.extra.advised = type;
    }),
  };
}

const choose = (value: string) => ({ type: "chose" as const, params: { value } });

/** Transitions of the report's `next` router for the fast path, before its usual question order. */
export function alertRouter(questions: readonly QuestionSpec[]) {
  return [
    { guard: "profileDueAfterAlert", target: "alertProfile" },
    ...questions
      .filter((q) => q.required)
      .map((q) => ({ guard: { type: "isNextRequiredAfterAlert", params: { id: q.id } }, target: q.id })),
    { guard: "optionalOfferDue", target: "optionalOffer" },
  ];
}

/** The states of the fast path, inside the report's "asking" block. */
export function alertStates(questionIds: readonly string[]) {
  return {
    /** "Trợ lý hiểu như sau: …" with every urgent fact known: the quick alert is one press away. */
    understood: {
      meta: { prompt: "alert:understood.prompt", choices: ["alert", "yes", "correct"] },
      on: {
        CHOOSE: [
          { guard: choose("alert"), target: "next", actions: ["applyFacts", "markAlertSent"] },
          { guard: choose("yes"), target: "next", actions: "applyFacts" },
          { guard: choose("correct"), target: "correctPick", actions: "applyFacts" },
          { actions: "rejectChoice" },
        ],
        BACK: { target: "system", actions: "dropFacts" },
      },
    },
    /** The same screen when something urgent is still missing: confirm, and the missing questions follow. */
    understoodPartial: {
      meta: { prompt: "alert:understood.prompt", choices: ["yes", "correct"] },
      on: {
        CHOOSE: [
          { guard: choose("yes"), target: "next", actions: "applyFacts" },
          { guard: choose("correct"), target: "correctPick", actions: "applyFacts" },
          { actions: "rejectChoice" },
        ],
        BACK: { target: "system", actions: "dropFacts" },
      },
    },
    /** Which of the understood facts to correct; each goes back to its question, then the report goes on. */
    correctPick: {
      meta: { prompt: "alert:correctPick.prompt", choices: "editable" },
      on: {
        CHOOSE: [
          ...questionIds.map((id) => ({
            guard: { type: "isEditable" as const, params: { id } },
            target: id,
            actions: "keepAnswer",
          })),
          { guard: "isBackChoice", target: "next", actions: "keepAnswer" },
          { actions: "rejectChoice" },
        ],
        BACK: { target: "next", actions: "keepAnswer" },
      },
    } as object,
    /** After the alert, a first-time reporter's details (the duty officers will call back). */
    alertProfile: {
      meta: { prompt: "alert:profile.prompt", choices: [], launch: "profile" },
      on: {
        PROFILE: { target: "next", actions: "storeProfile" },
        // The profile was left: the report goes on, and the details are asked at the end.
        BACK: { target: "next", actions: "deferProfile" },
      },
    },
    /** Every mandatory answer is in: the optional details, all at once or not at all. */
    optionalOffer: {
      meta: { prompt: "alert:optionalOffer.prompt", choices: ["skip", "add"] },
      on: {
        CHOOSE: [
          { guard: choose("skip"), target: "next", actions: "skipOptional" },
          { guard: choose("add"), target: "next", actions: "addOptional" },
          { actions: "rejectChoice" },
        ],
        BACK: { target: "prev", actions: "prepareBack" },
      },
    },
  } as const;
}

/**
 * The mandatory questions a report has not answered yet (those that apply), and "reporter" while the reporter's
 * details are unknown: what a preliminary ticket's duty message lists as missing.
 */
export function missingRequired(
  questions: readonly QuestionSpec[],
  answers: Readonly<Record<string, unknown>>,
): string[] {
  const given = answers as Readonly<Record<string, AnswerValue>>;
  const missing = questions
    .filter((q) => q.required && isApplicable(q, given) && (given[q.id] ?? null) === null)
    .map((q) => q.id);
  if (answers.reporter === undefined) missing.push("reporter");
  return missing;
}
