import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Condition,
  DEFAULT_ROUTING_RULES,
  evaluateCondition,
  evaluateRouting,
  ROUTING_KINDS,
  type RoutingFacts,
  type RoutingRule,
  routingFactsFrom,
  routingRulesSchema,
} from "../../src/domain/routing.ts";
import type { SeverityInput } from "../../src/domain/severity-input.ts";

/** A benign submitted incident: an unsuccessful scan found in the logs of a civil system. */
function facts(overrides: Partial<RoutingFacts> = {}): RoutingFacts {
  return {
    severity: 1,
    incidentType: "vuln_exploit_attempt",
    detection: ["log_review"],
    canHandleAlone: true,
    ownerSector: "civil",
    dataExposed: "none",
    dangerousSituation: false,
    stage: "submitted",
    ...overrides,
  };
}

const route = (overrides: Partial<RoutingFacts> = {}) =>
  evaluateRouting(DEFAULT_ROUTING_RULES, facts(overrides));

function rule(id: string): RoutingRule {
  const found = DEFAULT_ROUTING_RULES.find((r) => r.id === id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
}

const adviceOf = (result: ReturnType<typeof evaluateRouting>) => result.advice.map((a) => a.key);

describe("R1: every submitted incident is notified", () => {
  it("notifies the provincial unit and VNCERT within 5 days and advises telling the owner", () => {
    const result = route();
    expect(result.firedRules).toEqual(["R1"]);
    expect(result.destinations).toEqual([
      { contactId: "provincial", kinds: ["notify"], rules: ["R1"] },
      { contactId: "vncert", kinds: ["notify"], rules: ["R1"] },
    ]);
    expect(adviceOf(result)).toContain("routing:advice.notifyOwner");
    expect(rule("R1").deadlineHours).toBe(120);
  });

  it("does not fire for scam calls or defence / public-security systems even without R6 and R8", () => {
    for (const overrides of [
      { incidentType: "scam_call" },
      { ownerSector: "defence" },
      { ownerSector: "public_security" },
    ] satisfies Partial<RoutingFacts>[]) {
      expect(evaluateRouting([rule("R1")], facts(overrides)).firedRules).toEqual([]);
    }
  });

  it("does not fire at closure", () => {
    expect(route({ stage: "closed" }).firedRules).not.toContain("R1");
  });
});

describe("R2: initial report at level ≥ 3 or when the unit cannot cope", () => {
  it("fires at severity 3", () => {
    const result = route({ severity: 3 });
    expect(result.firedRules).toEqual(["R1", "R2"]);
    expect(result.destinations).toEqual([
      { contactId: "provincial", kinds: ["notify", "initial_report"], rules: ["R1", "R2"] },
      { contactId: "vncert", kinds: ["notify", "initial_report"], rules: ["R1", "R2"] },
    ]);
    expect(adviceOf(result)).toContain("routing:advice.requestSupport");
  });

  it("fires at severity 1 when the unit cannot handle it alone", () => {
    expect(route({ canHandleAlone: false }).firedRules).toContain("R2");
  });

  it("does not fire at severity 2 handled in-house", () => {
    expect(route({ severity: 2 }).firedRules).not.toContain("R2");
  });
});

describe("R3: emergency reporting at level 4", () => {
  it("fires at severity 4 with emergency to VNCERT, the provincial unit and the provincial police", () => {
    const result = route({ severity: 4 });
    expect(result.firedRules).toEqual(["R1", "R2", "R3"]);
    expect(result.destinations.map((d) => d.contactId)).toEqual(["provincial", "vncert", "police"]);
    for (const destination of result.destinations) expect(destination.kinds).toContain("emergency");
    expect(result.advice.find((a) => a.key === "routing:advice.phoneHotlinesNow")?.contactIds).toEqual([
      "vncert",
      "provincial",
      "police",
    ]);
    expect(adviceOf(result)).toEqual(
      expect.arrayContaining(["routing:advice.phoneHotlinesNow", "routing:advice.informSteeringCommittee"]),
    );
  });

  it("does not fire at severity 3", () => {
    expect(route({ severity: 3 }).firedRules).not.toContain("R3");
  });
});

describe("R4: NCSC in copy for NCSC alerts and externally found malware", () => {
  it("fires for any incident NCSC alerted on", () => {
    const result = route({ incidentType: "phishing", detection: ["external_ncsc"] });
    expect(result.firedRules).toContain("R4");
    expect(result.destinations).toContainEqual({ contactId: "ncsc", kinds: ["cc"], rules: ["R4"] });
    expect(result.destinations.find((d) => d.contactId === "provincial")?.rules).toContain("R4");
  });

  it("fires for malware reported by an ISP", () => {
    expect(
      route({ incidentType: "malware", detection: ["user_report", "external_isp"] }).firedRules,
    ).toContain("R4");
  });

  it("does not fire for malware found in-house", () => {
    const result = route({ incidentType: "malware", detection: ["antivirus"] });
    expect(result.firedRules).not.toContain("R4");
    expect(result.destinations.map((d) => d.contactId)).not.toContain("ncsc");
  });

  it("does not fire for non-malware reported by VNCERT", () => {
    expect(route({ incidentType: "phishing", detection: ["external_vncert"] }).firedRules).not.toContain(
      "R4",
    );
  });
});

describe("R5: signs of crime with a confirmed effect go to the provincial police", () => {
  // Reference §7(c) (updated): data stolen, extortion, or a threat to national security.
  it.each([
    { incidentType: "ransomware" },
    { incidentType: "data_leak" },
    { incidentType: "phishing", dataExposed: "personal" },
    { incidentType: "account_compromise", dataExposed: "state_secret" },
    { dataExposed: "personal" },
    { dataExposed: "state_secret" },
    { dangerousSituation: true },
  ] satisfies Partial<RoutingFacts>[])("fires for %o and routes to the police", (overrides) => {
    const result = route(overrides);
    expect(result.firedRules).toContain("R5");
    expect(result.destinations).toContainEqual({ contactId: "police", kinds: ["notify"], rules: ["R5"] });
    expect(result.destinations.find((d) => d.contactId === "provincial")?.rules).not.toContain("R5");
    expect(result.advice).toContainEqual({
      ruleId: "R5",
      key: "routing:advice.reportToPolice",
      contactIds: ["police"],
    });
  });

  // Before the update R5 fired on every phishing report and account takeover (the first three rows).
  it.each([
    { incidentType: "phishing" },
    { incidentType: "phishing", dataExposed: "unknown" },
    { incidentType: "account_compromise" },
    { incidentType: "vuln_exploit_attempt", severity: 3 },
    { incidentType: "ddos", dataExposed: "internal" },
    { incidentType: "malware", detection: ["antivirus"] },
  ] satisfies Partial<RoutingFacts>[])("does not fire for %o", (overrides) => {
    const result = route(overrides);
    expect(result.firedRules).not.toContain("R5");
    expect(result.destinations.map((d) => d.contactId)).not.toContain("police");
    expect(adviceOf(result)).not.toContain("routing:advice.reportToPolice");
  });
});

describe("R6: scam calls get advice only", () => {
  it("is exclusive: no destinations, only the 156 / 5656 advice", () => {
    const result = route({ incidentType: "scam_call", severity: 3, dangerousSituation: true });
    expect(result).toEqual({
      destinations: [],
      advice: [
        { ruleId: "R6", key: "routing:advice.scamCallReport", contactIds: [] },
        { ruleId: "R6", key: "routing:advice.scamCallNoTt20", contactIds: [] },
      ],
      exclusiveRule: "R6",
      firedRules: ["R6"],
    });
  });

  it("does not fire for phishing mail", () => {
    const result = route({ incidentType: "phishing" });
    expect(result.exclusiveRule).toBeNull();
    expect(result.firedRules).not.toContain("R6");
  });
});

describe("R7: final report at closure", () => {
  it("fires at closure only, with a 5-day deadline, to VNCERT/CC only (the owner's address comes from the flow)", () => {
    const result = route({ stage: "closed", severity: 4 });
    expect(result.firedRules).toEqual(["R7"]);
    expect(result.destinations).toEqual([{ contactId: "vncert", kinds: ["final_report"], rules: ["R7"] }]);
    expect(adviceOf(result)).toEqual(["routing:advice.finalReportWithin5Days"]);
    expect(rule("R7").deadlineHours).toBe(120);
  });

  it("does not fire for a submitted incident", () => {
    expect(route({ severity: 4 }).firedRules).not.toContain("R7");
  });

  it("does not fire for a closed defence-sector incident", () => {
    expect(route({ stage: "closed", ownerSector: "defence" }).firedRules).toEqual([]);
  });
});

describe("R8: defence and public-security systems use their ministry's channel", () => {
  it.each(["defence", "public_security"] as const)("is exclusive for %s", (ownerSector) => {
    const result = route({ ownerSector, severity: 4, incidentType: "ransomware" });
    expect(result).toEqual({
      destinations: [],
      advice: [{ ruleId: "R8", key: "routing:advice.ministryChannel", contactIds: [] }],
      exclusiveRule: "R8",
      firedRules: ["R8"],
    });
  });

  it("does not fire for civil systems", () => {
    expect(route({ severity: 4 }).firedRules).not.toContain("R8");
  });

  it("wins over R6, whose advice is still given", () => {
    const result = route({ ownerSector: "defence", incidentType: "scam_call" });
    expect(result.exclusiveRule).toBe("R8");
    expect(result.firedRules).toEqual(["R8", "R6"]);
    expect(result.destinations).toEqual([]);
    expect(result.advice.map((a) => a.ruleId)).toEqual(["R8", "R6", "R6"]);
  });
});

describe("evaluateRouting", () => {
  it("merges destinations per contact in first-appearance order, without duplicates", () => {
    const result = route({ severity: 4, incidentType: "ransomware", detection: ["external_ncsc"] });
    expect(result.firedRules).toEqual(["R1", "R2", "R3", "R4", "R5"]);
    expect(result.destinations).toEqual([
      {
        contactId: "provincial",
        kinds: ["notify", "initial_report", "emergency"],
        rules: ["R1", "R2", "R3", "R4"],
      },
      { contactId: "vncert", kinds: ["notify", "initial_report", "emergency"], rules: ["R1", "R2", "R3"] },
      { contactId: "police", kinds: ["emergency", "notify"], rules: ["R3", "R5"] },
      { contactId: "ncsc", kinds: ["cc"], rules: ["R4"] },
    ]);
    expect(result.exclusiveRule).toBeNull();
  });

  it("gives each advice key once, attributed to the first rule", () => {
    const rules: RoutingRule[] = [
      {
        id: "A",
        stage: "submitted",
        when: { always: true },
        actions: [],
        advice: ["routing:x"],
        exclusive: false,
      },
      {
        id: "B",
        stage: "submitted",
        when: { always: true },
        actions: [{ contact: "c", kind: "notify" }],
        advice: ["routing:x", "routing:y"],
        exclusive: false,
      },
    ];
    expect(evaluateRouting(rules, facts()).advice).toEqual([
      { ruleId: "A", key: "routing:x", contactIds: [] },
      { ruleId: "B", key: "routing:y", contactIds: ["c"] },
    ]);
  });

  it("only considers rules of the facts' stage", () => {
    const rules: RoutingRule[] = [
      {
        id: "closedOnly",
        stage: "closed",
        when: { always: true },
        actions: [{ contact: "c", kind: "final_report" }],
        advice: [],
        exclusive: true,
      },
    ];
    expect(evaluateRouting(rules, facts()).firedRules).toEqual([]);
    expect(evaluateRouting(rules, facts({ stage: "closed" })).exclusiveRule).toBe("closedOnly");
  });

  it("returns an empty result for no rules", () => {
    expect(evaluateRouting([], facts())).toEqual({
      destinations: [],
      advice: [],
      exclusiveRule: null,
      firedRules: [],
    });
  });
});

describe("evaluateCondition", () => {
  const f = facts({ severity: 3, detection: ["ids", "external_isp"], canHandleAlone: false });

  it.each<[string, Condition, boolean]>([
    ["always", { always: true }, true],
    ["eq number", { fact: "severity", eq: 3 }, true],
    ["eq boolean", { fact: "canHandleAlone", eq: false }, true],
    ["eq does not coerce", { fact: "severity", eq: "3" }, false],
    ["in", { fact: "incidentType", in: ["ddos", "vuln_exploit_attempt"] }, true],
    ["in miss", { fact: "incidentType", in: ["ddos"] }, false],
    ["gte equal", { fact: "severity", gte: 3 }, true],
    ["gte above", { fact: "severity", gte: 4 }, false],
    ["gte on a string fact", { fact: "incidentType", gte: 1 }, false],
    ["includesAny", { fact: "detection", includesAny: ["external_isp", "other"] }, true],
    ["includesAny miss", { fact: "detection", includesAny: ["antivirus"] }, false],
    ["includesAny on a scalar fact", { fact: "incidentType", includesAny: ["vuln_exploit_attempt"] }, false],
    ["eq on an array fact", { fact: "detection", eq: "ids" }, false],
    ["all", { all: [{ always: true }, { fact: "severity", eq: 3 }] }, true],
    ["all with a miss", { all: [{ always: true }, { fact: "severity", eq: 2 }] }, false],
    [
      "any",
      {
        any: [
          { fact: "severity", eq: 2 },
          { fact: "stage", eq: "submitted" },
        ],
      },
      true,
    ],
    ["not", { not: { fact: "ownerSector", eq: "civil" } }, false],
  ])("%s", (_name, condition, expected) => {
    expect(evaluateCondition(condition, f)).toBe(expected);
  });

  it("treats unknown facts and malformed conditions as false without throwing", () => {
    const unknownFact = { fact: "colour", eq: "red" } as unknown as Condition;
    expect(evaluateCondition(unknownFact, f)).toBe(false);
    expect(evaluateCondition({ fact: "toString", in: ["x"] } as unknown as Condition, f)).toBe(false);
    expect(evaluateCondition({ fact: "severity" } as unknown as Condition, f)).toBe(false);
    expect(evaluateCondition({} as Condition, f)).toBe(false);
    expect(evaluateCondition(null as unknown as Condition, f)).toBe(false);
    const missing = Object.fromEntries(Object.entries(f).filter(([k]) => k !== "dataExposed")) as unknown;
    expect(evaluateCondition({ fact: "dataExposed", eq: "none" }, missing as RoutingFacts)).toBe(false);
    const rules: RoutingRule[] = [
      { id: "X", stage: "submitted", when: unknownFact, actions: [], advice: [], exclusive: true },
    ];
    expect(evaluateRouting(rules, f).firedRules).toEqual([]);
  });
});

describe("routingRulesSchema", () => {
  it("accepts the default rules and keeps them unchanged", () => {
    const parsed = routingRulesSchema.safeParse(DEFAULT_ROUTING_RULES);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(DEFAULT_ROUTING_RULES);
  });

  it("round-trips the default rules through JSON", () => {
    const json: unknown = JSON.parse(JSON.stringify(DEFAULT_ROUTING_RULES));
    expect(routingRulesSchema.parse(json)).toEqual(DEFAULT_ROUTING_RULES);
  });

  it("orders R1–R8 so that R8 comes before R6", () => {
    const ids = DEFAULT_ROUTING_RULES.map((r) => r.id);
    expect([...ids].sort()).toEqual(["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"]);
    expect(ids.indexOf("R8")).toBeLessThan(ids.indexOf("R6"));
  });

  it("rejects an unknown action kind with the path to it", () => {
    const bad = structuredClone(DEFAULT_ROUTING_RULES) as unknown as Array<Record<string, unknown>>;
    const r1 = bad[2] as { actions: Array<{ kind: string }> };
    r1.actions[1] = { ...r1.actions[1], kind: "sms" } as { kind: string };
    const parsed = routingRulesSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path)).toEqual([[2, "actions", 1, "kind"]]);
  });

  it("rejects a missing stage, a malformed condition and a duplicate id, each at its path", () => {
    const bad = {
      id: "X",
      when: { fact: "colour", eq: 1 },
      actions: [],
      advice: ["not-a-key"],
      exclusive: false,
    };
    const parsed = routingRulesSchema.safeParse([
      bad,
      { ...bad, id: "Y", stage: "submitted", when: { always: true } },
    ]);
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["0.stage", "0.when", "0.advice.0", "1.advice.0"]));
    const duplicate = routingRulesSchema.safeParse([rule("R1"), rule("R1")]);
    expect(duplicate.error?.issues).toEqual([expect.objectContaining({ path: [1, "id"] })]);
  });

  it("rejects empty all/any lists and unknown operators", () => {
    const base = { id: "X", stage: "submitted", actions: [], advice: [], exclusive: false };
    for (const when of [{ all: [] }, { any: [] }, { fact: "severity", lt: 3 }, { always: false }]) {
      expect(routingRulesSchema.safeParse([{ ...base, when }]).success, JSON.stringify(when)).toBe(false);
    }
  });
});

describe("routingFactsFrom", () => {
  it("takes the severity answers and the extra answers", () => {
    const input: SeverityInput = {
      incidentType: "data_leak",
      systemLevel: 3,
      nationalCritical: "no",
      serviceDisrupted: false,
      publicService: false,
      privilegedAccount: "no",
      dataExposed: { kind: "personal", count: 120 },
      spreading: "no",
      canHandleAlone: false,
      machinesAffected: 1,
      serverAffected: true,
      lostControl: false,
      integrityUnrecoverable: false,
      dangerousSituation: false,
      status: "ongoing",
      detectedByAntivirus: false,
    };
    const detection = ["user_report"];
    const result = routingFactsFrom(input, 3, { detection, ownerSector: "civil", stage: "submitted" });
    expect(result).toEqual({
      severity: 3,
      incidentType: "data_leak",
      detection: ["user_report"],
      canHandleAlone: false,
      ownerSector: "civil",
      dataExposed: "personal",
      dangerousSituation: false,
      stage: "submitted",
    });
    expect(result.detection).not.toBe(detection);
  });
});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function flatten(value: Json, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      for (const [key, text] of flatten(v, prefix === "" ? k : `${prefix}.${k}`)) out.set(key, text);
    }
  } else {
    out.set(prefix, String(value));
  }
  return out;
}

function loadLocale(lng: "vi" | "en"): Map<string, string> {
  const url = new URL(`../../locales/${lng}/routing.json`, import.meta.url);
  return flatten(JSON.parse(readFileSync(url, "utf8")) as Json);
}

describe("routing locales", () => {
  const vi = loadLocale("vi");
  const en = loadLocale("en");
  const source = readFileSync(new URL("../../src/domain/routing.ts", import.meta.url), "utf8");
  const keysInSource = [...source.matchAll(/"routing:([\w.]+)"/g)].map((m) => m[1] ?? "");

  it("has exactly the same keys in vi and en", () => {
    expect([...vi.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it("defines every advice key used in the source and in the default rules", () => {
    const fromRules = DEFAULT_ROUTING_RULES.flatMap((r) => r.advice).map((k) => k.replace(/^routing:/, ""));
    expect(keysInSource.length).toBeGreaterThan(10);
    for (const key of [...keysInSource, ...fromRules]) {
      expect(vi.has(key), `vi ${key}`).toBe(true);
      expect(en.has(key), `en ${key}`).toBe(true);
    }
  });

  it("describes every default rule and labels every kind", () => {
    for (const r of DEFAULT_ROUTING_RULES) expect(vi.has(`rule.${r.id}`), r.id).toBe(true);
    for (const kind of ROUTING_KINDS) expect(vi.has(`kind.${kind}`), kind).toBe(true);
  });

  it("hard-codes no phone number other than the national 156 / 5656 scam service", () => {
    for (const [key, text] of [...vi, ...en]) {
      const numbers = text.match(/\d[\d. ]{4,}\d/g) ?? [];
      expect(numbers, key).toEqual([]);
    }
  });
});
