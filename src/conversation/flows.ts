import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import { ADMIN_CONTACTS_FLOW_VERSION, adminContactsMachine } from "../../flows/admin-contacts.ts";
import { FINAL_REPORT_VIEWS } from "../../flows/final-report.present.ts";
import {
  FINAL_REPORT_FLOW_VERSION,
  FINAL_REPORT_QUESTIONS,
  finalReportMachine,
} from "../../flows/final-report.ts";
import { MachineRunner } from "../../flows/machine-runner.ts";
import type { StateView } from "../../flows/present.ts";
import { PROFILE_VIEWS } from "../../flows/profile.present.ts";
import { PROFILE_FLOW_VERSION, PROFILE_QUESTIONS, profileMachine } from "../../flows/profile.ts";
import { REPORT_VIEWS } from "../../flows/report.present.ts";
import { REPORT_FLOW_VERSION, REPORT_QUESTIONS, reportMachine } from "../../flows/report.ts";
import type { QuestionSpec } from "../../flows/types.ts";
import { adminChoices, adminFreeText, renderAdmin } from "../admin/admin-view.ts";
import type { ChatMessage, Choice } from "../messages.ts";
import type { RenderContext } from "../present/incident.ts";

/**
 * How a flow that is not a questionnaire draws itself: its buttons depend on data in its context (e.g. the list
 * of contacts), so they cannot be fixed in the state's meta.
 */
export interface FlowPresenter {
  choices(snapshot: AnyMachineSnapshot, rc: RenderContext): Choice[];
  render(snapshot: AnyMachineSnapshot, rc: RenderContext): Omit<ChatMessage, "token">;
  /** True where a typed "2" is an answer, not the second button. */
  freeText(snapshot: AnyMachineSnapshot): boolean;
}

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
  present?: FlowPresenter;
  /** How some of its prompt states are shown (flows/*.present.ts), by the state's name. */
  stateViews?: Readonly<Record<string, StateView | undefined>>;
}

const SAMPLE_INPUT = { draftId: "sample", at: "2026-01-01T00:00:00.000Z" };

export type FlowRegistry = {
  report: FlowDefinition;
  profile: FlowDefinition;
  /** The final report of a ticket (flows/final-report.ts); optional for registries made before it. */
  final?: FlowDefinition;
  adminContacts?: FlowDefinition;
};

const adminRc = (rc: RenderContext) => ({
  t: (key: string, params?: Record<string, string | number>) => rc.t.t(rc.locale, key, params),
});

/** The admins' contact-table flow (flows/admin-contacts.ts), drawn by src/admin/admin-view.ts. */
export const ADMIN_CONTACTS_FLOW: FlowDefinition = {
  id: "adminContacts",
  tokenPrefix: "a",
  version: ADMIN_CONTACTS_FLOW_VERSION,
  machine: adminContactsMachine,
  runner: new MachineRunner(adminContactsMachine, { contacts: [], rules: [] }),
  questions: [],
  present: {
    choices: (snapshot, rc) => adminChoices(snapshot, adminRc(rc)),
    render: (snapshot, rc) => renderAdmin(snapshot, adminRc(rc)),
    freeText: adminFreeText,
  },
};

export const FLOWS: FlowRegistry = {
  report: {
    id: "report",
    tokenPrefix: "r",
    version: REPORT_FLOW_VERSION,
    machine: reportMachine,
    runner: new MachineRunner(reportMachine, SAMPLE_INPUT),
    questions: REPORT_QUESTIONS,
    stateViews: REPORT_VIEWS,
  },
  profile: {
    id: "profile",
    tokenPrefix: "p",
    version: PROFILE_FLOW_VERSION,
    machine: profileMachine,
    runner: new MachineRunner(profileMachine, SAMPLE_INPUT),
    questions: PROFILE_QUESTIONS,
    stateViews: PROFILE_VIEWS,
  },
  final: {
    id: "final",
    tokenPrefix: "f",
    version: FINAL_REPORT_FLOW_VERSION,
    machine: finalReportMachine,
    runner: new MachineRunner(finalReportMachine, SAMPLE_INPUT),
    questions: FINAL_REPORT_QUESTIONS,
    stateViews: FINAL_REPORT_VIEWS,
  },
  adminContacts: ADMIN_CONTACTS_FLOW,
};

/** Every button token a flow can draw: its questions and the states that offer choices. */
export function knownTokens(flows: FlowRegistry): Set<string> {
  const tokens = new Set<string>();
  for (const flow of [flows.report, flows.profile, flows.final, flows.adminContacts]) {
    if (!flow) continue;
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
  if (id === "adminContacts") return flows.adminContacts;
  if (id === "final") return flows.final;
  return id === "report" || id === "profile" ? flows[id] : undefined;
}
