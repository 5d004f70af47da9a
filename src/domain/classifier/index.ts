import type { IncidentType } from "../incident-types.ts";
import {
  compilePhrase,
  findPhrase,
  isNegated,
  type PhrasePattern,
  type TokenSets,
  tokenize,
} from "./phrases.ts";
import { HINT, RULES, type Rule, type RuleSpec } from "./rules.ts";

/** One candidate incident type for a description, with the phrases that suggested it. */
export interface IncidentTypeGuess {
  type: IncidentType;
  score: number;
  matched: string[];
}

/** Below this nothing is proposed: one weak word ("lỗi", "mật khẩu") is not a classification. */
const MIN_SCORE = 2;

// Tie-break: more specific types first, so "web bị hack, giao diện bị đổi" goes to defacement rather than
// the generic intrusion, and a scam SMS goes to scam_call rather than phishing. A disaster ranks above
// system_failure because it is the cause and the failure only its symptom ("sét đánh hỏng switch").
const PRIORITY: readonly IncidentType[] = [
  "ransomware",
  "defacement",
  "data_leak",
  "account_compromise",
  "ddos",
  "scam_call",
  "phishing",
  "malware",
  "intrusion",
  "vuln_exploit_attempt",
  "vulnerability",
  "operator_error",
  "disaster",
  "system_failure",
  "other",
];

interface CompiledRule {
  type: IncidentType;
  patterns: PhrasePattern[];
  weight: number;
}

function normaliseRule(spec: RuleSpec): Rule {
  if (typeof spec === "string") return { phrases: [spec], weight: HINT };
  if ("all" in spec) return { phrases: spec.all, weight: spec.weight };
  return { phrases: [spec[0]], weight: spec[1] };
}

const COMPILED: CompiledRule[] = Object.entries(RULES).flatMap(([type, specs]) =>
  specs.map((spec) => {
    const rule = normaliseRule(spec);
    return { type: type as IncidentType, patterns: rule.phrases.map(compilePhrase), weight: rule.weight };
  }),
);

interface Hit {
  rule: CompiledRule;
  start: number;
  end: number;
}

/** All incident types the text hints at, best first (score, then specificity); empty when none. */
export function rankIncidentTypes(text: string): IncidentTypeGuess[] {
  const tokens = tokenize(text.slice(0, 20_000));
  if (tokens.length === 0) return [];
  const present: TokenSets = {
    folded: new Set(tokens.map((t) => t.folded)),
    raw: new Set(tokens.map((t) => t.raw)),
  };

  // Single-phrase hits compete for their tokens: the longest phrase covering a span wins it, so
  // "cuộc gọi lừa đảo" counts for scam_call and its inner "lừa đảo" does not also count for phishing.
  const hits: Hit[] = [];
  const combos: CompiledRule[] = [];
  for (const rule of COMPILED) {
    if (rule.patterns.length > 1) {
      if (rule.patterns.every((p) => findPhrase(p, tokens, present).length > 0)) combos.push(rule);
      continue;
    }
    const pattern = rule.patterns[0];
    if (!pattern) continue;
    for (const start of findPhrase(pattern, tokens, present)) {
      if (isNegated(tokens, start)) continue;
      hits.push({ rule, start, end: start + pattern.tokens.length });
    }
  }
  hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);

  const claimedBy: (number | undefined)[] = new Array(tokens.length).fill(undefined);
  const accepted: Hit[] = [];
  for (const hit of hits) {
    let covered = true;
    for (let i = hit.start; i < hit.end; i++) {
      const owner = claimedBy[i];
      const ownerHit = owner === undefined ? undefined : accepted[owner];
      // A span inside a longer phrase is covered; the same span matched for two types counts for both.
      if (!ownerHit || ownerHit.end - ownerHit.start === hit.end - hit.start) {
        covered = false;
        break;
      }
    }
    if (covered) continue;
    accepted.push(hit);
    for (let i = hit.start; i < hit.end; i++) claimedBy[i] ??= accepted.length - 1;
  }

  const byType = new Map<IncidentType, { score: number; matched: string[] }>();
  const add = (type: IncidentType, display: string, weight: number) => {
    const entry = byType.get(type) ?? { score: 0, matched: [] };
    // Repeating a word does not make the case stronger.
    if (entry.matched.includes(display)) return;
    entry.score += weight;
    entry.matched.push(display);
    byType.set(type, entry);
  };
  for (const hit of accepted) {
    const pattern = hit.rule.patterns[0];
    if (pattern) add(hit.rule.type, pattern.display, hit.rule.weight);
  }
  for (const rule of combos) add(rule.type, rule.patterns.map((p) => p.display).join(" + "), rule.weight);

  return [...byType.entries()]
    .map(([type, { score, matched }]) => ({ type, score, matched }))
    .sort((a, b) => b.score - a.score || PRIORITY.indexOf(a.type) - PRIORITY.indexOf(b.type));
}

/** The most likely incident type of a free-text description, or null when the text gives too little. */
export function classifyIncidentText(text: string): IncidentTypeGuess | null {
  // A flow asks about one text several times in a row (the guard that routes it, the action that keeps it).
  if (lastClassified?.text === text) return lastClassified.guess;
  const best = rankIncidentTypes(text)[0];
  const guess = best && best.score >= MIN_SCORE ? best : null;
  lastClassified = { text, guess };
  return guess;
}

let lastClassified: { text: string; guess: IncidentTypeGuess | null } | undefined;
