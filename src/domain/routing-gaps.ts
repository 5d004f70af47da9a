/** The parts of a routing rule that say whom it sends to, and whether admins have it in use. */
export interface RuleRecipients {
  id: string;
  /** Rules an admin took out of use route nothing, so they lack nothing; absent means in use. */
  active?: boolean;
  actions: ReadonlyArray<{ contact: string }>;
}

/** A rule in use that names contacts which would receive nothing. */
export interface RoutingGap {
  ruleId: string;
  /** The named contacts that are missing from the table or out of use, in the rule's order. */
  contactIds: string[];
}

/**
 * The routing rules that name a recipient without an active contact behind it. Such a rule fires but its
 * ticket never reaches that unit (a contact out of use receives nothing), which nobody notices unless told:
 * after the 2025 reorganisation R3 and R5 route to the provincial police, seeded out of use until an admin
 * fills in its details, so the admins are shown this list at start and in the contact administration.
 * Rules without actions (advice only, by design) lack nothing.
 */
export function rulesWithoutRecipient(
  rules: readonly RuleRecipients[],
  contacts: ReadonlyArray<{ id: string; active: boolean }>,
): RoutingGap[] {
  const active = new Set(contacts.filter((c) => c.active).map((c) => c.id));
  const gaps: RoutingGap[] = [];
  for (const rule of rules) {
    if (rule.active === false) continue;
    const missing = [...new Set(rule.actions.map((a) => a.contact))].filter((id) => !active.has(id));
    if (missing.length > 0) gaps.push({ ruleId: rule.id, contactIds: missing });
  }
  return gaps;
}
