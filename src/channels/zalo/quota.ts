import type { Locale, Translator } from "../../i18n.ts";
import { SqliteZaloSends } from "../../store/repos/zalo-sends.ts";
import type { Store } from "../../store/store.ts";

/** A threshold of the monthly quota just crossed by a send (each is reported once a month). */
export type QuotaCrossing = { level: 80 | 100; sent: number; quota: number; month: string } | undefined;

/**
 * The monthly count of messages sent to Zalo, kept in the database so a restart continues it. The month is the
 * calendar month in the display zone, as Zalo's plan page shows it to Vietnamese operators.
 */
export class ZaloSendCounter {
  private readonly repo: SqliteZaloSends;
  private readonly monthOf: Intl.DateTimeFormat;

  constructor(
    private readonly store: Store,
    readonly quota: number,
    timeZone = "Asia/Ho_Chi_Minh",
  ) {
    this.repo = new SqliteZaloSends(store.db);
    this.monthOf = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" });
  }

  month(at: Date): string {
    return this.monthOf.format(at).slice(0, 7);
  }

  sent(at: Date): number {
    return this.repo.sent(this.month(at));
  }

  /** Counts `n` sends; returns the threshold this crossed for the first time this month, if any. */
  record(at: Date, n = 1): QuotaCrossing {
    const month = this.month(at);
    const stamp = at.toISOString();
    return this.store.transaction((): QuotaCrossing => {
      const sent = this.repo.add(month, n);
      if (sent >= this.quota && this.repo.markWarned(month, 100, stamp)) {
        this.repo.markWarned(month, 80, stamp); // 100% says all that 80% would
        return { level: 100, sent, quota: this.quota, month };
      }
      if (sent >= this.quota * 0.8 && this.repo.markWarned(month, 80, stamp)) {
        return { level: 80, sent, quota: this.quota, month };
      }
      return undefined;
    });
  }

  /** Zalo said the quota is used up before our count did (sends from elsewhere): report 100% once. */
  exhausted(at: Date): QuotaCrossing {
    const month = this.month(at);
    return this.store.transaction((): QuotaCrossing => {
      const sent = this.repo.add(month, 0);
      if (!this.repo.markWarned(month, 100, at.toISOString())) return undefined;
      return { level: 100, sent, quota: this.quota, month };
    });
  }
}

export interface QuotaNoticeOptions {
  store: Store;
  translator: Translator;
  locale: Locale;
  /** Configured admins per channel (ADMIN_IDS); admins granted in chat are added. */
  configAdmins: Readonly<Record<string, readonly string[]>>;
  clock?: () => Date;
}

/**
 * Tells every admin, on their own channel, that Zalo's monthly quota is at 80% or used up. Each notice is
 * queued once per month, level and admin (the idempotency key), so a restart or a second crossing repeats
 * nothing. A Zalo admin may not get the 100% notice on Zalo itself; Telegram admins will.
 */
export function quotaNotifier(o: QuotaNoticeOptions): (crossing: NonNullable<QuotaCrossing>) => void {
  return (crossing) => {
    const at = (o.clock?.() ?? new Date()).toISOString();
    const key = crossing.level === 100 ? "zaloBot:quota.exhausted" : "zaloBot:quota.warning";
    const text = o.translator.t(o.locale, key, {
      sent: crossing.sent,
      quota: crossing.quota,
      month: crossing.month,
      percent: Math.floor((crossing.sent / crossing.quota) * 100),
    });
    const admins = new Set<string>();
    for (const [channel, ids] of Object.entries(o.configAdmins))
      for (const id of ids) admins.add(`${channel}:${id}`);
    for (const r of o.store.allRoles()) if (r.role === "admin") admins.add(`${r.channel}:${r.userId}`);
    o.store.transaction(() => {
      for (const admin of admins) {
        const colon = admin.indexOf(":");
        const channel = admin.slice(0, colon);
        const id = admin.slice(colon + 1);
        o.store.enqueue(
          `zalo-quota:${crossing.month}:${crossing.level}:${admin}`,
          channel,
          id,
          { kind: "chat", text },
          at,
        );
      }
    });
  };
}
