import { describe, expect, it } from "vitest";
import { ContactAdmin } from "../../src/admin/contact-admin.ts";
import { applyImport, checkContactsYaml, exportContactsYaml } from "../../src/admin/contacts-file.ts";
import { parseConfig } from "../../src/config.ts";
import { Engine } from "../../src/conversation/engine.ts";
import { createTranslator } from "../../src/i18n.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { createAdminHarness, texts } from "../admin/harness.ts";

const ZALO_ID = "6ede9afa66b88fe6d6a9";
const AT = "2026-11-21T03:00:00.000Z";

describe("zalo:<id> is a name for a person or a chat", () => {
  it("/grant and /revoke take zalo:<hex id>; /users lists it; a Telegram id stays numeric", () => {
    const h = createAdminHarness();
    const admin = h.user("1");
    expect(texts(admin.command("grant", `zalo:${ZALO_ID} duty vncert`))).toContain(
      `Đã cấp quyền duty (vncert) cho zalo:${ZALO_ID}`,
    );
    expect(h.store.rolesOf("zalo", ZALO_ID)).toEqual([{ role: "duty", contactId: "vncert" }]);
    expect(texts(admin.command("users"))).toContain(`zalo:${ZALO_ID} — duty vncert`);
    expect(texts(admin.command("grant", `telegram:${ZALO_ID} duty vncert`))).toContain("Cách dùng: /grant");
    expect(texts(admin.command("revoke", `zalo:${ZALO_ID} duty vncert`))).toContain(`zalo:${ZALO_ID}`);
    expect(h.store.rolesOf("zalo", ZALO_ID)).toEqual([]);
  });

  it("the YAML import binds a Zalo chat, and the export writes it back the same", () => {
    const store = new Store(openDatabase(":memory:"));
    const service = new ContactAdmin({ store, configAdmins: {}, changeApproval: false, staleMs: 1e12 });
    const exported = exportContactsYaml(service, new Date(AT));
    const yaml = exported.replace(
      /bindings:.*\n/,
      `bindings:\n  - contact: vncert\n    chat: zalo:${ZALO_ID}\n`,
    );
    const checked = checkContactsYaml(service, yaml);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    store.transaction(() => applyImport(service, { kind: "shell" }, checked.plan, AT));
    expect(store.bindingsOf("vncert")).toEqual([
      expect.objectContaining({ channel: "zalo", chatId: ZALO_ID }),
    ]);
    expect(exportContactsYaml(service, new Date(AT))).toContain(`chat: zalo:${ZALO_ID}`);
    const bad = checkContactsYaml(service, yaml.replace(`zalo:${ZALO_ID}`, "zalo:not a hex id"));
    expect(bad.ok).toBe(false);
  });

  it("a Zalo admin from ADMIN_IDS may run /users on Zalo, which lists the admins of every channel", () => {
    const store = new Store(openDatabase(":memory:"));
    const engine = new Engine({
      store,
      translator: createTranslator("vi"),
      timeZone: "Asia/Ho_Chi_Minh",
      defaultLocale: "vi",
      drafts: { reminderMs: 86_400_000, expiryMs: 86_400_000 },
      admin: {
        configAdmins: parseConfig({ ADMIN_IDS: `telegram:1,zalo:${ZALO_ID}` }).adminIds,
        changeApproval: false,
        staleMs: 1e12,
      },
    });
    const users = (userId: string) => {
      const result = engine.handle({
        channel: "zalo",
        chatId: userId,
        userId,
        chatType: "private",
        dedupeKey: `k-${userId}`,
        at: new Date(AT),
        payload: { kind: "command", command: "users", args: "" },
      });
      return result.outbox
        .map((id) => store.outboxRow(id)?.payload as { text?: string })
        .map((p) => p.text ?? "")
        .join("\n");
    };
    const listed = users(ZALO_ID);
    expect(listed).toContain("telegram:1 — admin");
    expect(listed).toContain(`zalo:${ZALO_ID} — admin`);
    expect(users("0123456789abcdef0123")).not.toContain("telegram:1 — admin");
  });
});
