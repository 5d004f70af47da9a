import type { FlowEvent } from "../../flows/types.ts";
import { foldDiacritics } from "../domain/text.ts";
import { escapeHtml } from "../i18n.ts";
import type { InboundEvent } from "../messages.ts";
import { help, language, refuseNonAdmin } from "./commands.ts";
import { FINAL_REPORT_TOKEN, startFinalReport } from "./final-report.ts";
import { type FlowRegistry, knownTokens } from "./flows.ts";
import { choicesFor, currentMeta, NAV, renderState, stateToken } from "./render.ts";
import { renderTop, send, settle, start, top } from "./stack.ts";
import type { Turn } from "./turn.ts";

/** Words a stressed reporter types instead of pressing a button, folded (no diacritics, lower case). */
const KEYWORDS: Record<string, "back" | "cancel" | "skip" | "help" | "keep" | "done"> = {
  "quay lai": "back",
  "tro lai": "back",
  back: "back",
  huy: "cancel",
  "huy bo": "cancel",
  "huy bao cao": "cancel",
  cancel: "cancel",
  "bo qua": "skip",
  skip: "skip",
  "tro giup": "help",
  "giup do": "help",
  help: "help",
  "?": "help",
  "giu nguyen": "keep",
  keep: "keep",
  xong: "done",
  done: "done",
};

const tokenCache = new WeakMap<FlowRegistry, Set<string>>();

/** The button tokens of a registry, computed once. */
function tokensOf(flows: FlowRegistry): Set<string> {
  let tokens = tokenCache.get(flows);
  if (!tokens) {
    tokens = knownTokens(flows);
    tokenCache.set(flows, tokens);
  }
  return tokens;
}

/** The flow event each navigation button stands for; any other value answers the question. */
const NAV_EVENTS: Readonly<Record<string, "BACK" | "SKIP" | "KEEP" | "DONE" | "SKIP_SECTION" | "ALERT">> = {
  [NAV.back]: "BACK",
  [NAV.skip]: "SKIP",
  [NAV.keep]: "KEEP",
  [NAV.done]: "DONE",
  [NAV.skipSection]: "SKIP_SECTION",
  [NAV.alert]: "ALERT",
};

export function text(turn: Turn, raw: string): void {
  const text = raw.trim();
  // Typing into the admin flow is checked like its buttons: a revoked admin reads no more of it.
  if (
    top(turn)?.flow.id === turn.flows.adminContacts?.id &&
    refuseNonAdmin(turn, "admin.text", "admin-contacts")
  ) {
    renderTop(turn);
    return;
  }
  const active = top(turn);
  const folded = foldDiacritics(text);
  const keyword = KEYWORDS[folded];
  if (!active) {
    if (keyword === "help") {
      help(turn);
      return;
    }
    if (!text) {
      turn.say("common:emptyMessage");
      return;
    }
    // Free text first: a reporter who just describes what happened starts a report with it.
    turn.say("common:startedFromText");
    start(turn, "report");
    settle(turn);
    if (text.split(/\s+/).length >= 5) send(turn, { type: "TEXT", text, at: turn.at });
    return;
  }
  if (keyword === "help") {
    help(turn);
    renderTop(turn);
    return;
  }
  if (keyword) {
    send(turn, navEvent(turn, keyword));
    return;
  }
  const choices = choicesFor(active.flow, active.snapshot, turn.rc);
  const current = currentMeta(active.snapshot);
  const question =
    current && "question" in current.meta
      ? active.flow.questions.find((q) => "question" in current.meta && q.id === current.meta.question)
      : undefined;
  if (active.flow.present?.freeText(active.snapshot)) {
    send(turn, { type: "TEXT", text: raw, at: turn.at });
    return;
  }
  // The promise of the banner, /help and the README: a message that is exactly the number of a shown option
  // picks that option, on every question. The one exception is a count, where a bare number is the answer;
  // those questions say so and name the words that pick their options instead («quay lại», «bỏ qua»).
  const numbersPick = question?.input.kind !== "count";
  // On a question answered by choosing, any number is meant as a pick (a wrong one gets the range); on a
  // typed-answer question a number past the options is left to that question's own check.
  const onlyChoices = !question || ["choice", "multi", "yesno", "files"].includes(question.input.kind);
  if (choices.length > 0) {
    if (question?.input.kind === "multi" && /^\d+(\s*[,;\s]\s*\d+)*$/.test(text)) {
      const picked = text.split(/[,;\s]+/).map((n) => choices[Number(n) - 1]?.value);
      if (picked.every((v): v is string => typeof v === "string" && !v.startsWith("_"))) {
        send(turn, { type: "CHOOSE_MANY", values: picked, at: turn.at });
        return;
      }
      // One number alone may be a navigation option («Xong», «Quay lại»): it does what that option does.
      const [only] = picked;
      if (picked.length === 1 && only) {
        choose(turn, only);
        return;
      }
      send(turn, { type: "CHOOSE_MANY", values: ["_invalid"], at: turn.at });
      return;
    }
    if (numbersPick && /^\d{1,3}$/.test(text)) {
      const choice = choices[Number(text) - 1];
      if (choice) {
        choose(turn, choice.value);
        return;
      }
      if (onlyChoices) {
        turn.say("flow:error.numberOutOfRange", { max: choices.length });
        renderTop(turn);
        return;
      }
    }
    const typed = cleanLabel(text);
    const byLabel =
      choices.find((c) => foldedLabel(c.label).whole === typed) ??
      choices.find((c) => foldedLabel(c.label).head === typed);
    if (byLabel) {
      choose(turn, byLabel.value);
      return;
    }
  }
  send(turn, { type: "TEXT", text: raw, at: turn.at });
}

const cleanLabel = (s: string) => foldDiacritics(s.replace(/^✅\s*/, "")).replace(/[.!]+$/, "");

/** Labels seen, folded; past this many the cache starts over (labels are the locales' and a few prefills). */
const MAX_FOLDED = 2048;
const folded = new Map<string, { whole: string; head: string }>();

/**
 * A label as typed text is compared with it: folded whole, and its head without the explanation in brackets
 * (people type "nhiem ma doc", "cap do 3"). The same few hundred labels are offered on every update, and
 * folding is Unicode normalization, so each is folded once.
 */
function foldedLabel(label: string): { whole: string; head: string } {
  let entry = folded.get(label);
  if (entry === undefined) {
    entry = { whole: cleanLabel(label), head: cleanLabel(label.replace(/\s*\(.*\)\s*$/, "")) };
    if (folded.size >= MAX_FOLDED) folded.clear();
    folded.set(label, entry);
  }
  return entry;
}

export function navEvent(turn: Turn, keyword: "back" | "cancel" | "skip" | "keep" | "done"): FlowEvent {
  const type = ({ back: "BACK", cancel: "CANCEL", skip: "SKIP", keep: "KEEP", done: "DONE" } as const)[
    keyword
  ];
  return { type, at: turn.at };
}

export function choose(turn: Turn, value: string): void {
  const nav = NAV_EVENTS[value];
  send(turn, nav ? { type: nav, at: turn.at } : { type: "CHOOSE", value, at: turn.at });
}

/** A pressed button: accepted only if it belongs to the question being asked and offers this value. */
export function choice(turn: Turn, token: string, value: string): void {
  if (token === "lang") {
    language(turn, value === "en" || value === "vi" ? value : "");
    return;
  }
  // The button on rule R7's reminder: the ticket is checked like a typed /ketthuc.
  if (token === FINAL_REPORT_TOKEN) {
    startFinalReport(turn, value);
    return;
  }
  const adminPrefix = turn.flows.adminContacts ? `${turn.flows.adminContacts.tokenPrefix}.` : undefined;
  if (adminPrefix && token.startsWith(adminPrefix) && refuseNonAdmin(turn, "admin.button", token)) {
    renderTop(turn);
    return;
  }
  // A token no question ever carried was made up, not merely old: refused and audited.
  if (!tokensOf(turn.flows).has(token)) {
    turn.store.audit(turn.at, turn.actor(), "button.forged", token.slice(0, 64), "denied", {});
    turn.say("common:error.unknownButton");
    renderTop(turn);
    return;
  }
  const active = top(turn);
  const current = active ? currentMeta(active.snapshot) : undefined;
  if (!active || !current || stateToken(active.flow, current.key) !== token) {
    turn.say("common:error.staleButton");
    renderTop(turn);
    return;
  }
  const choices = choicesFor(active.flow, active.snapshot, turn.rc);
  const label = choices.find((c) => c.value === value)?.label;
  if (label === undefined) {
    turn.store.audit(turn.at, turn.actor(), "button.unknown", token, "denied", {
      value: value.slice(0, 64),
    });
    turn.say("common:error.unknownButton");
    renderTop(turn);
    return;
  }
  const messageRef = turn.event.messageRef;
  const asked = renderState(active.flow, active.snapshot, turn.rc);
  const shown = turn.messages.length;
  choose(turn, value);
  if (!messageRef) return;
  const after = top(turn);
  const afterKey = after ? currentMeta(after.snapshot)?.key : undefined;
  const toggled = after && afterKey && stateToken(after.flow, afterKey) === token && !value.startsWith("_");
  const rerender = turn.messages[turn.messages.length - 1];
  if (toggled && rerender?.token === token && turn.messages.length === shown + 1) {
    // A multi-select toggle: redraw the same question's keyboard in place instead of a new message.
    turn.messages.pop();
    turn.edits.push({
      kind: "edit",
      messageRef,
      text: rerender.text,
      token,
      choices: rerender.choices ?? [],
    });
    return;
  }
  // The answered question keeps its text, shows the answer, and loses its buttons.
  const question = asked.text
    .split("\n\n")
    .filter((part) => !/^(ℹ️|⚠️)/.test(part))
    .join("\n\n");
  turn.edits.push({ kind: "edit", messageRef, text: `${question}\n\n✔️ <b>${escapeHtml(label)}</b>` });
}

export function file(turn: Turn, p: Extract<InboundEvent["payload"], { kind: "file" }>): void {
  if (!top(turn)) {
    turn.say("common:startedFromText");
    start(turn, "report");
    settle(turn, false);
  }
  // With a caption, the caption's answer renders the next question; without, the file's notice does.
  const caption = p.caption?.trim();
  send(turn, { type: "FILE", file: p.file, at: turn.at }, !caption);
  if (caption) text(turn, p.caption ?? "");
}
