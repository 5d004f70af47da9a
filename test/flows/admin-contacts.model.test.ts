import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { initialTransition, transition } from "xstate";
import { getShortestPaths } from "xstate/graph";
import {
  type AdminContactsContext,
  type AdminContactView,
  type AdminFlowEvent,
  adminContactsMachine,
} from "../../flows/admin-contacts.ts";
import { DIRECTIVE_CONTACTS } from "../../src/domain/contacts.ts";
import { roundTrip } from "./model.ts";

const AT = "2026-11-21T03:00:00.000Z";

const CONTACTS: AdminContactView[] = (["vncert", "provincial"] as const).map((id) => ({
  id,
  version: 2,
  data: (DIRECTIVE_CONTACTS[id].at(-1) as { data: AdminContactView["data"] }).data,
  bindings: [],
  rules: ["R1"],
  stale: true,
  pending: [],
}));

const state = (s: AnyMachineSnapshot) => String(s.value);
const ctx = (s: AnyMachineSnapshot) => s.context as AdminContactsContext;

/** The engine's answer to a request: the saved contact is shown again, a deleted one is gone. */
function result(s: AnyMachineSnapshot): AdminFlowEvent {
  const request = ctx(s).request;
  const selected = request && request.kind !== "delete" ? request.id : null;
  return { type: "RESULT", contacts: CONTACTS, rules: [], selected, notice: null, error: null, at: AT };
}

/** What the model tries in each state: every button once, one valid typed answer, back. */
function events(s: AnyMachineSnapshot): AdminFlowEvent[] {
  const choose = (value: string): AdminFlowEvent => ({ type: "CHOOSE", value, at: AT });
  const text = (value: string): AdminFlowEvent => ({ type: "TEXT", text: value, at: AT });
  const back: AdminFlowEvent = { type: "BACK", at: AT };
  switch (state(s)) {
    case "pick":
      return [
        choose("vncert"),
        choose("_add"),
        choose("_rules"),
        choose("_close"),
        { type: "CANCEL", at: AT },
      ];
    case "view":
      return [choose("phones"), choose("active"), choose("_verify"), choose("_delete"), back];
    case "enter":
      return [ctx(s).field === "active" ? choose("no") : text("0912 345 678"), back];
    case "confirm":
    case "addConfirm":
      return [choose("_save"), back];
    case "confirmDelete":
      return [choose("_delete"), back];
    case "rules":
      return [back];
    case "addId":
      return [text("pa05-laichau"), back];
    case "addNameVi":
      return [text("Công an tỉnh Lai Châu – PA05"), back];
    case "addNameEn":
      return [text("Lai Chau Police – PA05"), back];
    case "addShortName":
      return [text("PA05 Lai Châu"), back];
    case "addRole":
      return [choose("police"), back];
    case "addSource":
      return [text("Xác minh qua điện thoại"), back];
    case "working":
      return [result(s)];
    default:
      return [];
  }
}

const serialize = (s: AnyMachineSnapshot) => {
  const c = ctx(s);
  return JSON.stringify([s.value, c.selected, c.field, c.proposed, c.draft, c.request?.kind ?? null]);
};

const start = () => initialTransition(adminContactsMachine, { contacts: CONTACTS, rules: [] })[0];

const paths = getShortestPaths(adminContactsMachine, {
  events,
  serializeState: serialize,
  input: { contacts: CONTACTS, rules: [] },
} as never);

function replay(steps: readonly AdminFlowEvent[]): AnyMachineSnapshot {
  return steps.reduce((s, e) => transition(adminContactsMachine, s, e)[0], start());
}

const BAD: AdminFlowEvent[] = [
  { type: "TEXT", text: "", at: AT },
  { type: "TEXT", text: "   \n\t ", at: AT },
  { type: "TEXT", text: "x".repeat(100_000), at: AT },
  { type: "TEXT", text: "😀🔥".repeat(300), at: AT },
  { type: "TEXT", text: "\u0000\u0007\u001b", at: AT },
  { type: "CHOOSE", value: "drop_tables", at: AT },
  { type: "CHOOSE", value: "", at: AT },
];

describe("admin contacts flow (model-based)", () => {
  const reached = paths.map((p) => p.state as AnyMachineSnapshot);

  it("reaches every state of the flow", () => {
    expect(new Set(reached.map(state))).toEqual(
      new Set([
        "pick",
        "view",
        "enter",
        "confirm",
        "confirmDelete",
        "rules",
        "addId",
        "addNameVi",
        "addNameEn",
        "addShortName",
        "addRole",
        "addSource",
        "addConfirm",
        "working",
        "closed",
      ]),
    );
  });

  it("every shortest path replays to the same state, and each state survives persist → restore", () => {
    for (const path of paths) {
      const steps = path.steps.map((s) => s.event as AdminFlowEvent);
      const replayed = replay(steps);
      expect(serialize(replayed)).toBe(serialize(path.state as AnyMachineSnapshot));
      const restored = roundTrip(adminContactsMachine, replayed);
      expect(serialize(restored)).toBe(serialize(replayed));
      expect(ctx(restored)).toEqual(ctx(replayed));
    }
  });

  it("asks the engine to save only from 'working', and only what the admin confirmed", () => {
    for (const s of reached) {
      if (ctx(s).request) expect(state(s)).toBe("working");
    }
    const save = replay([
      { type: "CHOOSE", value: "vncert", at: AT },
      { type: "CHOOSE", value: "phones", at: AT },
      { type: "TEXT", text: "024 3640 4999, 0912345678", at: AT },
      { type: "CHOOSE", value: "_save", at: AT },
    ]);
    expect(ctx(save).request).toEqual({
      kind: "update",
      id: "vncert",
      version: 2,
      changes: { phones: ["024 3640 4999", "0912 345 678"] },
    });
  });

  it("bad input at every state changes nothing but the shown error", () => {
    let checked = 0;
    for (const s of reached) {
      if (s.status === "done" || state(s) === "working") continue;
      for (const bad of BAD) {
        if (!s.can(bad)) continue;
        const next = transition(adminContactsMachine, s, bad)[0];
        expect(state(next), `${state(s)} ← ${bad.type}`).toBe(state(s));
        expect({ ...ctx(next), error: null }).toEqual({ ...ctx(s), error: null });
        expect(ctx(next).error, `${state(s)} explains why`).not.toBeNull();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(reached.length * 2);
  });

  it("an invalid phone is refused with the intake validator's reason", () => {
    const s = replay([
      { type: "CHOOSE", value: "vncert", at: AT },
      { type: "CHOOSE", value: "phones", at: AT },
      { type: "TEXT", text: "gọi 113", at: AT },
    ]);
    expect(state(s)).toBe("enter");
    expect(ctx(s).error).toEqual({ key: "validation:phone.invalid", params: { value: "gọi 113" } });
  });
});
