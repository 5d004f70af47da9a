import type { Assessment } from "../domain/assessment.ts";
import type { Contact } from "../domain/contacts.ts";
import { severityLabelKey } from "../domain/severity.ts";
import type { Reason } from "../domain/severity-input.ts";
import { escapeHtml, type Locale, type Translator } from "../i18n.ts";

/** Everything rendering needs besides the state: the reader's language and the display time zone. */
export interface RenderContext {
  t: Translator;
  locale: Locale;
  timeZone: string;
}

/** Renders a reason (i18n key + params) in the reader's language. */
export function renderReason(reason: Reason, rc: RenderContext): string {
  return rc.t.t(rc.locale, reason.key, reason.params);
}

/** Severity level with its reasons, as shown to reporters and duty officers. */
export function renderSeverity(assessment: Assessment, rc: RenderContext): string {
  const { severity } = assessment;
  const head = rc.t.t(rc.locale, "report:severity.line", {
    level: rc.t.t(rc.locale, severityLabelKey(severity.level)),
  });
  const reasons = severity.reasons.map((r) => `  – ${renderReason(r, rc)}`).join("\n");
  return `${head}\n${reasons}`;
}

/** Where a report goes: each destination with what it receives, then the advice of the rules that fired. */
export function renderRouting(
  assessment: Assessment,
  contacts: readonly Contact[],
  rc: RenderContext,
): string {
  const lines: string[] = [];
  for (const d of assessment.routing.destinations) {
    const contact = contacts.find((c) => c.id === d.contactId);
    const name = contact ? contactName(contact, rc.locale) : d.contactId;
    const kinds = d.kinds.map((k) => rc.t.t(rc.locale, `routing:kind.${k}`)).join(", ");
    lines.push(`• <b>${escapeHtml(name)}</b>: ${kinds}`);
  }
  for (const a of assessment.routing.advice) {
    // Advice that names units names those the ticket went to, from the contact data; with none, the
    // translation's general wording (its key without the "routed" context) applies.
    const units = a.contactIds
      .map((id) => {
        const contact = contacts.find((c) => c.id === id);
        return contact ? contactName(contact, rc.locale) : id;
      })
      .join(", ");
    const params = units === "" ? undefined : { units, context: "routed" };
    lines.push(`👉 ${rc.t.t(rc.locale, a.key, params)}`);
  }
  return lines.join("\n");
}

/** A contact's display name in the reader's language, with its short name. */
export function contactName(contact: Contact, locale: Locale): string {
  const name = locale === "en" ? contact.nameEn : contact.nameVi;
  return contact.shortName && !name.includes(contact.shortName) ? `${name} (${contact.shortName})` : name;
}

/** National coordination first, as the directives list them, then monitoring, police, provincial units. */
const ROLE_ORDER: readonly Contact["role"][] = [
  "coordination",
  "monitoring",
  "police",
  "provincial",
  "other",
];

/** The hotline table of the directive, from the current contact data. */
export function renderHotlines(contacts: readonly Contact[], rc: RenderContext): string {
  const blocks = [...contacts]
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role))
    .filter((c) => c.active)
    .map((c) => {
      const lines = [`<b>${escapeHtml(contactName(c, rc.locale))}</b>`];
      if (c.hotlines.length)
        lines.push(rc.t.t(rc.locale, "common:contacts.hotline", { value: c.hotlines.join(", ") }));
      if (c.phones.length)
        lines.push(rc.t.t(rc.locale, "common:contacts.phone", { value: c.phones.join(", ") }));
      if (c.emails.length)
        lines.push(rc.t.t(rc.locale, "common:contacts.email", { value: c.emails.join(", ") }));
      lines.push(
        `<i>${rc.t.t(rc.locale, "common:contacts.verified", { date: c.lastVerified.split("-").reverse().join("/") })}</i>`,
      );
      return lines.join("\n");
    });
  return blocks.join("\n\n");
}
