import { z } from "zod";
import type { IncidentType } from "./incident-types.ts";
import type { DataExposure, SeverityInput, SeverityLevel } from "./severity-input.ts";

/** How the incident was detected (Mẫu 03 field G). */
export const DETECTION_METHODS = [
  "ids",
  "log_review",
  "antivirus",
  "user_report",
  "external_vncert",
  "external_ncsc",
  "external_isp",
  "other",
] as const;
export type DetectionMethod = (typeof DETECTION_METHODS)[number];

/** Who runs the affected system; defence and public-security systems are outside TT20 (rule R8). */
export const OWNER_SECTORS = ["civil", "defence", "public_security"] as const;
export type OwnerSector = (typeof OWNER_SECTORS)[number];

/** The point in an incident's life at which routing is evaluated. */
export const ROUTING_STAGES = ["submitted", "closed"] as const;
export type RoutingStage = (typeof ROUTING_STAGES)[number];

/** What is sent to a contact. */
export const ROUTING_KINDS = ["notify", "initial_report", "emergency", "cc", "final_report"] as const;
export type RoutingKind = (typeof ROUTING_KINDS)[number];

/** The facts a routing condition can test. */
export const FACT_NAMES = [
  "severity",
  "incidentType",
  "detection",
  "canHandleAlone",
  "ownerSector",
  "dataExposed",
  "dangerousSituation",
  "stage",
] as const;
export type FactName = (typeof FACT_NAMES)[number];

/** The facts about one incident that routing rules are evaluated against. */
export interface RoutingFacts {
  severity: SeverityLevel;
  incidentType: IncidentType;
  /** Detection methods; strings rather than {@link DetectionMethod} so stored answers never fail to load. */
  detection: readonly string[];
  canHandleAlone: boolean;
  ownerSector: OwnerSector;
  dataExposed: DataExposure["kind"];
  dangerousSituation: boolean;
  stage: RoutingStage;
}

type Scalar = string | number | boolean;

/** A JSON-serialisable condition over {@link RoutingFacts}. */
export type Condition =
  | { always: true }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { fact: FactName; eq: Scalar }
  | { fact: FactName; in: Scalar[] }
  | { fact: FactName; gte: number }
  | { fact: FactName; includesAny: string[] };

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);
const factSchema = z.enum(FACT_NAMES);

/** Validates a {@link Condition}; strict objects make a misspelt operator fail, not silently never match. */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ always: z.literal(true) }),
    // Empty lists are rejected: `all: []` would silently always fire and `any: []` never.
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ fact: factSchema, eq: scalarSchema }),
    z.strictObject({ fact: factSchema, in: z.array(scalarSchema).min(1) }),
    z.strictObject({ fact: factSchema, gte: z.number() }),
    z.strictObject({ fact: factSchema, includesAny: z.array(z.string()).min(1) }),
  ]),
);

/** Validates one routing action. */
export const routingActionSchema = z.strictObject({
  contact: z.string().min(1),
  kind: z.enum(ROUTING_KINDS),
});
export type RoutingAction = z.infer<typeof routingActionSchema>;

/** Validates one routing rule. */
export const routingRuleSchema = z.strictObject({
  id: z.string().min(1),
  stage: z.enum(ROUTING_STAGES),
  when: conditionSchema,
  actions: z.array(routingActionSchema),
  /** i18n keys in namespace `routing`. */
  advice: z.array(z.string().regex(/^routing:[\w.]+$/, "expected an i18n key such as routing:advice.x")),
  /** When it fires, no TT20 destinations are routed, only its own advice. */
  exclusive: z.boolean(),
  /** Hours allowed, counted from discovery (submitted) or from the end of the response (closed). */
  deadlineHours: z.number().positive().optional(),
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

/** Validates a rule set; rule ids must be unique because results refer to rules by id. */
export const routingRulesSchema = z.array(routingRuleSchema).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.id)) {
      ctx.addIssue({ code: "custom", message: `duplicate rule id "${rule.id}"`, path: [index, "id"] });
    }
    seen.add(rule.id);
  });
});

const EXTERNAL_DETECTION = ["external_vncert", "external_ncsc", "external_isp"];

// Defence and public-security owners are routed by R8 and scam calls by R6; the TT20 rules also exclude them
// themselves so that they stay correct when an admin disables or reorders the exclusive rules.
const TT20_SCOPE: Condition = {
  all: [
    { not: { fact: "incidentType", eq: "scam_call" } },
    { not: { fact: "ownerSector", in: ["defence", "public_security"] } },
  ],
};

/**
 * Rules R1–R8 of reference §7(c). Exclusive rules come first because the first exclusive rule to fire
 * wins, and R8 (outside TT20 altogether) must win over R6. Since 03/2025 the provincial police (PA05) handle
 * network security (reference §5.8), so the police-bound rules (R3, R5) route to the `police` contact. That
 * contact is seeded without numbers and out of use until an admin fills it in: until then it receives nothing
 * (see assessReport) and R5 gives advice only, and `rulesWithoutRecipient` tells the admins so.
 */
export const DEFAULT_ROUTING_RULES: RoutingRule[] = [
  {
    id: "R8",
    stage: "submitted",
    when: { fact: "ownerSector", in: ["defence", "public_security"] },
    actions: [],
    advice: ["routing:advice.ministryChannel"],
    exclusive: true,
  },
  {
    id: "R6",
    stage: "submitted",
    when: { fact: "incidentType", eq: "scam_call" },
    actions: [],
    advice: ["routing:advice.scamCallReport", "routing:advice.scamCallNoTt20"],
    exclusive: true,
  },
  {
    id: "R1",
    stage: "submitted",
    when: TT20_SCOPE,
    actions: [
      { contact: "provincial", kind: "notify" },
      { contact: "vncert", kind: "notify" },
    ],
    advice: ["routing:advice.notifyOwner", "routing:advice.emailSubjectTbsc"],
    exclusive: false,
    // TT20 Art. 9: notify no later than 5 days after discovery.
    deadlineHours: 120,
  },
  {
    id: "R2",
    stage: "submitted",
    when: {
      any: [
        { fact: "severity", gte: 3 },
        { fact: "canHandleAlone", eq: false },
      ],
    },
    actions: [
      { contact: "vncert", kind: "initial_report" },
      { contact: "provincial", kind: "initial_report" },
    ],
    advice: ["routing:advice.signInitialReport", "routing:advice.requestSupport"],
    exclusive: false,
  },
  {
    id: "R3",
    stage: "submitted",
    when: { fact: "severity", gte: 4 },
    actions: [
      { contact: "vncert", kind: "emergency" },
      { contact: "provincial", kind: "emergency" },
      { contact: "police", kind: "emergency" },
    ],
    advice: [
      "routing:advice.phoneHotlinesNow",
      "routing:advice.informSteeringCommittee",
      "routing:advice.progressReports",
    ],
    exclusive: false,
  },
  {
    id: "R4",
    stage: "submitted",
    when: {
      any: [
        { fact: "detection", includesAny: ["external_ncsc"] },
        {
          all: [
            { fact: "incidentType", eq: "malware" },
            { fact: "detection", includesAny: EXTERNAL_DETECTION },
          ],
        },
      ],
    },
    // NCSC is a monitoring body, not a TT20 recipient, so it only gets a copy (reference §6, §7(c)).
    actions: [
      { contact: "ncsc", kind: "cc" },
      { contact: "provincial", kind: "notify" },
    ],
    advice: ["routing:advice.replyOnMonitoringPlatform"],
    exclusive: false,
  },
  {
    id: "R5",
    stage: "submitted",
    // Signs of crime with a confirmed effect (reference §7(c), updated): extortion (ransomware), data stolen or
    // exposed, or a threat to national security. A phishing mail, blocked or not, and an account takeover
    // without data exposed are not a police matter on their own. Fraud that caused a loss would belong here
    // too, but the report does not ask about losses yet.
    when: {
      any: [
        { fact: "incidentType", in: ["ransomware", "data_leak"] },
        { fact: "dataExposed", in: ["personal", "state_secret"] },
        { fact: "dangerousSituation", eq: true },
      ],
    },
    // The R1 recipients are notified by R1 itself.
    actions: [{ contact: "police", kind: "notify" }],
    advice: ["routing:advice.reportToPolice"],
    exclusive: false,
  },
  {
    id: "R7",
    stage: "closed",
    when: TT20_SCOPE,
    // TT20 Art. 9 (reference §1.3): the final report goes to the system owner and VNCERT/CC only; the owner's
    // address is asked by the final report's flow, as no contact holds it.
    actions: [{ contact: "vncert", kind: "final_report" }],
    advice: ["routing:advice.finalReportWithin5Days"],
    exclusive: false,
    // TT20 Art. 9: final report within 5 days of the end of the response.
    deadlineHours: 120,
  },
];

/** One contact to send to, with everything the fired rules want sent there. */
export interface RoutingDestination {
  contactId: string;
  kinds: RoutingKind[];
  rules: string[];
}

/**
 * One piece of advice, with the contacts its rule routed the ticket to (in the rule's order), so the text can
 * name the units the ticket actually went to instead of a unit written into the translation.
 */
export interface RoutingAdvice {
  ruleId: string;
  key: string;
  contactIds: string[];
}

/** The outcome of {@link evaluateRouting}. */
export interface RoutingResult {
  destinations: RoutingDestination[];
  advice: RoutingAdvice[];
  /** The first exclusive rule that fired, if any; then `destinations` is empty. */
  exclusiveRule: string | null;
  /** Rules that took effect, in rule order; non-exclusive rules silenced by an exclusive one are left out. */
  firedRules: string[];
}

const FACT_NAME_SET: ReadonlySet<string> = new Set(FACT_NAMES);

// Rules come from admin-edited data, so a fact missing from the facts object or unknown to this version reads
// as "absent" and its test is false; routing must never fail because of a rule.
function readFact(facts: RoutingFacts, name: string): unknown {
  if (!FACT_NAME_SET.has(name) || !Object.hasOwn(facts, name)) return undefined;
  return (facts as unknown as Record<string, unknown>)[name];
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** True when the condition holds for the facts; malformed conditions and unknown facts are false. */
export function evaluateCondition(condition: Condition, facts: RoutingFacts): boolean {
  if (typeof condition !== "object" || condition === null) return false;
  if ("always" in condition) return condition.always === true;
  if ("all" in condition) {
    return Array.isArray(condition.all) && condition.all.every((c) => evaluateCondition(c, facts));
  }
  if ("any" in condition) {
    return Array.isArray(condition.any) && condition.any.some((c) => evaluateCondition(c, facts));
  }
  if ("not" in condition) return !evaluateCondition(condition.not, facts);
  const value = readFact(facts, condition.fact);
  if (value === undefined) return false;
  if ("eq" in condition) return isScalar(value) && value === condition.eq;
  if ("in" in condition) {
    return isScalar(value) && Array.isArray(condition.in) && condition.in.includes(value);
  }
  if ("gte" in condition) {
    return typeof value === "number" && typeof condition.gte === "number" && value >= condition.gte;
  }
  if ("includesAny" in condition) {
    const wanted = condition.includesAny;
    return Array.isArray(value) && Array.isArray(wanted) && value.some((v) => wanted.includes(v));
  }
  return false;
}

/** Applies the rules of the facts' stage: merged destinations and advice, or only exclusive rules' advice. */
export function evaluateRouting(rules: readonly RoutingRule[], facts: RoutingFacts): RoutingResult {
  const fired = rules.filter((rule) => rule.stage === facts.stage && evaluateCondition(rule.when, facts));
  const exclusive = fired.filter((rule) => rule.exclusive);
  const effective = exclusive.length > 0 ? exclusive : fired;

  const advice: RoutingAdvice[] = [];
  const adviceKeys = new Set<string>();
  for (const rule of effective) {
    // An exclusive rule silences every destination, its own included.
    const contactIds = exclusive.length > 0 ? [] : [...new Set(rule.actions.map((action) => action.contact))];
    for (const key of rule.advice) {
      // Two rules may give the same advice; the reporter needs to read it once.
      if (adviceKeys.has(key)) continue;
      adviceKeys.add(key);
      advice.push({ ruleId: rule.id, key, contactIds });
    }
  }

  // Map keeps insertion order, which gives the "order in which contacts first appear" the channels rely on.
  const byContact = new Map<string, RoutingDestination>();
  if (exclusive.length === 0) {
    for (const rule of fired) {
      for (const action of rule.actions) {
        let destination = byContact.get(action.contact);
        if (destination === undefined) {
          destination = { contactId: action.contact, kinds: [], rules: [] };
          byContact.set(action.contact, destination);
        }
        if (!destination.kinds.includes(action.kind)) destination.kinds.push(action.kind);
        if (!destination.rules.includes(rule.id)) destination.rules.push(rule.id);
      }
    }
  }

  return {
    destinations: [...byContact.values()],
    advice,
    exclusiveRule: exclusive[0]?.id ?? null,
    firedRules: effective.map((rule) => rule.id),
  };
}

/** Builds routing facts from the severity answers, the computed level and the other report answers. */
export function routingFactsFrom(
  input: SeverityInput,
  severity: SeverityLevel,
  extra: { detection: readonly string[]; ownerSector: OwnerSector; stage: RoutingStage },
): RoutingFacts {
  return {
    severity,
    incidentType: input.incidentType,
    detection: [...extra.detection],
    canHandleAlone: input.canHandleAlone,
    ownerSector: extra.ownerSector,
    dataExposed: input.dataExposed.kind,
    dangerousSituation: input.dangerousSituation,
    stage: extra.stage,
  };
}
