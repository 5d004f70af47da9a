// Facts read from a reporter's first message, so the conversation can skip the questions they answer and show
// them on one screen to confirm. Pure: the current instant comes in as an argument (times are read in
// Asia/Ho_Chi_Minh, UTC+7 all year, as the detection-time validator reads them).

import { classifyIncidentText } from "../classifier/index.ts";
import type { IncidentType } from "../incident-types.ts";
import { findDomains, findPublicIps, findSystemName, findUrls } from "./entities.ts";
import { evidence, type Folded, foldWithOffsets } from "./folded.ts";
import {
  findDataExposed,
  findMachines,
  findOutage,
  findServer,
  findSpreading,
  findStatus,
} from "./signals.ts";
import { findDetectionTime } from "./time.ts";
import { type Evidence, type Fact, type FactField, type FactValues, QUESTION_OF } from "./types.ts";

export { ADVICE_KEYS, ADVICE_TITLE_KEY, type AdviceFor, adviceFor, CALL_HOTLINE_KEY } from "./advice.ts";
export {
  type Evidence,
  FACT_FIELDS,
  type Fact,
  type FactField,
  type FactValues,
  QUESTION_OF,
} from "./types.ts";

function fact<F extends FactField>(field: F, value: FactValues[F], ev: Evidence): Fact {
  return { field, value, questionId: QUESTION_OF[field], evidence: ev } as Fact;
}

function typeFact(text: Folded): Fact | null {
  const guess = classifyIncidentText(text.original);
  if (!guess) return null;
  // Point at the first phrase that decided it; a phrase only seen through an abbreviation ("mk" for "mật
  // khẩu") is not in the text as such, and then the whole message is the evidence.
  let best: Evidence | null = null;
  for (const phrase of guess.matched.flatMap((m) => m.split(" + "))) {
    // "=bão" asks for the accented spelling and "deface*" for a prefix; both are found by their letters.
    const needle = foldWithOffsets(phrase.replace(/^=|\*$/g, "")).folded;
    const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "[^a-z0-9]+");
    const re = new RegExp(`(?<![a-z0-9])${escaped}`);
    const m = re.exec(text.folded);
    if (m && (best === null || m.index < best.start)) best = evidence(text, m.index, m.index + m[0].length);
  }
  return fact("type", guess.type as IncidentType, best ?? evidence(text, 0, text.original.length));
}

/** Every fact the message states, in the order of the report's questions; none for a message that states none. */
export function extractFacts(message: string, now: Date): Fact[] {
  const text = foldWithOffsets(message);
  const facts: Fact[] = [];
  const push = <F extends FactField>(
    field: F,
    found: { value: FactValues[F]; evidence: Evidence } | null,
  ) => {
    if (found) facts.push(fact(field, found.value, found.evidence));
  };

  push("system", findSystemName(text));
  const type = typeFact(text);
  if (type) facts.push(type);
  const time = findDetectionTime(text, now);
  if (time) facts.push(fact("detectedAt", time.instant.toISOString(), time.evidence));
  push("status", findStatus(text));
  push("serviceDisrupted", findOutage(text));
  push("dataExposed", findDataExposed(text));
  push("machines", findMachines(text));
  push("serverAffected", findServer(text));
  push("spreading", findSpreading(text));
  for (const ip of findPublicIps(text)) push("ip", ip);
  for (const domain of findDomains(text)) push("domain", domain);
  for (const url of findUrls(text)) push("url", url);
  return facts;
}

/** Report answers the facts settle, keyed by question id, in the form each question stores. */
export function answersFromFacts(facts: readonly Fact[]): Record<string, string | number | string[]> {
  const answers: Record<string, string | number | string[]> = {};
  const list = (id: string, item: string) => {
    const current = answers[id];
    const items = Array.isArray(current) ? current : [];
    if (!items.includes(item)) answers[id] = [...items, item];
  };
  for (const f of facts) {
    switch (f.field) {
      case "domain":
        list(f.questionId, f.value);
        break;
      case "url":
        // The domain question stores host names; a URL's host is already a domain fact.
        break;
      case "ip":
        list(f.questionId, f.value);
        break;
      case "dataExposed":
        // "Data left" without saying which data does not pick one of the question's choices.
        if (f.value !== "yes") answers[f.questionId] = f.value;
        break;
      default:
        answers[f.questionId] = f.value;
    }
  }
  return answers;
}
