import type { Reason } from "../src/domain/severity-input.ts";

/** An evidence file attached by the reporter (Telegram file ids; other channels their own reference). */
export interface FileRef {
  fileId: string;
  uniqueId: string;
  name?: string;
  size?: number;
  mimeType?: string;
  kind: "photo" | "document";
  /** The channel's id of the message that carried the file (Telegram: to copy it into duty chats). */
  messageRef?: string;
}

/** A JSON value stored as an answer. */
export type AnswerValue = string | number | boolean | null | string[] | { [key: string]: AnswerValue };

/** Events every questionnaire flow understands. `at` is the event's instant (ISO UTC): flows never read clocks. */
export type FlowEvent =
  | { type: "TEXT"; text: string; at: string }
  | { type: "CHOOSE"; value: string; at: string }
  | { type: "CHOOSE_MANY"; values: string[]; at: string }
  | { type: "DONE"; at: string }
  | { type: "FILE"; file: FileRef; caption?: string; at: string }
  | { type: "SKIP"; at: string }
  | { type: "KEEP"; at: string }
  | { type: "BACK"; at: string }
  | { type: "SKIP_SECTION"; at: string }
  | { type: "CANCEL"; at: string }
  | { type: "PROFILE"; profile: Record<string, AnswerValue>; at: string }
  | { type: "REMIND"; at: string }
  /** The question is shown again for another reason (the language changed): the last error is done with. */
  | { type: "REFRESH"; at: string }
  | { type: "EXPIRE"; at: string };

/** Context shared by questionnaire flows. */
export interface QuestionnaireContext {
  /** Stable id of this draft: the key that makes one submission yield exactly one ticket. */
  draftId: string;
  startedAt: string;
  updatedAt: string;
  answers: Record<string, AnswerValue>;
  /** Question ids in the order they were answered, for "back". */
  trail: string[];
  /** Choices toggled so far on a multi-select question, before "done". */
  selection: string[];
  /** Why the last input was refused; rendered before the question is asked again. */
  error: Reason | null;
  /** A remark shown before the next question (e.g. the type proposed from free text). */
  notice: Reason | null;
  files: FileRef[];
  /** Data the flow was started with (e.g. the reporter's saved profile). */
  prefill: Record<string, AnswerValue>;
  /** Flow-specific scratch values (e.g. the proposed incident type). */
  extra: Record<string, AnswerValue>;
  reminded: boolean;
}

/** How an answer is typed and checked. */
export type InputSpec =
  | { kind: "text"; min?: number; max: number }
  | { kind: "choice"; options: readonly string[] }
  | { kind: "multi"; options: readonly string[]; exclusive?: readonly string[] }
  | { kind: "datetime" }
  | { kind: "count" }
  | { kind: "yesno"; allowUnknown: boolean }
  | { kind: "ips" }
  | { kind: "domains" }
  | { kind: "phone" }
  | { kind: "email" }
  | { kind: "files" };

/** One question of a questionnaire: its answer key, the Mẫu 03 field it fills and how it is answered. */
export interface QuestionSpec {
  id: string;
  /** Mẫu 03 field codes filled by this question (documentation and export). */
  fields: readonly string[];
  input: InputSpec;
  /** Mandatory on Mẫu 03: cannot be skipped. */
  required: boolean;
  /** Only asked when this holds for the answers so far. */
  when?: (answers: Readonly<Record<string, AnswerValue>>) => boolean;
  /** Optional questions of one section can be skipped together ("skip the technical details"). */
  section?: string;
  /** Key of `prefill` offered as the default answer. */
  prefillFrom?: string;
  /** Another question of the same flow whose answer is offered when `prefillFrom` has nothing (A3 from B3). */
  defaultFrom?: string;
  /** What skipping stores instead of "skipped": the form's own default (I8 confidentiality is "yes"). */
  skipValue?: AnswerValue;
}

/** What a state asks: the renderer's whole input, so every channel draws the same question. */
export type StateMeta =
  | { question: string }
  | {
      prompt: string;
      /** Fixed choice ids, or "editable": the answered questions, computed by the renderer. */
      choices: readonly string[] | "editable";
      /** The engine starts this flow on top of the current one (e.g. the profile during a report). */
      launch?: string;
    };
