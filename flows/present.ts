import type { AnyStateMachine, StateValueFrom } from "xstate";
import type { AnswerValue, QuestionnaireContext } from "./types.ts";

/** Every state name of a state value, at any depth ("asking" and "summary" of { asking: "summary" }). */
type Names<T> = T extends string
  ? T
  : T extends object
    ? { [K in keyof T]: K | Names<T[K]> }[keyof T]
    : never;

/** The state names of a machine, as its type knows them: a key that is not one of them does not compile. */
export type StateName<M extends AnyStateMachine> = Extract<Names<StateValueFrom<M>>, string>;

/**
 * What a flow's own presentation may ask of the conversation that draws it. Flows stay pure: the
 * conversation renders answers and assessments (it holds the contacts and the rules), the flow only says
 * what its state shows.
 */
export interface PresentTools {
  /** A text in the reader's language, rendered for HTML (parameters escaped). */
  t(key: string, params?: Record<string, string | number>): string;
  /** A flow's answers as labelled lines, already escaped. */
  answers(flow: "report" | "profile" | "final", answers: Readonly<Record<string, AnswerValue>>): string;
  /** A report's computed severity (with its reasons) and routing, as text. */
  assessment(answers: Readonly<Record<string, AnswerValue>>): { severity: string; routing: string };
}

/** What a prompt state shows besides its prompt and choices: a block under the prompt, or the prompt's params. */
export interface StateExtras {
  summary?: string;
  params?: Record<string, string | number>;
}

export type StateView = (context: QuestionnaireContext, ui: PresentTools) => StateExtras;

/** How some states of a machine are shown, keyed by the machine's own state names (checked by the compiler). */
export type StateViews<M extends AnyStateMachine> = { readonly [K in StateName<M>]?: StateView };
