import { describe, expect, it } from "vitest";
import { ContactAdmin } from "../../src/admin/contact-admin.ts";
import {
  armStaleContactsReminder,
  fireStaleContactsReminder,
  nextMonth,
  STALE_CONTACTS_JOB,
} from "../../src/admin/stale-reminder.ts";
import { createLogger, registerJobs } from "../../src/app.ts";
import { Engine } from "../../src/conversation/engine.ts";
import { createTranslator } from "../../src/i18n.ts";
import { Scheduler } from "../../src/outbox/scheduler.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";

const NOW = new Date("2026-11-21T03:00:00.000Z");

function setup() {
  const store = new Store(openDatabase(":memory:"));
  const translator = createTranslator("vi");
  const service = new ContactAdmin({
    store,
    configAdmins: { telegram: ["1"] },
    changeApproval: false,
    staleMs: 180 * 86_400_000,
  });
  store.grantRole("telegram", "2", "admin", "", "cli", NOW.toISOString());
  store.ensureUser("telegram", "2", NOW.toISOString());
  store.setUserLocale("telegram", "2", "en");
  const engine = new Engine({
    store,
    translator,
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    drafts: { reminderMs: 86_400_000, expiryMs: 86_400_000 },
  });
  let clock = NOW;
  const scheduler = registerJobs(
    new Scheduler({ store: store, logger: createLogger("silent"), clock: () => clock }),
    engine,
    undefined,
    undefined,
  ).on(STALE_CONTACTS_JOB, fireStaleContactsReminder({ service, translator, defaultLocale: "vi" }));
  const inbox = (chatId: string) =>
    (
      store.db.prepare("SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id").all(chatId) as Array<{
        payload: string;
      }>
    ).map((r) => (JSON.parse(r.payload) as { text: string }).text);
  return { store, service, scheduler, inbox, setClock: (d: Date) => (clock = d) };
}

describe("monthly stale-contacts reminder", () => {
  it("is a persisted job that tells every admin, in their language, and re-arms for the next month", () => {
    const { store, service, scheduler, inbox, setClock } = setup();
    armStaleContactsReminder(service, NOW);
    armStaleContactsReminder(service, NOW);
    expect(store.job("stale-contacts")).toMatchObject({
      kind: STALE_CONTACTS_JOB,
      dueAt: "2026-12-21T03:00:00.000Z",
    });
    expect(scheduler.runDue()).toBe(0);
    setClock(new Date("2026-12-21T03:00:01.000Z"));
    expect(scheduler.runDue()).toBe(1);
    expect(inbox("1").join("\n")).toMatch(
      /Nhắc việc hằng tháng:<\/b> có 3 đơn vị[\s\S]*⚠️ VNCERT\/CC — xác minh lần cuối 01\/01\/2024/,
    );
    expect(inbox("2").join("\n")).toContain(
      "Monthly reminder:</b> 3 units have not been verified in the last 180 days",
    );
    expect(store.job("stale-contacts")).toMatchObject({
      status: "pending",
      dueAt: "2027-01-21T03:00:01.000Z",
    });
    // Run twice at the same instant: the job fired once.
    expect(scheduler.runDue()).toBe(0);
    expect(inbox("1")).toHaveLength(1);
  });

  it("says nothing when every contact was verified recently", () => {
    const { service, scheduler, inbox, setClock } = setup();
    for (const id of ["vncert", "ncsc", "provincial"])
      service.markVerified({ kind: "shell" }, id, "2026-12-01", NOW.toISOString());
    armStaleContactsReminder(service, NOW);
    setClock(new Date("2026-12-22T00:00:00.000Z"));
    expect(scheduler.runDue()).toBe(1);
    expect(inbox("1")).toEqual([]);
  });

  it("a month after the 31st is the last day of the shorter month", () => {
    expect(nextMonth(new Date("2027-01-31T02:00:00Z")).toISOString()).toBe("2027-02-28T02:00:00.000Z");
    expect(nextMonth(new Date("2026-12-15T02:00:00Z")).toISOString()).toBe("2027-01-15T02:00:00.000Z");
  });
});
