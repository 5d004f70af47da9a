import type { AnyStateMachine } from "xstate";
import { PROFILE_FLOW_VERSION, PROFILE_QUESTIONS, profileMachine } from "../../flows/profile.ts";
import { REPORT_FLOW_VERSION, REPORT_QUESTIONS, reportMachine } from "../../flows/report.ts";
import type { QuestionSpec } from "../../flows/types.ts";

/** A conversation flow the engine can run: its machine, version and questions (for rendering). */
export interface FlowDefinition {
  id: "report" | "profile";
  /** Short prefix of button tokens, so callback data stays within Telegram's 64 bytes. */
  tokenPrefix: string;
  version: number;
  machine: AnyStateMachine;
  questions: readonly QuestionSpec[];
}

export const FLOWS: Record<FlowDefinition["id"], FlowDefinition> = {
  report: {
    id: "report",
    tokenPrefix: "r",
    version: REPORT_FLOW_VERSION,
    machine: reportMachine,
    questions: REPORT_QUESTIONS,
  },
  profile: {
    id: "profile",
    tokenPrefix: "p",
    version: PROFILE_FLOW_VERSION,
    machine: profileMachine,
    questions: PROFILE_QUESTIONS,
  },
};

/** The flow with this id, or undefined for an id this version of the code does not know. */
export function flowById(id: string): FlowDefinition | undefined {
  return id === "report" || id === "profile" ? FLOWS[id] : undefined;
}
