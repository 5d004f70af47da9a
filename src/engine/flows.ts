import type { AnyStateMachine } from "xstate";
import { PROFILE_FLOW_VERSION, PROFILE_QUESTIONS, profileMachine } from "../../flows/profile.ts";
import { REPORT_FLOW_VERSION, REPORT_QUESTIONS, reportMachine } from "../../flows/report.ts";
import type { QuestionSpec } from "../../flows/types.ts";
import { MachineRunner } from "./machine-runner.ts";

/** A conversation flow the engine can run: its machine, version and questions (for rendering). */
export interface FlowDefinition {
  /** Also the i18n namespace of its questions. */
  id: string;
  /** Short prefix of button tokens, so callback data stays within Telegram's 64 bytes. */
  tokenPrefix: string;
  version: number;
  machine: AnyStateMachine;
  runner: MachineRunner;
  questions: readonly QuestionSpec[];
}

const SAMPLE_INPUT = { draftId: "sample", at: "2026-01-01T00:00:00.000Z" };

export type FlowRegistry = { report: FlowDefinition; profile: FlowDefinition };

export const FLOWS: FlowRegistry = {
  report: {
    id: "report",
    tokenPrefix: "r",
    version: REPORT_FLOW_VERSION,
    machine: reportMachine,
    runner: new MachineRunner(reportMachine, SAMPLE_INPUT),
    questions: REPORT_QUESTIONS,
  },
  profile: {
    id: "profile",
    tokenPrefix: "p",
    version: PROFILE_FLOW_VERSION,
    machine: profileMachine,
    runner: new MachineRunner(profileMachine, SAMPLE_INPUT),
    questions: PROFILE_QUESTIONS,
  },
};

/** Every button token a flow can draw: its questions and the states that offer choices. */
export function knownTokens(flows: FlowRegistry): Set<string> {
  const tokens = new Set<string>();
  for (const flow of [flows.report, flows.profile]) {
    for (const q of flow.questions) tokens.add(`${flow.tokenPrefix}.${q.id}`);
    const visit = (node: { key: string; meta?: unknown; states: Record<string, unknown> }) => {
      if (node.meta && typeof node.meta === "object" && "prompt" in node.meta)
        tokens.add(`${flow.tokenPrefix}.${node.key}`);
      for (const child of Object.values(node.states)) visit(child as typeof node);
    };
    visit(flow.machine.root as unknown as { key: string; meta?: unknown; states: Record<string, unknown> });
  }
  return tokens;
}

/** The flow stored under this id, or undefined for an id this version of the code does not know. */
export function flowById(flows: FlowRegistry, id: string): FlowDefinition | undefined {
  return id === "report" || id === "profile" ? flows[id] : undefined;
}
