import type { AnswerValue } from "../../flows/types.ts";
import { type Audience, detailsAllowed } from "../domain/confidential.ts";
import type { Contact } from "../domain/contacts.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import type { LeveledReason } from "../domain/severity.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { clipForHtml } from "../domain/text-cut.ts";
import { escapeHtml } from "../i18n.ts";
import type { ChatMessage, Choice } from "../messages.ts";
import { formatDateTime } from "../present/datetime.ts";
import { contactName, type RenderContext } from "../present/incident.ts";
import type { IncidentRow } from "../store/store.ts";

/** What a duty message shows: everything, or (Telegram being hosted abroad) only what identifies the ticket. */
export type DutyDetail = "full" | "minimal";

/** Related tickets a post names (the earliest first); more are counted, so a wave cannot outgrow the post. */
const RELATED_SHOWN = 5;

/** The button token of a ticket's duty actions. */
export const ticketToken = (ticketId: string) => `t.${ticketId}`;

/** Buttons on a duty message for each ticket status; a final status has none. */
const ACTIONS_BY_STATUS: Record<string, readonly string[]> = {
  new: ["ack", "take", "ask", "escalate", "dupreject"],
  escalated: ["ack", "take", "ask", "escalate"],
  acknowledged: ["take", "ask", "resolve", "escalate", "dupreject"],
  in_progress: ["ask", "resolve", "escalate"],
  waiting_reporter: ["ask", "resolve", "escalate"],
  resolved: ["close", "reopen"],
};

/**
 * The actions a ticket's duty message offers, in the order they are numbered: those of its status, and the
 * merge into a related ticket where one is offered and the status still allows marking it a duplicate.
 */
export const dutyActions = (status: string, mergeInto?: string | null): readonly string[] => {
  const actions = ACTIONS_BY_STATUS[status] ?? [];
  return mergeInto && actions.includes("dupreject") ? [...actions, `merge:${mergeInto}`] : actions;
};

/** A ticket's lifecycle as its duty message shows it. */
export interface TicketView {
  status: string;
  acknowledgedBy: string | null;
  assignee: string | null;
  /** Display names of the people above, by channel:userId. */
  names: Record<string, string>;
  resolution: string | null;
  reason: string | null;
  duplicateOf: string | null;
  /** When the notification the law asks for is due (from the routing rules' data). */
  legalDeadline: string;
  /** Tickets that look related (same domain, public IP or system within a day): possible duplicates. */
  related?: readonly string[];
  /** The related ticket a one-action merge folds this one into, if any (see duty/related.ts). */
  mergeInto?: string | null;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/**
 * The longest duty post, in UTF-16 units of its HTML: one Telegram message (4,096 after entities) less a margin.
 * A post split in parts would show its status and buttons on one part and be edited on another.
 */
export const DUTY_POST_MAX = 4000;

/**
 * How much of each user field a post shows, in characters once HTML-escaped. The description gets what the
 * frame and the other fields leave (at most `description`); a `&` counts five.
 */
const FIELD_BUDGET = {
  description: 1000,
  system: 250,
  organisation: 250,
  name: 150,
  phone: 80,
  email: 200,
  officer: 150,
  resolution: 700,
  reason: 700,
  minDescription: 200,
} as const;

/**
 * The message posted in a duty chat for a ticket, with the buttons its current status allows. It always fits
 * one message: long user fields are cut (on whole characters) with a line pointing to `/ticket`, which shows
 * them in full (`fit: false`, a view that is never edited and may be split).
 *
 * `audience` is who reads it; a duty chat counts as a group (the safe side). A confidential report (I8) shows
 * a group only its id, severity, type and unit, whatever `detail` says: see domain/confidential.ts.
 */
export function renderDutyMessage(
  incident: IncidentRow,
  routed: { kinds: readonly string[]; rules: readonly string[] },
  state: TicketView,
  configured: DutyDetail,
  rc: RenderContext,
  fit = true,
  audience: Audience = "group",
): ChatMessage {
  const restricted = !detailsAllowed(incident.answers as Record<string, unknown>, audience);
  const detail: DutyView = restricted ? "restricted" : configured;
  if (!fit) return renderWith(incident, routed, state, detail, rc, undefined);
  let message = renderWith(incident, routed, state, detail, rc, FIELD_BUDGET.description);
  const over = message.text.length - DUTY_POST_MAX;
  // The frame (severity reasons, routing, labels) leaves less room than usual: the description gives way.
  if (over > 0) {
    const room = Math.max(FIELD_BUDGET.minDescription, FIELD_BUDGET.description - over);
    message = renderWith(incident, routed, state, detail, rc, room);
  }
  // Still over (every field at its longest and a long frame): every field gives way.
  if (message.text.length > DUTY_POST_MAX) {
    message = renderWith(incident, routed, state, detail, rc, FIELD_BUDGET.minDescription, 0.3);
  }
  return message;
}

/** What one rendering shows: the configured detail, or the restricted view of a confidential report. */
type DutyView = DutyDetail | "restricted";

function renderWith(
  incident: IncidentRow,
  routed: { kinds: readonly string[]; rules: readonly string[] },
  state: TicketView,
  detail: DutyView,
  rc: RenderContext,
  descriptionBudget: number | undefined,
  scale = 1,
): ChatMessage {
  const t = (key: string, params?: Record<string, string | number>) => rc.t.t(rc.locale, key, params);
  let clipped = false;
  /** A user field cut so that its escaped form fits `budget` (no cut when showing everything). */
  const shown = (value: string, budget: number) => {
    if (descriptionBudget === undefined) return value;
    const cut = clipForHtml(value, Math.floor(budget * scale));
    if (cut !== value) clipped = true;
    return cut;
  };
  const answers = incident.answers as Record<string, AnswerValue>;
  const reporter = (answers.reporter ?? {}) as Record<string, AnswerValue>;
  const type = isIncidentType(incident.incidentType)
    ? t(incidentTypeLabelKey(incident.incidentType))
    : incident.incidentType;
  const lines = [
    t("duty:message.title", {
      ticketId: incident.ticketId,
      severity: t(severityLabelKey(incident.severity as 1 | 2 | 3 | 4)),
    }),
    t("duty:message.type", { value: type }),
    t("duty:message.organisation", {
      value: shown(text(reporter.organisation), FIELD_BUDGET.organisation) || "—",
    }),
  ];
  if (detail === "full") {
    for (const reason of incident.severityReasons as LeveledReason[])
      lines.push(`  – ${t(reason.key, reason.params)}`);
    lines.push(
      t("duty:message.system", { value: shown(text(answers.system), FIELD_BUDGET.system) || "—" }),
      t("duty:message.detectedAt", { value: formatDateTime(incident.detectedAt, rc.timeZone) }),
      t("duty:message.reporter", {
        name: shown(text(reporter.fullName), FIELD_BUDGET.name) || "—",
        phone: shown(text(reporter.phone), FIELD_BUDGET.phone) || "—",
        email: shown(text(reporter.email), FIELD_BUDGET.email) || "—",
      }),
      t("duty:message.deadline", { value: formatDateTime(state.legalDeadline, rc.timeZone) }),
      t("duty:message.description", {
        value: shown(text(answers.description), (descriptionBudget ?? 0) / scale),
      }),
      t("duty:message.routing", {
        kinds: routed.kinds.map((k) => t(`routing:kind.${k}`)).join(", "),
        rules: routed.rules.join(", "),
      }),
    );
  } else if (detail === "restricted") {
    lines.push(t("privacy:duty.hint", { ticketId: incident.ticketId }));
  } else {
    lines.push(t("duty:message.minimalHint", { ticketId: incident.ticketId }));
  }
  lines.push("", t("duty:message.status", { status: t(`common:ticketStatus.${state.status}`) }));
  const name = (id: string | null) =>
    id ? escapeHtml(shown(state.names[id] ?? id, FIELD_BUDGET.officer)) : "";
  if (state.acknowledgedBy)
    lines.push(`${t("duty:message.acknowledgedBy", { name: "" })}${name(state.acknowledgedBy)}`);
  if (state.assignee) lines.push(`${t("duty:message.assignee", { name: "" })}${name(state.assignee)}`);
  // An officer's summary or reason may repeat the report's details: a confidential one keeps them out of groups.
  const outcome = detail !== "restricted";
  if (state.resolution && outcome)
    lines.push(t("duty:message.resolution", { value: shown(state.resolution, FIELD_BUDGET.resolution) }));
  if (state.reason && outcome)
    lines.push(t("duty:message.reason", { value: shown(state.reason, FIELD_BUDGET.reason) }));
  if (state.duplicateOf) lines.push(t("duty:message.duplicateOf", { value: state.duplicateOf }));
  if (state.related?.length && !state.duplicateOf)
    lines.push(
      t("storm:related.line", { value: state.related.slice(0, RELATED_SHOWN).join(", ") }) +
        (state.related.length > RELATED_SHOWN
          ? t("storm:related.more", { count: state.related.length - RELATED_SHOWN })
          : ""),
    );
  if (clipped) lines.push(t("duty:message.clipped", { ticketId: incident.ticketId }));
  const actions = dutyActions(state.status, state.mergeInto);
  const choices: Choice[] = actions.map((a) =>
    a.startsWith("merge:")
      ? { value: a, label: t("storm:button.merge", { ticketId: a.slice("merge:".length) }) }
      : { value: a, label: t(`duty:button.${a}`) },
  );
  return choices.length
    ? { kind: "chat", text: lines.join("\n"), token: ticketToken(incident.ticketId), choices }
    : { kind: "chat", text: lines.join("\n") };
}

/** A contact's name for a duty notification. */
export function contactLabel(contacts: readonly Contact[], id: string, rc: RenderContext): string {
  const contact = contacts.find((c) => c.id === id);
  return contact ? contactName(contact, rc.locale) : id;
}
