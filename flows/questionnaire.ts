import { assign } from "xstate";
import { type ParsedAnswer, parseAnswer } from "./answers.ts";
import type { AnswerValue, FlowEvent, QuestionnaireContext, QuestionSpec } from "./types.ts";

/** Marker stored for an optional question the reporter skipped ("Bỏ qua"): answered, but empty. */
export const SKIPPED = null;

/** Input every questionnaire flow is started with. */
export interface QuestionnaireInput {
  draftId: string;
  at: string;
  prefill?: Record<string, AnswerValue>;
  /** Answers kept from an earlier version of the flow (see the engine's version handling). */
  answers?: Record<string, AnswerValue>;
  files?: QuestionnaireContext["files"];
}

/** The starting context of a questionnaire. */
export function initialQuestionnaireContext(input: QuestionnaireInput): QuestionnaireContext {
  if (!input) throw new Error("a questionnaire is started with an input (draftId, at)");
  return {
    draftId: input.draftId,
    startedAt: input.at,
    updatedAt: input.at,
    answers: { ...(input.answers ?? {}) },
    trail: Object.keys(input.answers ?? {}),
    selection: [],
    error: null,
    notice: null,
    files: [...(input.files ?? [])],
    prefill: { ...(input.prefill ?? {}) },
    extra: {},
    reminded: false,
  };
}

/** The value offered as this question's default: the saved one, else the answer it defaults from. */
export function prefillFor(q: QuestionSpec, context: QuestionnaireContext): AnswerValue | undefined {
  const saved = q.prefillFrom ? context.prefill[q.prefillFrom] : undefined;
  if (saved !== undefined && saved !== null) return saved;
  const other = q.defaultFrom ? context.answers[q.defaultFrom] : undefined;
  return other === null ? undefined : other;
}

/** True when the question is asked for these answers. */
export function isApplicable(q: QuestionSpec, answers: Readonly<Record<string, AnswerValue>>): boolean {
  return q.when ? q.when(answers) : true;
}

const nextCache = new WeakMap<object, WeakMap<readonly QuestionSpec[], QuestionSpec | null>>();

/** The first applicable question without an answer, in order; undefined when all are answered. */
export function nextQuestion(
  questions: readonly QuestionSpec[],
  answers: Readonly<Record<string, AnswerValue>>,
): QuestionSpec | undefined {
  // The `next` router asks this once per question; answers objects are never changed in place, so the
  // result can be kept per answers object.
  let byList = nextCache.get(answers);
  if (!byList) {
    byList = new WeakMap();
    nextCache.set(answers, byList);
  }
  let found = byList.get(questions);
  if (found === undefined) {
    found = questions.find((q) => isApplicable(q, answers) && !(q.id in answers)) ?? null;
    byList.set(questions, found);
  }
  return found ?? undefined;
}

/** Answers of the questions that still apply: a changed answer can make a later one moot. */
export function effectiveAnswers(
  questions: readonly QuestionSpec[],
  answers: Readonly<Record<string, AnswerValue>>,
): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  for (const q of questions)
    if (q.id in answers && isApplicable(q, answers)) out[q.id] = answers[q.id] ?? null;
  return out;
}

type Args = { context: QuestionnaireContext; event: FlowEvent };

const sameList = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((v, i) => v === b[i]));
type IdParams = { id: string };

/**
 * A context update written as mutation of a private copy. XState only changes context through `assign`
 * (other actions are returned, not run, by the pure `transition()`), so every update goes through here.
 */
export function mutate<P = undefined>(
  fn: (context: QuestionnaireContext, event: FlowEvent, params: P) => void,
) {
  return assign<QuestionnaireContext, FlowEvent, P, FlowEvent, never>(({ context, event }, params) => {
    const next = copyContext(context);
    fn(next, event, params);
    return next;
  });
}

/**
 * A copy whose containers can be changed without touching the original. Answer values themselves are
 * replaced, never changed in place, so copying the containers is enough (and far cheaper than a deep clone).
 */
function copyContext(c: QuestionnaireContext): QuestionnaireContext {
  return {
    ...c,
    answers: { ...c.answers },
    trail: [...c.trail],
    selection: [...c.selection],
    files: [...c.files],
    prefill: { ...c.prefill },
    extra: { ...c.extra },
  };
}

/**
 * Builds the named guards, actions and states of a questionnaire from its question list. The states form a
 * compound "asking" block: one state per question, a `next` router (first unanswered applicable question) and
 * a `prev` router (the question answered before the current one).
 */
export function questionnaire(questions: readonly QuestionSpec[]) {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const spec = (id: string): QuestionSpec => {
    const q = byId.get(id);
    if (!q) throw new Error(`unknown question ${id}`);
    return q;
  };

  const prefillOf = (context: QuestionnaireContext, id: string): AnswerValue | undefined =>
    prefillFor(spec(id), context);

  // One event is parsed by the guard that accepts it and again by the action that stores it (or rejects
  // it). parseAnswer is pure, so the last result is kept for the very same inputs.
  let last:
    | { id: string; event: FlowEvent; selection: readonly string[]; prefill: unknown; parsed: ParsedAnswer }
    | undefined;
  const parsedAnswer = (context: QuestionnaireContext, event: FlowEvent, id: string): ParsedAnswer => {
    const prefill = prefillOf(context, id);
    if (
      last?.event === event &&
      last.id === id &&
      sameList(last.selection, context.selection) &&
      last.prefill === prefill
    ) {
      return last.parsed;
    }
    const parsed = parseAnswer(spec(id), event, context.selection, prefill);
    last = { id, event, selection: context.selection, prefill, parsed };
    return parsed;
  };

  const guards = {
    isNextQuestion: ({ context }: Args, { id }: IdParams) =>
      nextQuestion(questions, context.answers)?.id === id,
    isBackTarget: ({ context }: Args, { id }: IdParams) => context.extra.backTo === id,
    isValidAnswer: ({ context, event }: Args, { id }: IdParams) => parsedAnswer(context, event, id).ok,
    hasAnswer: ({ context }: Args, { id }: IdParams) =>
      id in context.answers && context.answers[id] !== SKIPPED,
    isOptional: (_: Args, { id }: IdParams) => !spec(id).required,
    isEditable: ({ context, event }: Args, { id }: IdParams) =>
      event.type === "CHOOSE" &&
      event.value === id &&
      isApplicable(spec(id), context.answers) &&
      id in context.answers,
    chose: ({ event }: Args, params: { value: string }) =>
      event.type === "CHOOSE" && event.value === params.value,
    isBackChoice: ({ event }: Args) => event.type === "CHOOSE" && event.value === "back",
    /** The option that excludes all others ("none yet"): choosing it is the whole answer. */
    isExclusiveChoice: ({ event }: Args, { id }: IdParams) => {
      const input = spec(id).input;
      return event.type === "CHOOSE" && input.kind === "multi" && !!input.exclusive?.includes(event.value);
    },
  };

  const actions = {
    enterQuestion: mutate<IdParams>((context, _event, { id }) => {
      context.extra.cursor = id;
      const previous = context.answers[id];
      context.selection = Array.isArray(previous) ? [...previous] : [];
    }),
    storeAnswer: mutate<IdParams>((context, event, { id }) => {
      const parsed = parsedAnswer(context, event, id);
      if (!parsed.ok) return;
      context.answers[id] = parsed.value;
      context.notice = parsed.notice ?? null;
      context.error = null;
      context.trail = [...context.trail.filter((t) => t !== id), id];
      context.updatedAt = event.at;
    }),
    rejectAnswer: mutate<IdParams>((context, event, { id }) => {
      const parsed = parsedAnswer(context, event, id);
      context.error = parsed.ok ? null : parsed.error;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    storeSkipped: mutate<IdParams>((context, event, { id }) => {
      context.answers[id] = spec(id).skipValue ?? SKIPPED;
      context.trail = [...context.trail.filter((t) => t !== id), id];
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    keepAnswer: mutate((context, event) => {
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    rejectSkip: mutate((context, _event) => {
      context.error = { key: "flow:error.required" };
      context.notice = null;
    }),
    clearFeedback: mutate((context, _event) => {
      context.error = null;
      context.notice = null;
    }),
    rejectChoice: mutate((context, _event) => {
      context.error = { key: "flow:error.unknownChoice" };
      context.notice = null;
    }),
    rejectKeep: mutate((context, _event) => {
      context.error = { key: "flow:error.nothingToKeep" };
      context.notice = null;
    }),
    toggleChoice: mutate<IdParams>((context, event, { id }) => {
      if (event.type !== "CHOOSE") return;
      const input = spec(id).input;
      if (input.kind !== "multi" || !input.options.includes(event.value)) {
        context.error = { key: "flow:error.unknownChoice" };
        return;
      }
      context.error = null;
      context.notice = null;
      context.selection = context.selection.includes(event.value)
        ? context.selection.filter((v) => v !== event.value)
        : [...context.selection, event.value];
    }),
    storeExclusive: mutate<IdParams>((context, event, { id }) => {
      if (event.type !== "CHOOSE") return;
      context.answers[id] = [event.value];
      context.selection = [];
      context.trail = [...context.trail.filter((t) => t !== id), id];
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    prepareBack: mutate((context, _event) => {
      const cursor = context.extra.cursor;
      const at = typeof cursor === "string" ? context.trail.indexOf(cursor) : -1;
      const target = at > 0 ? context.trail[at - 1] : at === -1 ? context.trail.at(-1) : undefined;
      context.extra.backTo = target ?? null;
      context.error = null;
      context.notice = target ? null : { key: "flow:notice.atFirstQuestion" };
    }),
    attachFile: mutate((context, event) => {
      if (event.type !== "FILE") return;
      // The same file sent twice (e.g. forwarded again) is kept once.
      if (!context.files.some((f) => f.uniqueId === event.file.uniqueId)) context.files.push(event.file);
      context.notice = { key: "flow:notice.fileAttached", params: { count: context.files.length } };
      context.error = null;
      context.updatedAt = event.at;
    }),
    storeFilesDone: mutate<IdParams>((context, event, { id }) => {
      context.answers[id] = context.files.map((f) => f.name ?? f.kind);
      context.trail = [...context.trail.filter((t) => t !== id), id];
      context.error = null;
      context.notice = null;
      context.updatedAt = event.at;
    }),
    skipSection: mutate<IdParams>((context, event, { id }) => {
      const section = spec(id).section;
      for (const q of questions) {
        if (q.section === section && !q.required && !(q.id in context.answers)) {
          context.answers[q.id] = SKIPPED;
          context.trail = [...context.trail, q.id];
        }
      }
      context.error = null;
      context.notice = { key: "flow:notice.sectionSkipped" };
      context.updatedAt = event.at;
    }),
    clearAnswer: mutate<IdParams>((context, _event, { id }) => {
      delete context.answers[id];
      context.trail = context.trail.filter((t) => t !== id);
    }),
    markReminded: mutate((context, _event) => {
      context.reminded = true;
    }),
  };

  /** States of the "asking" block; `done` is where the `next` router goes once every question is answered. */
  function states(
    done: string,
    options: { extra?: Record<string, Record<string, unknown[]>>; routerFirst?: unknown[] } = {},
  ) {
    const extraTransitions = options.extra ?? {};
    const out: Record<string, unknown> = {
      next: {
        always: [
          ...(options.routerFirst ?? []),
          ...questions.map((q) => ({
            guard: { type: "isNextQuestion", params: { id: q.id } },
            target: q.id,
          })),
          { target: done },
        ],
      },
      prev: {
        always: [
          ...questions.map((q) => ({ guard: { type: "isBackTarget", params: { id: q.id } }, target: q.id })),
          { target: "next" },
        ],
      },
    };
    out.editPick = {
      meta: { prompt: "flow:editPick.prompt", choices: "editable" },
      on: {
        CHOOSE: [
          ...questions.map((q) => ({
            guard: { type: "isEditable", params: { id: q.id } },
            target: q.id,
            actions: "keepAnswer",
          })),
          { guard: "isBackChoice", target: done, actions: "keepAnswer" },
          { actions: "rejectChoice" },
        ],
        BACK: { target: done, actions: "keepAnswer" },
      },
    };
    for (const q of questions) {
      const p = { id: q.id };
      const answer = [
        {
          guard: { type: "isValidAnswer", params: p },
          target: "next",
          actions: [{ type: "storeAnswer", params: p }],
        },
        { actions: [{ type: "rejectAnswer", params: p }] },
      ];
      const on: Record<string, unknown> = {
        TEXT: answer,
        CHOOSE:
          q.input.kind === "multi"
            ? [
                // No «Xong» needed after the one option that cannot be combined with any other.
                {
                  guard: { type: "isExclusiveChoice", params: p },
                  target: "next",
                  actions: [{ type: "storeExclusive", params: p }],
                },
                { actions: [{ type: "toggleChoice", params: p }] },
              ]
            : answer,
        SKIP: [
          {
            guard: { type: "isOptional", params: p },
            target: "next",
            actions: [{ type: "storeSkipped", params: p }],
          },
          { actions: "rejectSkip" },
        ],
        KEEP: [
          { guard: { type: "hasAnswer", params: p }, target: "next", actions: "keepAnswer" },
          { actions: "rejectKeep" },
        ],
        BACK: { target: "prev", actions: "prepareBack" },
      };
      if (q.section) on.SKIP_SECTION = { target: "next", actions: [{ type: "skipSection", params: p }] };
      if (q.input.kind === "multi") {
        on.DONE = answer;
        on.CHOOSE_MANY = answer;
      }
      if (q.input.kind === "files") {
        // Files attach anywhere; on this question "done" moves on.
        on.DONE = { target: "next", actions: [{ type: "storeFilesDone", params: p }] };
      }
      for (const [type, transitions] of Object.entries(extraTransitions[q.id] ?? {})) {
        const existing = on[type];
        on[type] = [...transitions, ...(Array.isArray(existing) ? existing : existing ? [existing] : [])];
      }
      out[q.id] = { meta: { question: q.id }, entry: [{ type: "enterQuestion", params: p }], on };
    }
    return out;
  }

  return { guards, actions, states, spec };
}

/** Events the whole "asking" block answers, whatever question is on screen. */
export const ASKING_HANDLERS = {
  CANCEL: { target: "confirmCancel", actions: "clearFeedback" },
  FILE: { actions: "attachFile" },
  REMIND: { actions: "markReminded" },
  REFRESH: { actions: "clearFeedback" },
  EXPIRE: { target: "expired" },
} as const;

/**
 * The states every questionnaire ends with: the cancel confirmation (which returns to the exact question
 * through the deep history state `asking.hist`) and the final cancelled and expired states.
 */
export function cancellationStates() {
  return {
    confirmCancel: {
      meta: { prompt: "flow:confirmCancel.prompt", choices: ["yes", "no"] },
      on: {
        CHOOSE: [
          { guard: { type: "chose", params: { value: "yes" } }, target: "cancelled" },
          {
            guard: { type: "chose", params: { value: "no" } },
            target: "asking.hist",
            actions: "clearFeedback",
          },
          { actions: "rejectChoice" },
        ],
        BACK: { target: "asking.hist", actions: "clearFeedback" },
        CANCEL: { target: "cancelled" },
        EXPIRE: { target: "expired" },
      },
    },
    cancelled: { type: "final", meta: { prompt: "flow:final.cancelled", choices: [] } },
    expired: { type: "final", meta: { prompt: "flow:final.expired", choices: [] } },
  } as const;
}
