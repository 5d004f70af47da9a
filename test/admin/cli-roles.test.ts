import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-cli-roles-"));
const dbPath = join(dir, "bot.db");
const saved = process.env.DATABASE_PATH;
beforeAll(() => {
  process.env.DATABASE_PATH = dbPath;
});
afterAll(() => {
  if (saved === undefined) delete process.env.DATABASE_PATH;
  else process.env.DATABASE_PATH = saved;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs one CLI command in this process, as `incident-bot ...args`; returns what it printed and its exit code. */
async function cli(...args: string[]) {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  await main(["node", "incident-bot", ...args]);
  vi.restoreAllMocks();
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { out, err, code };
}

/** The audit entries of the shell, as the admins' audit log shows them. */
function shellAudit() {
  const db = openDatabase(dbPath);
  try {
    return db
      .prepare("SELECT actor, action, subject, outcome FROM audit_log WHERE actor = 'cli' ORDER BY id")
      .all();
  } finally {
    db.close();
  }
}

describe("incident-bot users grant|revoke and contacts bind|unbind go through contact administration", () => {
  it("`users list` says so when no role is granted, instead of printing nothing", async () => {
    const empty = await cli("users", "list");
    expect(empty.code).toBe(0);
    expect(empty.out).toBe(
      "No roles granted yet. Grant one with: incident-bot users grant telegram:<user id> admin\n",
    );
  });

  it("grants and revokes roles, refusing unknown roles and duty without a contact, each change audited once", async () => {
    expect((await cli("users", "grant", "telegram:4242", "duty", "vncert")).out).toBe(
      "Granted duty (vncert) to telegram:4242.\n",
    );
    expect((await cli("users", "grant", "telegram:4242", "duty", "vncert")).out).toBe("Already granted.\n");
    const badRole = await cli("users", "grant", "telegram:4242", "boss");
    expect([badRole.code, badRole.err]).toEqual([
      1,
      'Unknown role "boss": expected admin, duty, lead or reporter\n',
    ]);
    const noContact = await cli("users", "grant", "telegram:4242", "duty", "nobody");
    expect(noContact.code).toBe(1);
    expect(noContact.err).toMatch(/^The duty role needs a contact id: .*vncert/);
    expect((await cli("users", "revoke", "telegram:4242", "duty", "vncert")).out).toBe(
      "Revoked duty from telegram:4242.\n",
    );
    expect((await cli("users", "revoke", "telegram:4242", "duty", "vncert")).out).toBe("No such grant.\n");
    expect(shellAudit()).toEqual([
      { actor: "cli", action: "role.grant", subject: "telegram:4242", outcome: "ok" },
      { actor: "cli", action: "role.revoke", subject: "telegram:4242", outcome: "ok" },
    ]);
  });

  it("binds and unbinds a duty chat, refusing an unknown contact, each change audited once", async () => {
    expect((await cli("contacts", "bind", "vncert", "telegram:-100555")).out).toBe(
      "Bound telegram:-100555 to vncert.\n",
    );
    expect((await cli("contacts", "bind", "vncert", "telegram:-100555")).out).toBe(
      "telegram:-100555 was already bound to vncert.\n",
    );
    const unknown = await cli("contacts", "bind", "nobody", "telegram:-100555");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^No contact "nobody"\. Known: .*vncert/);
    const db = openDatabase(dbPath);
    expect(new Store(db).contactsOfChat("telegram", "-100555")).toEqual(["vncert"]);
    db.close();
    expect((await cli("contacts", "unbind", "vncert", "telegram:-100555")).out).toBe(
      "Unbound telegram:-100555 from vncert.\n",
    );
    expect((await cli("contacts", "unbind", "vncert", "telegram:-100555")).out).toBe(
      "telegram:-100555 was not bound to vncert.\n",
    );
    expect(shellAudit().filter((e) => String((e as { action: string }).action).startsWith("duty."))).toEqual([
      { actor: "cli", action: "duty.bind", subject: "telegram:-100555", outcome: "ok" },
      { actor: "cli", action: "duty.unbind", subject: "telegram:-100555", outcome: "ok" },
    ]);
  });
});
