import type { AnswerValue } from "../../flows/types.ts";
import type { Contact } from "../domain/contacts.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import type { LeveledReason } from "../domain/severity.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { escapeHtml } from "../i18n.ts";
import type { ChatMessage, Choice } from "../messages.ts";
import { formatDateTime } from "../present/datetime.ts";
import { contactName, type RenderContext } from "../present/incident.ts";
import type { IncidentRow } from "../store/store.ts";

/** What a duty message shows: everything, or (Telegram being hosted abroad) only what identifies the ticket. */
export type DutyDetail = "full" | "minimal";

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
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** The message posted in a duty chat for a ticket, with the buttons its current status allows. */
export function renderDutyMessage(
  incident: IncidentRow,
  routed: { kinds: readonly string[]; rules: readonly string[] },
  state: TicketView,
  detail: DutyDetail,
  rc: RenderContext,
): ChatMessage {
  const t = (key: string, params?: Record<string, string | number>) => rc.t.t(rc.locale, key, params);
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
    t("duty:message.organisation", { value: text(reporter.organisation) || "—" }),
  ];
  if (detail === "full") {
    for (const reason of incident.severityReasons as LeveledReason[])
      lines.push(`  – ${t(reason.key, reason.params)}`);
    lines.push(
      t("duty:message.system", { value: text(answers.system) || "—" }),
      t("duty:message.detectedAt", { value: formatDateTime(incident.detectedAt, rc.timeZone) }),
      t("duty:message.reporter", {
        name: text(reporter.fullName) || "—",
        phone: text(reporter.phone) || "—",
        email: text(reporter.email) || "—",
      }),
      t("duty:message.deadline", { value: formatDateTime(state.legalDeadline, rc.timeZone) }),
      t("duty:message.description", { value: text(answers.description).slice(0, 800) }),
      t("duty:message.routing", {
        kinds: routed.kinds.map((k) => t(`routing:kind.${k}`)).join(", "),
        rules: routed.rules.join(", "),
      }),
    );
  } else {
    lines.push(t("duty:message.minimalHint", { ticketId: incident.ticketId }));
  }
  lines.push("", t("duty:message.status", { status: t(`common:ticketStatus.${state.status}`) }));
  const name = (id: string | null) => (id ? escapeHtml(state.names[id] ?? id) : "");
  if (state.acknowledgedBy)
    lines.push(`${t("duty:message.acknowledgedBy", { name: "" })}${name(state.acknowledgedBy)}`);
  if (state.assignee) lines.push(`${t("duty:message.assignee", { name: "" })}${name(state.assignee)}`);
  if (state.resolution) lines.push(t("duty:message.resolution", { value: state.resolution }));
  if (state.reason) lines.push(t("duty:message.reason", { value: state.reason }));
  if (state.duplicateOf) lines.push(t("duty:message.duplicateOf", { value: state.duplicateOf }));
  const actions = ACTIONS_BY_STATUS[state.status] ?? [];
  const choices: Choice[] = actions.map((a) => ({ value: a, label: t(`duty:button.${a}`) }));
  return choices.length
    ? { kind: "chat", text: lines.join("\n"), token: ticketToken(incident.ticketId), choices }
    : { kind: "chat", text: lines.join("\n") };
}

/** A contact's name for a duty notification. */
export function contactLabel(contacts: readonly Contact[], id: string, rc: RenderContext): string {
  const contact = contacts.find((c) => c.id === id);
  return contact ? contactName(contact, rc.locale) : id;
}
