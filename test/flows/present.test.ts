import { describe, expect, it } from "vitest";
import { FLOWS } from "../../src/conversation/flows.ts";

/** Every state name of a machine, at any depth. */
function stateNames(root: { key: string; states: Record<string, unknown> }): Set<string> {
  const names = new Set<string>();
  const visit = (node: { key: string; states: Record<string, unknown> }) => {
    names.add(node.key);
    for (const child of Object.values(node.states)) visit(child as typeof node);
  };
  visit(root);
  return names;
}

describe("flows' state views", () => {
  it("name only states their machine has, and only prompt states (the ones a view can add to)", () => {
    for (const flow of [FLOWS.report, FLOWS.profile]) {
      const names = stateNames(
        flow.machine.root as unknown as { key: string; states: Record<string, unknown> },
      );
      const viewed = Object.keys(flow.stateViews ?? {});
      expect(viewed.length).toBeGreaterThan(0);
      for (const name of viewed) expect(names, `${flow.id}.${name}`).toContain(name);
    }
  });

  it("give the report's summary, reporter check, type check and what the opening paragraph said, and the profile's confirmation", () => {
    expect(Object.keys(FLOWS.report.stateViews ?? {}).sort()).toEqual(
      ["reporterConfirm", "summary", "typeConfirm", "understood", "understoodPartial"].sort(),
    );
    expect(Object.keys(FLOWS.profile.stateViews ?? {})).toEqual(["confirm"]);
  });
});
