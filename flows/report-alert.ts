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

/** `extra.alert`: the reporter sent the quick alert, or saw the offer and went on without it. */
export type AlertChoice = "sent" | "declined";

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

export const alertGuards = {
  /** A descriptive opening message (it names an incident type) while no description is known yet. */
  readsParagraph: (args: Args) => paragraphOf(args) !== null,
  /** As above, and with what is already answered it settles every urgent fact: the alert can go at once. */
  paragraphCoversUrgent: (args: Args) => {
    const read = paragraphOf(args);
    return read !== null && urgentKnown({ ...args.context.answers, ...read });
  },
  /** The urgent facts are known and the reporter has not yet been offered the quick alert. */
  alertDue: ({ context }: Args) => context.extra.alert === undefined && urgentKnown(context.answers),
  /** The alert went out and the reporter's details are not known: ask them now, the duty officers need them. */
  profileDueAfterAlert: ({ context }: Args) =>
    context.extra.alert === "sent" &&
    context.answers.reporter === undefined &&
    context.extra.profileDeferred !== true &&
    !(typeof context.prefill.profile === "object" && context.prefill.profile !== null),
  /** The reporter gave their details during this report (after the alert): no need to confirm them again. */
  reporterGiven: ({ context }: Args) =>
    context.answers.reporter !== undefined && context.extra.profileGiven === true,
};

export const alertActions = {
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
  markAlertSent: mutate((context, event) => {
    context.extra.alert = "sent" satisfies AlertChoice;
    context.error = null;
    context.notice = null;
    context.updatedAt = event.at;
  }),
  markAlertDeclined: mutate((context, event) => {
    context.extra.alert = "declined" satisfies AlertChoice;
    context.error = null;
    context.notice = null;
    context.updatedAt = event.at;
  }),
  /** The reporter left the profile for later: it is asked at the end, as for any report. */
  deferProfile: mutate((context) => {
    context.extra.profileDeferred = true;
  }),
  /** The containment advice for this type was shown (the conversation shows it once per type). */
  markAdvised: mutate((context) => {
    const type = context.answers.type ?? factsOf(context).type;
    if (typeof type === "string") context.extra.advised = type;
  }),
};

const choose = (value: string) => ({ type: "chose" as const, params: { value } });

/** The states of the fast path, inside the report's "asking" block. */
export function alertStates(questionIds: readonly string[]) {
  return {
    /** "Trợ lý hiểu như sau: …" with every urgent fact known: the quick alert is one press away. */
    understood: {
      meta: { prompt: "alert:understood.prompt", choices: ["alert", "yes", "correct"] },
      on: {
        CHOOSE: [
          { guard: choose("alert"), target: "next", actions: ["applyFacts", "markAlertSent"] },
          { guard: choose("yes"), target: "next", actions: ["applyFacts", "markAlertDeclined"] },
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
    /** "Gửi cảnh báo nhanh ngay": the ticket goes to the duty chats now, marked preliminary. */
    quickAlert: {
      meta: { prompt: "alert:quickAlert.prompt", choices: ["send", "later"] },
      on: {
        CHOOSE: [
          { guard: choose("send"), target: "next", actions: "markAlertSent" },
          { guard: choose("later"), target: "next", actions: "markAlertDeclined" },
          { actions: "rejectChoice" },
        ],
        BACK: { target: "status", actions: "clearFeedback" },
      },
    },
    /** After the alert, a first-time reporter's details (the duty officers will call back). */
    alertProfile: {
      meta: { prompt: "alert:profile.prompt", choices: [], launch: "profile" },
      on: {
        PROFILE: { target: "next", actions: "storeProfile" },
        // The profile was left: the report goes on, and the details are asked at the end.
        BACK: { target: "next", actions: "deferProfile" },
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
