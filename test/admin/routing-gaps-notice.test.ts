import { afterEach, describe, expect, it } from "vitest";
import { notifyRoutingGaps } from "../../src/admin/routing-gaps-notice.ts";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";

const ZALO_ADMIN = "6ede9afa66b88fe6d6a9";
let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function open(): App {
  app = createApp(
    parseConfig({
      DATABASE_PATH: ":memory:",
      LOG_LEVEL: "silent",
      ADMIN_IDS: `telegram:111,zalo:${ZALO_ADMIN}`,
    }),
    createLogger("silent"),
  );
  return app;
}

/** A new version of a contact with only "in use" changed, as an admin's edit writes it. */
function setActive(a: App, id: string, active: boolean): void {
  const contact = a.store.contact(id);
  if (!contact) throw new Error(`no contact ${id}`);
  const { id: _id, version, ...data } = contact;
  a.store.directory.updateContact(
    id,
    version,
    { ...data, active },
    "test:admin",
    new Date().toISOString(),
    null,
  );
}

const texts = (a: App, channel: string, chatId: string) =>
  a.store.pendingForChat(channel, chatId).map((r) => (r.payload as { text: string }).text);

describe("routing rules without an active recipient, told to the admins at start", () => {
  it("tells every admin on each running channel once per set of gaps, and again when the set changes", () => {
    const a = open();
    const service = a.engine.admin.service;
    const now = new Date("2026-11-28T01:00:00Z");
    // Migration 008 seeds the provincial police out of use, while R3 and R5 route to them.
    expect(notifyRoutingGaps(service, a.translator, "vi", ["telegram", "zalo"], now)).toBeGreaterThanOrEqual(
      2,
    );
    const [telegram] = texts(a, "telegram", "111");
    expect(texts(a, "telegram", "111")).toHaveLength(1);
    expect(telegram).toMatch(/R3/);
    expect(telegram).toMatch(/R5/);
    expect(texts(a, "zalo", ZALO_ADMIN)).toHaveLength(1);

    // A restart with the same gaps tells nobody twice.
    notifyRoutingGaps(service, a.translator, "vi", ["telegram", "zalo"], new Date(now.getTime() + 60_000));
    expect(texts(a, "telegram", "111")).toHaveLength(1);

    // A unit put out of use makes a new gap: told again.
    setActive(a, "ncsc", false);
    notifyRoutingGaps(service, a.translator, "vi", ["telegram"], new Date(now.getTime() + 120_000));
    expect(texts(a, "telegram", "111")).toHaveLength(2);
    expect(texts(a, "telegram", "111")[1]).toMatch(/NCSC/);
  });

  it("with every rule's recipients in use, tells nobody", () => {
    const a = open();
    for (const c of a.store.contacts()) if (!c.active) setActive(a, c.id, true);
    expect(notifyRoutingGaps(a.engine.admin.service, a.translator, "vi", ["telegram"], new Date())).toBe(0);
    expect(texts(a, "telegram", "111")).toHaveLength(0);
  });
});
