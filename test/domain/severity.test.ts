import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMPROMISE_TYPES, INCIDENT_TYPES } from "../../src/domain/incident-types.ts";
import { classifySeverity, SEVERITY_LEVELS, severityLabelKey } from "../../src/domain/severity.ts";
import type { SeverityInput, SeverityLevel } from "../../src/domain/severity-input.ts";
import { benign, R } from "./severity-fixtures.ts";

interface Row {
  name: string;
  input: Partial<SeverityInput>;
  level: SeverityLevel;
  /** Exactly the reason keys expected, in order. */
  keys: string[];
  serious?: boolean;
  nationalPlan?: boolean;
}

// The Decision 05 serious test holds for this input; rows below drop one condition at a time.
const SERIOUS: Partial<SeverityInput> = { systemLevel: 4, serviceDisrupted: true, canHandleAlone: false };

const rows: Row[] = [
  // Level 1.
  { name: "benign baseline", input: {}, level: 1, keys: [R("noConfirmedImpact")] },
  {
    name: "data exposure unknown stays low but says so",
    input: { dataExposed: { kind: "unknown" } },
    level: 1,
    keys: [R("noConfirmedImpactDataUnknown")],
  },
  {
    name: "personal data count 0 does not trigger",
    input: { dataExposed: { kind: "personal", count: 0 } },
    level: 1,
    keys: [R("noConfirmedImpact")],
  },
  {
    name: "public service alone (no outage)",
    input: { publicService: true },
    level: 1,
    keys: [R("noConfirmedImpact")],
  },
  {
    name: "privileged account unknown does not trigger",
    input: { privilegedAccount: "unknown" },
    level: 1,
    keys: [R("noConfirmedImpact")],
  },
  {
    name: "national critical unknown does not count as on the list",
    input: { nationalCritical: "unknown", systemLevel: "unknown" },
    level: 1,
    keys: [R("noConfirmedImpact")],
  },

  // Level 2.
  {
    name: "personal data 1 record",
    input: { dataExposed: { kind: "personal", count: 1 } },
    level: 2,
    keys: [R("personalDataBelow10000")],
  },
  {
    name: "personal data 9,999 records",
    input: { dataExposed: { kind: "personal", count: 9_999 } },
    level: 2,
    keys: [R("personalDataBelow10000")],
  },
  {
    name: "defacement",
    input: { incidentType: "defacement" },
    level: 2,
    keys: [R("confirmedCompromise"), R("defacement")],
  },
  {
    name: "outage of a level-1 system",
    input: { systemLevel: 1, serviceDisrupted: true },
    level: 2,
    keys: [R("serviceDisrupted")],
  },
  {
    name: "outage of a level-2 system",
    input: { serviceDisrupted: true },
    level: 2,
    keys: [R("serviceDisrupted")],
  },
  {
    name: "outage of an unclassified system",
    input: { systemLevel: "unknown", serviceDisrupted: true },
    level: 2,
    keys: [R("serviceDisruptedUnknownLevel")],
  },
  {
    name: "ransomware on workstations only",
    input: { incidentType: "ransomware" },
    level: 2,
    keys: [R("confirmedCompromise")],
  },
  {
    name: "spreading to one machine is not several",
    input: { incidentType: "malware", spreading: "yes", machinesAffected: 1 },
    level: 2,
    keys: [R("confirmedCompromise")],
  },

  // Level 3.
  {
    name: "personal data 10,000 records",
    input: { dataExposed: { kind: "personal", count: 10_000 } },
    level: 3,
    keys: [R("personalDataAtLeast10000")],
  },
  {
    name: "personal data of unknown count",
    input: { dataExposed: { kind: "personal", count: "unknown" } },
    level: 3,
    keys: [R("personalDataUnknownCount")],
  },
  // Reference §7(b) (updated): a system's level raises the severity only with a confirmed effect, so a level
  // without one stays Thấp (these rows were level 3 before the update).
  {
    name: "level-3 system, no effect",
    input: { systemLevel: 3 },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "outage of a level-3 system",
    input: { systemLevel: 3, serviceDisrupted: true },
    level: 3,
    keys: [R("systemLevel3")],
  },
  {
    name: "level-4 system, no harm",
    input: { systemLevel: 4 },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "level-5 system, no harm",
    input: { systemLevel: 5 },
    level: 1,
    keys: [R("attemptOnLeveledSystem")],
  },
  {
    name: "national critical system, no harm",
    input: { nationalCritical: "yes" },
    level: 1,
    keys: [R("noConfirmedImpact")],
  },
  {
    name: "level-4 system with an outage",
    input: { systemLevel: 4, serviceDisrupted: true },
    level: 3,
    keys: [R("systemLevel4or5")],
  },
  {
    name: "national critical system with internal documents exposed",
    input: { nationalCritical: "yes", dataExposed: { kind: "internal" } },
    level: 3,
    keys: [R("nationalCriticalSystem"), R("internalDocuments")],
  },
  {
    name: "online public service or e-mail down",
    input: { publicService: true, serviceDisrupted: true },
    level: 3,
    keys: [R("publicServiceDisrupted"), R("serviceDisrupted")],
  },
  {
    name: "privileged account",
    input: { privilegedAccount: "yes" },
    level: 3,
    keys: [R("privilegedAccount")],
  },
  {
    name: "ransomware on a server",
    input: { incidentType: "ransomware", serverAffected: true },
    level: 3,
    keys: [R("ransomwareOnServer"), R("confirmedCompromise")],
  },
  {
    name: "a server hit by something other than ransomware",
    input: { incidentType: "ddos", serverAffected: true },
    level: 1,
    keys: [R("noConfirmedImpact")],
  },
  {
    name: "internal documents exposed",
    input: { dataExposed: { kind: "internal" } },
    level: 3,
    keys: [R("internalDocuments")],
  },
  {
    name: "malware spreading to 2 machines",
    input: { incidentType: "malware", spreading: "yes", machinesAffected: 2 },
    level: 3,
    keys: [R("spreadingSeveralMachines"), R("confirmedCompromise")],
  },
  {
    name: "malware spreading to an unknown number of machines",
    input: { incidentType: "malware", spreading: "yes", machinesAffected: "unknown" },
    level: 3,
    keys: [R("spreadingUnknownMachines"), R("confirmedCompromise")],
  },
  {
    name: "spreading unknown on many machines does not trigger",
    input: { spreading: "unknown", machinesAffected: 20 },
    level: 1,
    keys: [R("noConfirmedImpact")],
  },
  { name: "cannot handle alone", input: { canHandleAlone: false }, level: 3, keys: [R("cannotHandleAlone")] },

  // Level 4: the Decision 05 serious test, all conditions, then one condition missing at a time.
  {
    name: "QĐ05 serious: level 4 + outage + cannot handle",
    input: SERIOUS,
    level: 4,
    keys: [R("qd05Serious"), R("systemLevel4or5"), R("cannotHandleAlone")],
    serious: true,
    nationalPlan: false,
  },
  {
    name: "QĐ05 missing system condition: level 3 instead of 4",
    input: { ...SERIOUS, systemLevel: 3 },
    level: 3,
    keys: [R("systemLevel3"), R("cannotHandleAlone")],
    serious: false,
  },
  {
    name: "QĐ05 missing system condition: unknown level, national critical unknown",
    input: { ...SERIOUS, systemLevel: "unknown", nationalCritical: "unknown" },
    level: 3,
    keys: [R("cannotHandleAlone"), R("serviceDisruptedUnknownLevel")],
    serious: false,
  },
  {
    // Without the harm there is no confirmed effect either, so only the unit's own call raises it.
    name: "QĐ05 missing harm condition",
    input: { ...SERIOUS, serviceDisrupted: false },
    level: 3,
    keys: [R("cannotHandleAlone")],
    serious: false,
  },
  {
    name: "QĐ05 missing 'cannot handle alone': level 4 outage handled in-house is Cao",
    input: { ...SERIOUS, canHandleAlone: true },
    level: 3,
    keys: [R("systemLevel4or5")],
    serious: false,
  },
  {
    name: "QĐ05 missing 'cannot handle alone' on a national critical system",
    input: { systemLevel: "unknown", nationalCritical: "yes", serviceDisrupted: true },
    level: 3,
    keys: [R("nationalCriticalSystem"), R("serviceDisruptedUnknownLevel")],
    serious: false,
  },
  {
    name: "QĐ05 harm: state-secret disclosure alone",
    input: { systemLevel: 4, canHandleAlone: false, dataExposed: { kind: "state_secret" } },
    level: 4,
    keys: [R("qd05Serious"), R("stateSecret"), R("systemLevel4or5"), R("cannotHandleAlone")],
    serious: true,
  },
  {
    name: "QĐ05 harm: unrecoverable integrity loss alone",
    input: { systemLevel: 4, canHandleAlone: false, integrityUnrecoverable: true },
    level: 4,
    keys: [R("qd05Serious"), R("systemLevel4or5"), R("cannotHandleAlone")],
    serious: true,
  },
  {
    name: "QĐ05 harm: loss of control alone",
    input: { systemLevel: 4, canHandleAlone: false, lostControl: true },
    level: 4,
    keys: [R("qd05Serious"), R("systemLevel4or5"), R("cannotHandleAlone")],
    serious: true,
  },
  {
    name: "QĐ05 harm: possible spread alone",
    input: { systemLevel: 4, canHandleAlone: false, spreading: "yes" },
    level: 4,
    keys: [R("qd05Serious"), R("systemLevel4or5"), R("cannotHandleAlone")],
    serious: true,
  },
  {
    name: "QĐ05 harm: spreading unknown is not a harm",
    input: { systemLevel: 4, canHandleAlone: false, spreading: "unknown" },
    level: 3,
    keys: [R("cannotHandleAlone")],
    serious: false,
  },
  {
    name: "QĐ05 serious on a level-5 system: national plan",
    input: { ...SERIOUS, systemLevel: 5 },
    level: 4,
    keys: [R("qd05SeriousNationalPlan"), R("systemLevel4or5"), R("cannotHandleAlone")],
    serious: true,
    nationalPlan: true,
  },
  {
    name: "QĐ05 serious on a national critical system of unknown level: national plan",
    input: { ...SERIOUS, systemLevel: "unknown", nationalCritical: "yes" },
    level: 4,
    keys: [
      R("qd05SeriousNationalPlan"),
      R("nationalCriticalSystem"),
      R("cannotHandleAlone"),
      R("serviceDisruptedUnknownLevel"),
    ],
    serious: true,
    nationalPlan: true,
  },
  {
    name: "QĐ05 serious on a level-4 national critical system: national plan",
    input: { ...SERIOUS, nationalCritical: "yes" },
    level: 4,
    keys: [
      R("qd05SeriousNationalPlan"),
      R("systemLevel4or5"),
      R("nationalCriticalSystem"),
      R("cannotHandleAlone"),
    ],
    serious: true,
    nationalPlan: true,
  },
  {
    name: "dangerous situation (2018 law) without QĐ05",
    input: { dangerousSituation: true },
    level: 4,
    keys: [R("dangerousSituation")],
    serious: false,
    nationalPlan: false,
  },
  {
    name: "state secret on a level-1 system handled in-house",
    input: { systemLevel: 1, dataExposed: { kind: "state_secret" } },
    level: 4,
    keys: [R("stateSecret")],
    serious: false,
  },

  // Highest level wins; every triggered rule is listed, highest first.
  {
    name: "mixed levels",
    input: {
      incidentType: "account_compromise",
      privilegedAccount: "yes",
      dataExposed: { kind: "personal", count: 500 },
      dangerousSituation: true,
    },
    level: 4,
    keys: [
      R("dangerousSituation"),
      R("privilegedAccount"),
      R("confirmedCompromise"),
      R("personalDataBelow10000"),
    ],
  },
];

describe("classifySeverity", () => {
  it.each(rows)("$name → level $level", (row) => {
    const result = classifySeverity(benign(row.input));
    expect(result.level).toBe(row.level);
    expect(result.reasons.map((r) => r.key)).toEqual(row.keys);
    if (row.serious !== undefined) expect(result.serious).toBe(row.serious);
    if (row.nationalPlan !== undefined) expect(result.nationalPlan).toBe(row.nationalPlan);
  });

  it.each(rows)("$name: reasons sorted by level, top reason gives the level", (row) => {
    const { level, reasons, serious, nationalPlan } = classifySeverity(benign(row.input));
    const levels = reasons.map((r) => r.level);
    expect(levels).toEqual([...levels].sort((a, b) => b - a));
    expect(reasons[0]?.level).toBe(level);
    expect(reasons.some((r) => r.level === 1)).toBe(level === 1);
    if (nationalPlan) expect(serious).toBe(true);
    if (serious) expect(level).toBe(4);
  });

  it.each([...COMPROMISE_TYPES])("compromise type %s is at least Trung bình", (incidentType) => {
    const result = classifySeverity(benign({ incidentType }));
    expect(result.level).toBeGreaterThanOrEqual(2);
    expect(result.reasons).toContainEqual({ level: 2, key: R("confirmedCompromise") });
  });

  it.each(INCIDENT_TYPES.filter((t) => !COMPROMISE_TYPES.has(t)))(
    "non-compromise type %s alone stays Thấp",
    (incidentType) => {
      expect(classifySeverity(benign({ incidentType })).level).toBe(1);
    },
  );

  it("attaches parameters and the implied level to each reason", () => {
    expect(classifySeverity(benign({ dataExposed: { kind: "personal", count: 12_000 } })).reasons).toEqual([
      { level: 3, key: R("personalDataAtLeast10000"), params: { count: 12_000 } },
    ]);
    expect(classifySeverity(benign({ dataExposed: { kind: "personal", count: 9_999 } })).reasons).toEqual([
      { level: 2, key: R("personalDataBelow10000"), params: { count: 9_999 } },
    ]);
    expect(classifySeverity(benign({ systemLevel: 4, serviceDisrupted: true })).reasons).toEqual([
      { level: 3, key: R("systemLevel4or5"), params: { level: 4 } },
    ]);
    expect(classifySeverity(benign({ systemLevel: 3 })).reasons).toEqual([
      { level: 1, key: R("attemptOnLeveledSystem"), params: { level: 3 } },
    ]);
    expect(classifySeverity(benign({ spreading: "yes", machinesAffected: 7 })).reasons).toEqual([
      { level: 3, key: R("spreadingSeveralMachines"), params: { count: 7 } },
    ]);
    expect(classifySeverity(benign({ serviceDisrupted: true, systemLevel: 1 })).reasons).toEqual([
      { level: 2, key: R("serviceDisrupted"), params: { level: 1 } },
    ]);
  });

  it("does not mutate its input", () => {
    const input = benign({ dataExposed: { kind: "personal", count: 20_000 }, canHandleAlone: false });
    const copy = structuredClone(input);
    classifySeverity(input);
    expect(input).toEqual(copy);
  });
});

describe("severity labels", () => {
  it("lists the four levels in ascending order", () => {
    expect(SEVERITY_LEVELS).toEqual([1, 2, 3, 4]);
  });

  it("gives the label key of each level", () => {
    expect(SEVERITY_LEVELS.map(severityLabelKey)).toEqual([
      "severity:level.1",
      "severity:level.2",
      "severity:level.3",
      "severity:level.4",
    ]);
  });
});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function loadLocale(lng: "vi" | "en", ns: string): Json {
  return JSON.parse(
    readFileSync(new URL(`../../locales/${lng}/${ns}.json`, import.meta.url), "utf8"),
  ) as Json;
}

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

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? "").sort();

describe("severity locales", () => {
  const vi = flatten(loadLocale("vi", "severity"));
  const en = flatten(loadLocale("en", "severity"));
  const source = readFileSync(new URL("../../src/domain/severity.ts", import.meta.url), "utf8");
  const keysInSource = [...source.matchAll(/"severity:([\w.]+)"/g)].map((m) => m[1] ?? "");

  it("has the same keys and placeholders in vi and en", () => {
    expect([...vi.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of vi) expect(placeholders(text), key).toEqual(placeholders(en.get(key) ?? ""));
  });

  it("defines every key the classifier uses, and nothing unused", () => {
    expect(keysInSource.length).toBeGreaterThan(20);
    for (const key of keysInSource) {
      expect(vi.has(key), `vi ${key}`).toBe(true);
      expect(en.has(key), `en ${key}`).toBe(true);
    }
    expect([...vi.keys()].sort()).toEqual([...new Set(keysInSource)].sort());
  });

  it("fills every parameter the classifier passes", () => {
    const params: Partial<SeverityInput>[] = [
      { dataExposed: { kind: "personal", count: 12_000 } },
      { dataExposed: { kind: "personal", count: 12 } },
      { systemLevel: 5 },
      { systemLevel: 5, serviceDisrupted: true },
      { serviceDisrupted: true },
      { spreading: "yes", machinesAffected: 3 },
    ];
    for (const overrides of params) {
      for (const reason of classifySeverity(benign(overrides)).reasons) {
        const key = reason.key.replace(/^severity:/, "");
        expect(placeholders(vi.get(key) ?? "")).toEqual(Object.keys(reason.params ?? {}).sort());
      }
    }
  });

  it("uses Vietnamese level labels", () => {
    expect([vi.get("level.1"), vi.get("level.2"), vi.get("level.3"), vi.get("level.4")]).toEqual([
      "Thấp",
      "Trung bình",
      "Cao",
      "Nghiêm trọng",
    ]);
  });
});
