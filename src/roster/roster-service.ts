import { parseChannelId } from "../domain/ids.ts";
import type { Shift } from "../domain/roster.ts";
import { rosterRepo, type StoredShift } from "../store/repos/roster.ts";
import type { Store } from "../store/store.ts";

// Roster changes for every entry point (chat, import), each audited. Who may make them is checked by the caller
// (src/roster/chat.ts through authority.ts; the shell is trusted).

/** The units whose roster names this person ("channel:userId"). */
export function rosterContactsOf(store: Store, person: string): string[] {
  return rosterRepo(store.db).contactsOfPerson(person);
}

export function shiftsOf(store: Store, contactId: string): StoredShift[] {
  return rosterRepo(store.db).shifts(contactId);
}

export function leadsOf(store: Store, contactId: string): string[] {
  return rosterRepo(store.db).leads(contactId);
}

export function addShift(store: Store, actor: string, contactId: string, shift: Shift, at: string): void {
  rosterRepo(store.db).addShift(contactId, shift, actor, at);
  store.audit(at, actor, "roster.add", contactId, "ok", { person: shift.person });
}

/** Removes the n-th shift (1-based, as listed) of a unit; false if there is none. */
export function removeShift(store: Store, actor: string, contactId: string, n: number, at: string): boolean {
  const shift = rosterRepo(store.db).shifts(contactId)[n - 1];
  if (!shift || !rosterRepo(store.db).deleteShift(shift.id)) return false;
  store.audit(at, actor, "roster.remove", contactId, "ok", { person: shift.person });
  return true;
}

/** Replaces every listed unit's roster at once (an import); units not listed keep theirs. */
export function replaceRosters(
  store: Store,
  actor: string,
  rosters: ReadonlyMap<string, readonly Shift[]>,
  at: string,
): void {
  for (const [contactId, shifts] of rosters) {
    rosterRepo(store.db).replaceShifts(contactId, shifts, actor, at);
    store.audit(at, actor, "roster.import", contactId, "ok", { shifts: shifts.length });
  }
}

/** Grants or revokes a unit's lead role; undefined when the person is not a channel id. */
export function setLead(
  store: Store,
  actor: string,
  contactId: string,
  person: string,
  grant: boolean,
  at: string,
): boolean | undefined {
  const id = parseChannelId(person, "telegram");
  if (!id) return undefined;
  const changed = grant
    ? store.grantRole(id.channel, id.id, "lead", contactId, actor, at)
    : store.revokeRole(id.channel, id.id, "lead", contactId);
  if (changed) {
    store.audit(at, actor, grant ? "role.grant" : "role.revoke", `${id.channel}:${id.id}`, "ok", {
      role: "lead",
      contactId,
    });
  }
  return changed;
}
