import { parseChannelId } from "../domain/ids.ts";
import { nextOnDuty, onDutyAt } from "../domain/roster.ts";
import { pageTimeoutMs } from "../duty/deadline-settings.ts";
import { renderDutyMessage } from "../duty/render.ts";
import { escalateUnacknowledged } from "../duty/sla.ts";
import { ticketView } from "../duty/ticket-view.ts";
import type { DutyDeskOptions, TicketWork } from "../duty/ticket-work.ts";
import { resolveLocale } from "../i18n.ts";
import { type PageChain, rosterRepo } from "../store/repos/roster.ts";
import type { IncidentRow } from "../store/store.ts";
import { PAGE_JOB } from "./jobs.ts";

/** Statuses in which nobody has acknowledged the ticket yet: the chain goes on only in these. */
const UNACKNOWLEDGED = new Set(["new", "escalated"]);

/**
 * Starts paging a unit's people for a ticket routed to it (a new ticket or an escalation), once: the person on
 * duty now, then the next one, then the unit's leads, each given the page timeout to acknowledge, then the next
 * organisation. A unit with neither roster nor lead is not paged (its duty chats alone get the ticket).
 */
export function startPaging(o: DutyDeskOptions, work: TicketWork, incident: IncidentRow, contactId: string) {
  const repo = rosterRepo(work.store.db);
  if (repo.chain(incident.id, contactId)) return;
  if (!UNACKNOWLEDGED.has(incident.status) || !work.store.contact(contactId)?.active) return;
  if (repo.shifts(contactId).length === 0 && repo.leads(contactId).length === 0) return;
  advance(o, work, incident, contactId, { step: "on_duty", paged: [] });
}

/** The page timeout ran out: the chain goes on unless someone acknowledged the ticket meanwhile. */
export function pageTimedOut(o: DutyDeskOptions, work: TicketWork, incident: IncidentRow, contactId: string) {
  const repo = rosterRepo(work.store.db);
  const chain = repo.chain(incident.id, contactId);
  if (!chain || chain.step === "done") return;
  if (!UNACKNOWLEDGED.has(incident.status)) {
    // Acknowledged at some step: nobody else is woken.
    repo.saveChain(incident.id, contactId, { ...chain, step: "done" }, work.at);
    work.store.audit(work.at, "system:paging", "page.stopped", incident.ticketId, "ok", {
      contactId,
      status: incident.status,
    });
    return;
  }
  advance(o, work, incident, contactId, chain);
}

/** Pages whoever the chain's step names (skipping empty steps), or escalates once every step is spent. */
function advance(
  o: DutyDeskOptions,
  work: TicketWork,
  incident: IncidentRow,
  contactId: string,
  chain: PageChain,
): void {
  const repo = rosterRepo(work.store.db);
  const shifts = repo.shifts(contactId);
  const now = Date.parse(work.at);
  let { step } = chain;
  while (step !== "escalate" && step !== "done") {
    const targets =
      step === "on_duty"
        ? onDutyAt(shifts, now, o.timeZone).slice(0, 1)
        : step === "next"
          ? [nextOnDuty(shifts, now, o.timeZone, chain.paged)].filter((p) => p !== undefined)
          : repo.leads(contactId);
    const fresh = targets.filter((p) => !chain.paged.includes(p) && parseChannelId(p) !== undefined);
    const after = step === "on_duty" ? "next" : step === "next" ? "lead" : "escalate";
    if (fresh.length > 0) {
      for (const person of fresh) page(o, work, incident, contactId, person, step, chain.paged.at(-1));
      repo.saveChain(incident.id, contactId, { step: after, paged: [...chain.paged, ...fresh] }, work.at);
      work.store.scheduleJob(
        `page:${incident.ticketId}:${contactId}`,
        PAGE_JOB,
        work.later(pageTimeoutMs(o, work.at)),
        { ticketId: incident.ticketId, contactId },
        work.at,
      );
      return;
    }
    step = after;
  }
  repo.saveChain(incident.id, contactId, { step: "done", paged: chain.paged }, work.at);
  if (step === "done") return;
  // The timeline's action is otherwise a status (see ticket-work.ts apply); these two are not, and name themselves.
  work.store.addTimeline(incident.id, work.at, "system:paging", "page_exhausted", {
    contactId,
    paged: chain.paged.length,
  });
  // Only the organisation expected to act now hands on: an older one's chain ending later escalates nothing more.
  if (incident.routing.destinations.at(-1)?.contactId === contactId) {
    escalateUnacknowledged(o, work, incident);
  }
}

/** One page: a line saying why, then the ticket's duty post with its actions, in the person's private chat. */
function page(
  o: DutyDeskOptions,
  work: TicketWork,
  incident: IncidentRow,
  contactId: string,
  person: string,
  step: PageChain["step"],
  previous: string | undefined,
): void {
  const id = parseChannelId(person);
  if (!id) return;
  const locale = resolveLocale(work.store.userLocale(id.channel, id.id), undefined, o.defaultLocale);
  const rc = work.rc(locale);
  const contact = work.contactName(contactId, locale);
  work.post(id.channel, id.id, {
    kind: "chat",
    text: work.t(locale, `roster:page.${step}`, { ticketId: incident.ticketId, contact }),
  });
  const routed = incident.routing.destinations.find((d) => d.contactId === contactId) ?? {
    kinds: [],
    rules: [],
  };
  // Recorded as a duty post: the actions work as in the group, and the post follows the ticket's state.
  const key = work.post(
    id.channel,
    id.id,
    renderDutyMessage(incident, routed, ticketView(work.store, incident), o.detail, rc),
  );
  work.store.addDutyPost(incident.id, contactId, id.channel, id.id, key, work.at);
  work.store.addTimeline(incident.id, work.at, "system:paging", "paged", {
    event: previous ? "handover" : "page",
    contactId,
    to: person,
    step,
    ...(previous ? { from: previous } : {}),
  });
  work.store.audit(work.at, "system:paging", "page.sent", incident.ticketId, "ok", { contactId, step });
  o.onPage?.();
}
