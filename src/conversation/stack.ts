import type { AdminContactsContext, AdminFlowEvent } from "../../flows/admin-contacts.ts";
import type { PresentTools } from "../../flows/present.ts";
import { profileFromContext } from "../../flows/profile.ts";
import type { AnswerValue, FlowEvent, QuestionnaireContext } from "../../flows/types.ts";
import { assessReport, inactiveIds } from "../domain/assessment.ts";
import { renderRouting, renderSeverity } from "../present/incident.ts";
import type { StackEntry } from "../store/store.ts";
import { fileFinalReport } from "./final-report.ts";
import { flowById } from "./flows.ts";
import { currentMeta, renderAnswers, renderState } from "./render.ts";
import { submit } from "./submit.ts";
import type { Active, Turn } from "./turn.ts";

// The flow stack of a chat: the report at the bottom, a profile or the admins' contact table above it while
// it runs. These move it (start, send an event, settle finished flows) and show its top.

/** Restarts entries written by another flow version with their answers kept, so nobody is stranded. */
export function upgradeStack(turn: Turn): void {
  let upgraded = false;
  turn.stack = turn.stack.flatMap((entry) => {
    const flow = flowById(turn.flows, entry.flow);
    if (!flow) {
      upgraded = true;
      return [];
    }
    if (entry.version === flow.version) return [entry];
    upgraded = true;
    // An admin's half-done edit is not worth migrating: they see the list again.
    if (flow.present) return [];
    const old = (entry.snapshot as { context?: Partial<QuestionnaireContext> }).context ?? {};
    const known = new Set(flow.questions.map((q) => q.id));
    const answers = Object.fromEntries(Object.entries(old.answers ?? {}).filter(([k]) => known.has(k)));
    const snapshot = flow.runner.initial({
      draftId: old.draftId ?? `${turn.event.channel}:${turn.event.chatId}:${turn.event.dedupeKey}`,
      at: turn.at,
      prefill: old.prefill ?? {},
      answers,
      files: old.files ?? [],
    });
    return [{ flow: flow.id, version: flow.version, snapshot: flow.runner.persist(snapshot) }];
  });
  if (upgraded) turn.say("flow:notice.flowUpdated");
}

/** The active flow (top of the stack), restored once per entry and kept for the rest of the turn. */
export function top(turn: Turn): Active | undefined {
  const entry = turn.stack.at(-1);
  if (!entry) return undefined;
  const cached = turn.restored.get(entry);
  if (cached) return cached;
  const flow = flowById(turn.flows, entry.flow);
  if (!flow) return undefined;
  const active = { flow, snapshot: flow.runner.restore(entry.snapshot) };
  turn.restored.set(entry, active);
  return active;
}

export function setTop(turn: Turn, active: Active): void {
  const entry: StackEntry = {
    flow: active.flow.id,
    version: active.flow.version,
    snapshot: active.flow.runner.persist(active.snapshot),
  };
  turn.stack[turn.stack.length - 1] = entry;
  turn.restored.set(entry, active);
}

export function start(
  turn: Turn,
  flowId: "report" | "profile",
  extraPrefill: Record<string, AnswerValue> = {},
): void {
  const flow = turn.flows[flowId];
  const profile = turn.store.profile(turn.event.channel, turn.event.userId) as
    | Record<string, AnswerValue>
    | undefined;
  const prefill: Record<string, AnswerValue> =
    flowId === "report"
      ? { ...(profile ? { profile, organisation: profile.organisation ?? null } : {}), ...extraPrefill }
      : { ...(profile ?? {}), ...extraPrefill };
  const snapshot = flow.runner.initial({
    draftId: `${turn.event.channel}:${turn.event.chatId}:${turn.event.dedupeKey}:${turn.stack.length}`,
    at: turn.at,
    prefill,
  });
  push(turn, { flow, snapshot });
}

/** Puts a flow on top of the stack, its snapshot already restored for the rest of the turn. */
export function push(turn: Turn, active: Active): void {
  const entry: StackEntry = {
    flow: active.flow.id,
    version: active.flow.version,
    snapshot: active.flow.runner.persist(active.snapshot),
  };
  turn.stack.push(entry);
  turn.restored.set(entry, active);
}

/** Sends one event to the active flow and settles the stack; answers "not now" if the state ignores it. */
export function send(turn: Turn, event: FlowEvent | AdminFlowEvent, render = true): void {
  const active = top(turn);
  if (!active) return;
  // A pure transition that selects nothing returns the very same snapshot: no need to ask can() first
  // (which would select the transition, and so run its guards, a second time).
  const next = active.flow.runner.transition(active.snapshot, event);
  if (next === active.snapshot) {
    turn.say("flow:error.notNow");
    renderTop(turn);
    return;
  }
  setTop(turn, { flow: active.flow, snapshot: next });
  settle(turn, render);
}

/**
 * Finishes completed flows, hands results to the flow below, launches requested flows, and renders the top
 * (unless the caller has more to apply first and will render afterwards).
 */
export function settle(turn: Turn, render = true): void {
  for (let guard = 0; guard < 10; guard++) {
    const active = top(turn);
    if (!active) return;
    if (active.snapshot.status === "done" && active.flow.present) {
      // The admin flow closes on its own; the flow below it (a report in progress) is shown again, unmoved.
      turn.stack.pop();
      turn.say("admin:closed");
      if (render) renderTop(turn);
      return;
    }
    if (active.flow.present && runAdminRequest(turn, active)) continue;
    if (active.snapshot.status === "done") {
      turn.stack.pop();
      const result = complete(turn, active);
      const parent = top(turn);
      if (!parent) return;
      if (result) {
        setTop(turn, {
          flow: parent.flow,
          snapshot: parent.flow.runner.transition(parent.snapshot, result),
        });
      } else if (parent.snapshot.can({ type: "BACK", at: turn.at })) {
        // The sub-flow was cancelled: the parent steps back from the question that launched it.
        const back = parent.flow.runner.transition(parent.snapshot, { type: "BACK", at: turn.at });
        setTop(turn, { flow: parent.flow, snapshot: back });
      }
      continue;
    }
    const current = currentMeta(active.snapshot);
    if (current && "prompt" in current.meta && current.meta.launch) {
      const launch = flowById(turn.flows, current.meta.launch);
      if (launch && launch.id !== active.flow.id) {
        turn.messages.push(renderState(active.flow, active.snapshot, turn.rc));
        start(turn, current.meta.launch === "profile" ? "profile" : "report");
        continue;
      }
    }
    if (render) renderTop(turn);
    return;
  }
}

/** Effects of a flow reaching a final state; returns the event to hand to the flow below, if any. */
export function complete(turn: Turn, active: Active): FlowEvent | undefined {
  const context = active.snapshot.context as QuestionnaireContext;
  const state = String(active.snapshot.value);
  if (active.flow.id === "final") {
    if (state === "submitted") fileFinalReport(turn, context);
    else turn.say("final:cancelled");
    return undefined;
  }
  if (active.flow.id === "profile") {
    if (state !== "done") {
      turn.say(
        active.flow.id === "profile" && turn.stack.length > 0
          ? "profile:final.cancelledInReport"
          : "flow:final.cancelled",
      );
      return undefined;
    }
    const profile = profileFromContext(context);
    turn.store.saveProfile(turn.event.channel, turn.event.userId, profile, turn.at);
    turn.store.audit(turn.at, turn.actor(), "profile.save", turn.actor(), "ok", {
      fields: Object.keys(profile),
    });
    if (turn.stack.length === 0) turn.say("profile:final.saved");
    return { type: "PROFILE", profile, at: turn.at };
  }
  if (state === "submitted") submit(turn, context);
  else turn.messages.push(renderState(active.flow, active.snapshot, turn.rc));
  return undefined;
}

/**
 * Carries out what the admin flow asked for (save, verify, create, delete) and hands it the result; true when
 * there was a request. The service checks the admin's authority again, so a role revoked mid-edit saves
 * nothing.
 */
export function runAdminRequest(turn: Turn, active: Active): boolean {
  const request = (active.snapshot.context as AdminContactsContext).request;
  if (!request) return false;
  const { result, others } = turn.admin.execute(turn.adminActor(), request, turn.event.at);
  turn.others.push(...others);
  setTop(turn, { flow: active.flow, snapshot: active.flow.runner.transition(active.snapshot, result) });
  return true;
}

/** Shows the top of the stack: its state, with whatever its flow's view of that state adds. */
export function renderTop(turn: Turn): void {
  const active = top(turn);
  if (!active) return;
  const key = currentMeta(active.snapshot)?.key;
  const view = key === undefined ? undefined : active.flow.stateViews?.[key];
  const context = active.snapshot.context as QuestionnaireContext;
  turn.messages.push(
    renderState(active.flow, active.snapshot, turn.rc, view ? view(context, presentTools(turn)) : {}),
  );
}

/** What a flow's state views may ask for, drawn in this turn's language from the current contacts and rules. */
function presentTools(turn: Turn): PresentTools {
  return {
    t: (key, params) => turn.t.t(turn.locale, key, params),
    answers: (flow, answers) => {
      const definition = turn.flows[flow];
      return definition ? renderAnswers(definition, answers, turn.rc) : "";
    },
    assessment: (answers) => {
      const assessment = assessReport(
        answers,
        turn.store.routingRules(),
        "submitted",
        inactiveIds(turn.store.contacts()),
      );
      return {
        severity: renderSeverity(assessment, turn.rc),
        routing: renderRouting(assessment, turn.store.contacts(), turn.rc),
      };
    },
  };
}
