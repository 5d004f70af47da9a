import { createHash } from "node:crypto";
import { rulesWithoutRecipient } from "../domain/routing-gaps.ts";
import { type Locale, resolveLocale, type Translator } from "../i18n.ts";
import { renderRoutingGaps } from "./admin-view.ts";
import type { ContactAdmin } from "./contact-admin.ts";

/**
 * Tells every admin, in a private chat on each channel they use, which routing rules in use name a unit that
 * would receive nothing (missing or out of use): after the 2025 reorganisation R3 and R5 route to the police,
 * seeded out of use, and a rule that fires into the void is noticed by nobody otherwise. Run at start. The
 * outbox key carries a digest of the gaps, so a restart with the same gaps tells nobody twice, while a new gap
 * (an admin put a unit out of use) is told again. Returns the number of rules with a gap.
 */
export function notifyRoutingGaps(
  service: ContactAdmin,
  translator: Translator,
  defaultLocale: Locale,
  channels: readonly string[],
  now: Date,
): number {
  const store = service.o.store;
  const contacts = store.contacts();
  const gaps = rulesWithoutRecipient(store.routingRules(), contacts);
  if (gaps.length === 0) return 0;
  const digest = createHash("sha256").update(JSON.stringify(gaps)).digest("hex").slice(0, 16);
  const at = now.toISOString();
  const named = contacts.map((c) => ({ id: c.id, data: { shortName: c.shortName } }));
  store.transaction(() => {
    for (const channel of channels) {
      for (const userId of service.adminsOn(channel)) {
        const locale = resolveLocale(store.userLocale(channel, userId), undefined, defaultLocale);
        const text = renderRoutingGaps(gaps, named, {
          t: (key, params) => translator.t(locale, key, params),
        });
        store.enqueue(`gaps:${digest}:${channel}:${userId}`, channel, userId, { kind: "chat", text }, at);
      }
    }
  });
  return gaps.length;
}
