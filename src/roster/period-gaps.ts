import { adminsOn } from "../domain/authority.ts";
import { CHANNELS, parseChannelId } from "../domain/ids.ts";
import { hourRanges, type PeriodFields, parsePeriod, uncoveredHours } from "../domain/roster.ts";
import type { DutyDeskOptions, TicketWork } from "../duty/ticket-work.ts";
import { resolveLocale } from "../i18n.ts";
import { formatDateTime } from "../present/datetime.ts";
import { type AlertPeriod, rosterRepo } from "../store/repos/roster.ts";
import type { JobRow, Store } from "../store/store.ts";
import { PERIOD_GAPS_JOB } from "./jobs.ts";

const DAY = 86_400_000;

/** Declares an alert period (checked), and arms the warning of uncovered hours before it starts. */
export function declarePeriod(
  o: DutyDeskOptions,
  actor: string,
  fields: PeriodFields,
  at: string,
): ReturnType<typeof parsePeriod> & { id?: number } {
  const parsed = parsePeriod(fields, o.timeZone);
  if (!parsed.ok) return parsed;
  const id = rosterRepo(o.store.db).addPeriod(parsed.period, actor, at);
  o.store.audit(at, actor, "period.add", String(id), "ok", {
    startsAt: parsed.period.startsAt,
    endsAt: parsed.period.endsAt,
  });
  const warnAt = Math.max(
    Date.parse(at),
    Date.parse(parsed.period.startsAt) - (o.periodWarningMs ?? 3 * DAY),
  );
  o.store.scheduleJob(
    `period-gaps:${id}`,
    PERIOD_GAPS_JOB,
    new Date(warnAt).toISOString(),
    { periodId: id },
    at,
  );
  return { ...parsed, id };
}

export function removePeriod(store: Store, actor: string, id: number, at: string): boolean {
  if (!rosterRepo(store.db).deletePeriod(id)) return false;
  store.cancelJob(`period-gaps:${id}`);
  store.audit(at, actor, "period.remove", String(id), "ok", {});
  return true;
}

export function periods(store: Store): AlertPeriod[] {
  return rosterRepo(store.db).periods();
}

/** The ranges of uncovered hours of a unit during a period, as text lines in the display zone. */
export function uncoveredLines(
  store: Store,
  contactId: string,
  period: AlertPeriod,
  timeZone: string,
): string[] {
  const shifts = rosterRepo(store.db).shifts(contactId);
  const hours = uncoveredHours(shifts, Date.parse(period.startsAt), Date.parse(period.endsAt), timeZone);
  return hourRanges(hours).map(
    (r) =>
      `• ${formatDateTime(new Date(r.from).toISOString(), timeZone)} – ${formatDateTime(new Date(r.to).toISOString(), timeZone)}`,
  );
}

/**
 * Before an alert period: every unit that keeps a roster (shifts or a lead) and leaves hours of the period
 * uncovered is named to the admins and to that unit's leads, with the hours, in a private chat each.
 */
export function warnUncoveredHours(o: DutyDeskOptions, work: TicketWork, job: JobRow): void {
  const repo = rosterRepo(o.store.db);
  const period = repo.period(Number(job.payload.periodId));
  if (!period) return;
  const admins = CHANNELS.flatMap((channel) =>
    adminsOn(o.configAdmins, channel, o.store.allRoles()).map((userId) => `${channel}:${userId}`),
  );
  let units = 0;
  for (const contact of o.store.contacts().filter((c) => c.active)) {
    const leads = repo.leads(contact.id);
    if (repo.shifts(contact.id).length === 0 && leads.length === 0) continue;
    const lines = uncoveredLines(o.store, contact.id, period, o.timeZone);
    if (lines.length === 0) continue;
    units++;
    for (const person of new Set([...admins, ...leads])) {
      const id = parseChannelId(person);
      if (!id) continue;
      const locale = resolveLocale(o.store.userLocale(id.channel, id.id), undefined, o.defaultLocale);
      work.post(id.channel, id.id, {
        kind: "chat",
        text: work.t(locale, "roster:gaps.warning", {
          period: period.name,
          from: formatDateTime(period.startsAt, o.timeZone),
          to: formatDateTime(period.endsAt, o.timeZone),
          contact: work.contactName(contact.id, locale),
          hours: lines.join("\n"),
        }),
      });
    }
  }
  o.store.audit(work.at, "system:roster", "period.gaps_warning", String(period.id), "ok", { units });
}
