import { describe, expect, it } from "vitest";
import {
  adminsOn,
  dutyContacts,
  isAdmin,
  isReporterOf,
  mayHandleTicket,
} from "../../src/domain/authority.ts";

const config = { telegram: ["1"] };
const person = (userId: string, channel = "telegram") => ({ channel, userId });

describe("authority", () => {
  it("admins are configured per channel or granted the role; a duty role makes nobody an admin", () => {
    expect(isAdmin(config, person("1"), [])).toBe(true);
    expect(isAdmin(config, person("1", "zalo"), [])).toBe(false);
    expect(isAdmin(config, person("2"), [{ role: "admin", contactId: "" }])).toBe(true);
    expect(isAdmin(config, person("2"), [{ role: "duty", contactId: "vncert" }])).toBe(false);
  });

  it("duty roles name the contacts a person acts for; the admins of a channel are listed once", () => {
    expect(
      dutyContacts([
        { role: "duty", contactId: "vncert" },
        { role: "admin", contactId: "" },
        { role: "duty", contactId: "provincial" },
      ]),
    ).toEqual(["vncert", "provincial"]);
    const granted = [
      { channel: "telegram", userId: "1", role: "admin", contactId: "" },
      { channel: "telegram", userId: "3", role: "admin", contactId: "" },
      { channel: "zalo", userId: "4", role: "admin", contactId: "" },
      { channel: "telegram", userId: "5", role: "duty", contactId: "vncert" },
    ];
    expect(adminsOn(config, "telegram", granted)).toEqual(["1", "3"]);
  });

  it("a ticket is handled by admins and by those acting for a contact it is routed to; followed by its reporter", () => {
    expect(mayHandleTicket({ admin: true, contacts: [] }, ["vncert"])).toBe(true);
    expect(mayHandleTicket({ admin: false, contacts: ["vncert"] }, ["vncert", "provincial"])).toBe(true);
    expect(mayHandleTicket({ admin: false, contacts: ["ncsc"] }, ["vncert"])).toBe(false);
    const ticket = { channel: "telegram", reporterUserId: "1001" };
    expect(isReporterOf(ticket, person("1001"))).toBe(true);
    expect(isReporterOf(ticket, person("1001", "zalo"))).toBe(false);
    expect(isReporterOf(ticket, person("1002"))).toBe(false);
  });
});
