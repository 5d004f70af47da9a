import {
  type CalendarRequest,
  type DeadlinesRequest,
  parseCalendarArgs,
  parseDeadlinesArgs,
} from "../../flows/admin-deadlines.ts";
import type { DeadlineSpec } from "../config.ts";
import {
  type DeadlineDoc,
  parseDuration,
  SETTING_KEYS,
  type SettingKey,
} from "../domain/deadline-settings.ts";
import { publicHolidays, type WorkCalendarAdjustments } from "../domain/holidays.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { localDate } from "../domain/zoned-time.ts";
import { escapeHtml, type Locale, type Translator } from "../i18n.ts";
import { formatDateTime } from "../present/datetime.ts";
import type { SettingsOutcome, StoredDeadlineSettings } from "../settings/deadline-settings.ts";
import type { AdminActor } from "./contact-admin.ts";

type Chat = Extract<AdminActor, { kind: "chat" }>;

const SEVERITY_OF: Partial<Record<SettingKey, 1 | 2 | 3 | 4>> = { critical: 4, high: 3, medium: 2, low: 1 };

/** "13/02/2026" from "2026-02-13", as Vietnamese dates are written. */
const dmy = (iso: string) => iso.split("-").reverse().join("/");

/**
 * The chat side of the deadline settings and the work calendar: /thoihan (/deadlines) shows and changes the
 * deadlines, /ngaynghi (/holidays) lists a year's days off and adds or removes the government's extra days off
 * and working days. The settings service checks authority again and audits every change.
 */
export class DeadlineChat {
  constructor(
    private readonly settings: StoredDeadlineSettings,
    private readonly translator: Translator,
    private readonly timeZone: string,
  ) {}

  deadlines(actor: Chat, args: string, now: Date, locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const request: DeadlinesRequest = parseDeadlinesArgs(args);
    switch (request.kind) {
      case "show":
        return this.show(locale);
      case "history":
        return this.history(locale);
      case "error":
        return `${t(request.reason.key, this.params(locale, request.reason.params))}\n\n${t("deadlines:usage")}`;
      case "set": {
        const outcome = this.settings.updateDeadlines(actor, request.changes, now.toISOString(), "chat");
        return this.describe(outcome, locale, "deadlines:saved", (before, after) =>
          (Object.keys(request.changes) as SettingKey[])
            .filter((k) => before[k] !== after[k])
            .map(
              (k) =>
                `• ${this.label(k, locale)}: ${this.value(before[k], locale)} → <b>${this.value(after[k], locale)}</b>`,
            )
            .join("\n"),
        );
      }
    }
  }

  calendar(actor: Chat, args: string, now: Date, locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const request: CalendarRequest = parseCalendarArgs(args);
    const at = now.toISOString();
    const today = localDate(now.getTime(), this.timeZone);
    switch (request.kind) {
      case "show":
        return this.year(request.year ?? Number(today.slice(0, 4)), locale);
      case "error":
        return `${t(request.reason.key, request.reason.params)}\n\n${t("deadlines:calendar.usage")}`;
      case "add":
      case "remove": {
        const current = this.settings.calendarDoc().doc;
        const without = (list: WorkCalendarAdjustments["daysOff"]) =>
          list.filter((d) => d.date !== request.date);
        const next: WorkCalendarAdjustments = {
          decisions: current.decisions,
          daysOff: without(current.daysOff),
          workingDays: without(current.workingDays),
        };
        if (request.kind === "add") next[request.list].push({ date: request.date, note: request.note });
        const outcome = this.settings.updateCalendar(actor, next, at, "chat");
        return this.describe(outcome, locale, "deadlines:calendar.saved", () =>
          t(
            request.kind === "remove"
              ? "deadlines:calendar.removed"
              : request.list === "daysOff"
                ? "deadlines:calendar.addedOff"
                : "deadlines:calendar.addedWork",
            { date: dmy(request.date) },
          ),
        );
      }
    }
  }

  /** The settings in force, who set them and how to change them. */
  show(locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const { version, doc, changedBy, changedAt } = this.settings.deadlineDoc();
    const head =
      version === 0
        ? t("deadlines:title.seed")
        : t("deadlines:title.version", {
            version,
            by: changedBy ?? "",
            at: formatDateTime(changedAt ?? "", this.timeZone),
          });
    const lines = SETTING_KEYS.map((k) => `• ${this.label(k, locale)}: <b>${this.value(doc[k], locale)}</b>`);
    return `${head}\n${lines.join("\n")}\n\n${t("deadlines:usage")}`;
  }

  private history(locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const versions = this.settings.history("deadlines", 10);
    if (versions.length === 0) return t("deadlines:history.none");
    const lines = versions.map((v) => {
      const doc = v.data as Partial<DeadlineDoc>;
      const values = SETTING_KEYS.map((k) => `${k} ${doc[k] ?? "?"}`).join(", ");
      return `• ${t("deadlines:history.line", {
        version: v.version,
        at: formatDateTime(v.changedAt, this.timeZone),
        by: v.changedBy,
        via: t(`deadlines:via.${v.via}`),
      })}: ${escapeHtml(values)}`;
    });
    return `${t("deadlines:history.title")}\n${lines.join("\n")}`;
  }

  /** A year's days off: the Labour Code's holidays and the admins' extra days off and working days. */
  private year(year: number, locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const adjustments = this.settings.calendar();
    const decision = adjustments.decisions.find((d) => d.year === year);
    const holidays = publicHolidays(year, decision).map(
      (h) => `• ${dmy(h.date)} — ${t(`deadlines:holiday.${h.name}`)}`,
    );
    const inYear = (d: { date: string }) => d.date.startsWith(`${year}-`);
    const note = (n: string) => (n ? ` — ${escapeHtml(n)}` : "");
    const off = adjustments.daysOff.filter(inYear).map((d) => `• ${dmy(d.date)}${note(d.note)}`);
    const work = adjustments.workingDays.filter(inYear).map((d) => `• ${dmy(d.date)}${note(d.note)}`);
    return [
      t("deadlines:calendar.title", { year }),
      ...holidays,
      "",
      t("deadlines:calendar.extraOff"),
      ...(off.length ? off : [t("deadlines:calendar.none")]),
      "",
      t("deadlines:calendar.working"),
      ...(work.length ? work : [t("deadlines:calendar.none")]),
      "",
      t("deadlines:calendar.usage"),
    ].join("\n");
  }

  private describe<T>(
    outcome: SettingsOutcome<T>,
    locale: Locale,
    savedKey: string,
    changes: (before: T, after: T) => string,
  ): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    switch (outcome.status) {
      case "saved":
        return `${t(savedKey, { version: outcome.version })}\n${changes(outcome.before, outcome.after)}`;
      case "unchanged":
        return t("deadlines:unchanged");
      case "conflict":
        return t("deadlines:conflict");
      case "denied":
        return t("admin:denied");
      case "invalid":
        return t("deadlines:invalid", {
          detail: outcome.issues.map((i) => `${i.path}: ${i.message}`).join("; "),
        });
    }
  }

  private label(key: SettingKey, locale: Locale): string {
    return this.translator.t(locale, ...this.labelKey(key, locale));
  }

  private labelKey(key: SettingKey, locale: Locale): [string, Record<string, string>] {
    const severity = SEVERITY_OF[key];
    return severity
      ? ["deadlines:setting.ack", { severity: this.translator.text(locale, severityLabelKey(severity)) }]
      : [`deadlines:setting.${key}`, {}];
  }

  /** "1 giờ", "1 ngày làm việc": a stored duration in the reader's words. */
  private value(text: string, locale: Locale): string {
    const spec: DeadlineSpec | undefined = parseDuration(text, true);
    if (!spec) return escapeHtml(text);
    if ("workingDays" in spec)
      return this.translator.t(locale, "deadlines:unit.workingDays", { n: spec.workingDays });
    if (spec.minutes % 60 === 0)
      return this.translator.t(locale, "deadlines:unit.hours", { n: spec.minutes / 60 });
    return this.translator.t(locale, "deadlines:unit.minutes", { n: spec.minutes });
  }

  /** Error parameters: a setting's code shown as its label (t() escapes parameters itself). */
  private params(locale: Locale, params: Record<string, string | number> | undefined) {
    const name = params?.name;
    return typeof name === "string" && (SETTING_KEYS as readonly string[]).includes(name)
      ? { ...params, name: this.translator.text(locale, ...this.labelKey(name as SettingKey, locale)) }
      : params;
  }
}
