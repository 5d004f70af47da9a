/**
 * Who may do what, decided in one place for the reporter side, the duty desk, contact administration and the
 * shell. Pure: the caller reads the stored roles and passes them in, with the admins named by configuration
 * (ADMIN_TELEGRAM_IDS, per channel).
 */

/** Channel user ids that are admins by configuration, per channel. */
export type ConfigAdmins = Readonly<Record<string, readonly string[]>>;

/** A role as stored: admin, duty for one contact, or reporter. */
export interface GrantedRole {
  role: string;
  contactId: string;
}

/** A person on a channel. */
export interface Person {
  channel: string;
  userId: string;
}

/** True for admins by configuration and people granted the admin role. */
export function isAdmin(configAdmins: ConfigAdmins, person: Person, roles: readonly GrantedRole[]): boolean {
  return (
    (configAdmins[person.channel] ?? []).includes(person.userId) || roles.some((r) => r.role === "admin")
  );
}

/** The contacts a person does duty for through their granted duty roles (a unit's lead does its duty too). */
export function dutyContacts(roles: readonly GrantedRole[]): string[] {
  return roles.filter((r) => r.role === "duty" || r.role === "lead").map((r) => r.contactId);
}

/** Whether a person may edit a unit's on-call roster: admins, and the unit's leads. */
export function mayEditRoster(admin: boolean, roles: readonly GrantedRole[], contactId: string): boolean {
  return admin || roles.some((r) => r.role === "lead" && r.contactId === contactId);
}

/** Every admin on a channel: those configured, then those granted the role (each once). */
export function adminsOn(
  configAdmins: ConfigAdmins,
  channel: string,
  granted: ReadonlyArray<GrantedRole & Person>,
): string[] {
  const byRole = granted.filter((r) => r.channel === channel && r.role === "admin").map((r) => r.userId);
  return [...new Set([...(configAdmins[channel] ?? []), ...byRole])];
}

/** Someone acting on tickets: an admin, or a duty officer for some contacts. */
export interface TicketAuthority {
  admin: boolean;
  contacts: readonly string[];
}

/** An admin, or someone acting for one of the contacts the ticket is routed to, may see and act on it. */
export function mayHandleTicket(actor: TicketAuthority, ticketContacts: readonly string[]): boolean {
  return actor.admin || actor.contacts.some((c) => ticketContacts.includes(c));
}

/** Only the person who filed a ticket, on the channel they filed it from, may follow it as its reporter. */
export function isReporterOf(ticket: { channel: string; reporterUserId: string }, person: Person): boolean {
  return ticket.channel === person.channel && ticket.reporterUserId === person.userId;
}
