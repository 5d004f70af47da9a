import { type Locale, resolveLocale, type Translator } from "../i18n.ts";
import type { JobHandler } from "../outbox/scheduler.ts";
import type { JobRow } from "../store/store.ts";
import type { ContactAdmin } from "./contact-admin.ts";

/** The persisted job kind of the monthly reminder about contacts not verified for too long. */
export const STALE_CONTACTS_JOB = "stale_contacts_reminder";
const JOB_KEY = "stale-contacts";

export interface StaleReminderOptions {
  service: ContactAdmin;
  translator: Translator;
  defaultLocale: Locale;
  /** The channel whose admins are reminded (their private chats). */
  channel?: string;
}

/** The same day of the next month (the 31st becomes the last day of a shorter month). */
export function nextMonth(from: Date): Date {
  const next = new Date(from);
  const day = next.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const last = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, last));
  return next;
}

/** Schedules the first reminder a month from now unless one is already pending (call once at start). */
export function armStaleContactsReminder(service: ContactAdmin, now: Date): void {
  const store = service.o.store;
  if (store.job(JOB_KEY)?.status === "pending") return;
  store.scheduleJob(JOB_KEY, STALE_CONTACTS_JOB, nextMonth(now).toISOString(), {}, now.toISOString());
}

/**
 * The scheduler's handler for {@link STALE_CONTACTS_JOB}: in one transaction, marks the job done, tells every
 * admin of the channel which contacts were not verified within the configured time (nothing when none), and
 * schedules the next month's reminder. Returns `duplicate` when the job had already been applied.
 */
export function fireStaleContactsReminder(o: StaleReminderOptions): JobHandler {
  const channel = o.channel ?? "telegram";
  return (job: JobRow, now: Date) => {
    const store = o.service.o.store;
    return store.transaction(() => {
      if (!store.finishJob(job.id)) return { duplicate: true };
      const at = now.toISOString();
      const stale = o.service.staleContacts(now);
      const days = Math.round(o.service.o.staleMs / 86_400_000);
      const admins = stale.length > 0 ? o.service.adminsOn(channel) : [];
      for (const userId of admins) {
        const locale = resolveLocale(store.userLocale(channel, userId), undefined, o.defaultLocale);
        const t = (key: string, params?: Record<string, string | number>) =>
          o.translator.t(locale, key, params);
        const lines = stale.map((c) =>
          t("admin:stale.line", {
            name: c.data.shortName,
            date: c.data.lastVerified.split("-").reverse().join("/"),
          }),
        );
        const text = `${t("admin:stale.reminder", { count: stale.length, days })}\n${lines.join("\n")}\n${t("admin:stale.hint")}`;
        store.enqueue(`stale:${job.id}:${userId}`, channel, userId, { kind: "chat", text }, at);
      }
      store.audit(at, "system:stale", "contacts.stale_reminder", "", "ok", {
        stale: stale.map((c) => c.id),
        admins: admins.length,
      });
      store.scheduleJob(JOB_KEY, STALE_CONTACTS_JOB, nextMonth(now).toISOString(), {}, at);
      return { duplicate: false };
    });
  };
}
