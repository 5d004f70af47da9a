import { parsePeriodCommand, parseRosterCommand } from "../../flows/admin-roster.ts";
import { mayEditRoster } from "../domain/authority.ts";
import { formatClock, formatWhen, onDutyAt, parseShift } from "../domain/roster.ts";
import { clipText } from "../domain/text-cut.ts";
import type { DutyTurn } from "../duty/desk.ts";
import { contactLabel } from "../duty/render.ts";
import { formatDateTime } from "../present/datetime.ts";
import { rosterRepo } from "../store/repos/roster.ts";
import { declarePeriod, periods, removePeriod } from "./period-gaps.ts";
import { addShift, leadsOf, removeShift, setLead, shiftsOf } from "./roster-service.ts";

// The roster commands in chat: /lichtruc (/roster) for admins and a unit's leads, /truc (/oncall) for anyone on
// the duty side, /caodiem (/alertperiod) for admins. Authority is checked here, on the server, for every change.

/** A person as shown: their display name where known, with the id (people are told apart by it). */
function personLabel(turn: DutyTurn, person: string): string {
  const [channel = "", userId = ""] = person.split(/:(.*)/s);
  const name = turn.store.displayName(channel, userId);
  return name ? `${name} (${person})` : person;
}

function rosterText(turn: DutyTurn, contactId: string): string {
  const rc = turn.work.rc(turn.locale);
  const shifts = shiftsOf(turn.store, contactId);
  const leads = leadsOf(turn.store, contactId);
  const lines = shifts.map(
    (s, i) =>
      `${i + 1}. ${personLabel(turn, s.person)} · ${formatWhen(s)} · ${formatClock(s.start)}–${formatClock(s.end)}`,
  );
  return [
    turn.work.t(turn.locale, "roster:show.title", {
      contact: contactLabel(turn.store.contacts(), contactId, rc),
    }),
    lines.length > 0 ? lines.join("\n") : turn.work.t(turn.locale, "roster:show.empty"),
    turn.work.t(turn.locale, "roster:show.leads", {
      leads: leads.length > 0 ? leads.map((l) => personLabel(turn, l)).join(", ") : "—",
    }),
  ].join("\n");
}

function say(turn: DutyTurn, text: string): void {
  // Already escaped where it holds user text: translations escape their values, labels are built from them.
  turn.work.post(turn.event.channel, turn.event.chatId, { kind: "chat", text });
}

export function rosterCommand(turn: DutyTurn, args: string): void {
  const request = parseRosterCommand(args);
  const admin = turn.isAdmin();
  const roles = turn.store.rolesOf(turn.event.channel, turn.event.userId);
  const contacts = turn.store.contacts();
  const ids = contacts.map((c) => c.id).join(", ");
  if (request.kind === "usage") {
    turn.reply("roster:usage");
    return;
  }
  if (request.kind === "list") {
    const mine = contacts.filter((c) => mayEditRoster(admin, roles, c.id));
    if (mine.length === 0) {
      turn.store.audit(turn.at, turn.actorId, "roster.view", "", "denied", {});
      turn.reply("roster:denied");
      return;
    }
    say(turn, mine.map((c) => rosterText(turn, c.id)).join("\n\n"));
    turn.reply("roster:usage");
    return;
  }
  if (!contacts.some((c) => c.id === request.unit)) {
    turn.reply("roster:unknownUnit", { id: clipText(request.unit, 40), ids });
    return;
  }
  // Granting the lead role is the admins' alone; a lead edits only their own unit's roster.
  const allowed =
    request.kind === "lead" || request.kind === "unlead" ? admin : mayEditRoster(admin, roles, request.unit);
  if (!allowed) {
    turn.store.audit(turn.at, turn.actorId, `roster.${request.kind}`, request.unit, "denied", {});
    turn.reply("roster:denied");
    return;
  }
  switch (request.kind) {
    case "show":
      say(turn, rosterText(turn, request.unit));
      return;
    case "add": {
      const parsed = parseShift(request);
      if (!parsed.ok) {
        turn.reply(`roster:error.${parsed.error}`);
        return;
      }
      addShift(turn.store, turn.actorId, request.unit, parsed.shift, turn.at);
      say(turn, `${turn.work.t(turn.locale, "roster:added")}\n\n${rosterText(turn, request.unit)}`);
      // Kept, but said: Telegram and Zalo only let the assistant write to someone who wrote to it first.
      if (!rosterRepo(turn.store.db).knowsPerson(parsed.shift.person)) {
        turn.reply("roster:unknownPerson", { person: parsed.shift.person });
      }
      return;
    }
    case "remove":
      if (!removeShift(turn.store, turn.actorId, request.unit, request.n, turn.at)) {
        turn.reply("roster:noSuchShift", { n: request.n });
        return;
      }
      say(turn, `${turn.work.t(turn.locale, "roster:removed")}\n\n${rosterText(turn, request.unit)}`);
      return;
    case "lead":
    case "unlead": {
      const changed = setLead(
        turn.store,
        turn.actorId,
        request.unit,
        request.person,
        request.kind === "lead",
        turn.at,
      );
      if (changed === undefined) {
        turn.reply("roster:error.person");
        return;
      }
      turn.reply(changed ? `roster:${request.kind}.done` : `roster:${request.kind}.unchanged`);
      return;
    }
  }
}

/** Who is on duty now, for every unit that keeps a roster. */
export function onCallCommand(turn: DutyTurn): void {
  // Names and ids of duty officers are for the duty side (admins, units' officers and leads), not for everyone.
  if (!turn.isAdmin() && turn.actor().contacts.length === 0) {
    turn.store.audit(turn.at, turn.actorId, "roster.oncall", "", "denied", {});
    turn.reply("roster:oncall.denied");
    return;
  }
  const rc = turn.work.rc(turn.locale);
  const now = Date.parse(turn.at);
  const lines = turn.store
    .contacts()
    .filter((c) => c.active && shiftsOf(turn.store, c.id).length > 0)
    .map((c) => {
      const on = onDutyAt(shiftsOf(turn.store, c.id), now, turn.o.timeZone);
      const who =
        on.length > 0
          ? on.map((p) => personLabel(turn, p)).join(", ")
          : turn.work.t(turn.locale, "roster:oncall.nobody");
      return `• ${contactLabel([c], c.id, rc)}: ${who}`;
    });
  if (lines.length === 0) {
    turn.reply("roster:oncall.noRosters");
    return;
  }
  say(
    turn,
    `${turn.work.t(turn.locale, "roster:oncall.title", { at: formatDateTime(turn.at, turn.o.timeZone) })}\n${lines.join("\n")}`,
  );
}

export function periodCommand(turn: DutyTurn, args: string): void {
  if (!turn.isAdmin()) {
    turn.store.audit(turn.at, turn.actorId, "period.change", "", "denied", {});
    turn.reply("roster:period.adminOnly");
    return;
  }
  const request = parsePeriodCommand(args);
  const tz = turn.o.timeZone;
  switch (request.kind) {
    case "usage":
      turn.reply("roster:period.usage");
      return;
    case "list": {
      const all = periods(turn.store);
      if (all.length === 0) {
        turn.reply("roster:period.none");
        turn.reply("roster:period.usage");
        return;
      }
      for (const p of all) {
        turn.reply("roster:period.item", {
          id: p.id,
          name: p.name,
          from: formatDateTime(p.startsAt, tz),
          to: formatDateTime(p.endsAt, tz),
          reminder: p.reminderMinutes,
        });
      }
      return;
    }
    case "remove":
      turn.reply(
        removePeriod(turn.store, turn.actorId, request.id, turn.at)
          ? "roster:period.removed"
          : "roster:period.notFound",
        {
          id: request.id,
        },
      );
      return;
    case "add": {
      const result = declarePeriod(turn.o, turn.actorId, request, turn.at);
      if (!result.ok) {
        turn.reply(`roster:period.error.${result.error}`);
        return;
      }
      turn.reply("roster:period.added", {
        id: result.id ?? 0,
        name: result.period.name,
        from: formatDateTime(result.period.startsAt, tz),
        to: formatDateTime(result.period.endsAt, tz),
      });
      return;
    }
  }
}
