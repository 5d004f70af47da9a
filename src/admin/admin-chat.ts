import type {
  AdminContactsInput,
  AdminContactView,
  AdminRequest,
  AdminResultEvent,
  AdminRuleView,
} from "../../flows/admin-contacts.ts";
import type { ContactData } from "../domain/contacts.ts";
import { parseChannelId } from "../domain/ids.ts";
import { type Condition, routingRuleSchema } from "../domain/routing.ts";
import type { Reason } from "../domain/severity-input.ts";
import { clipText } from "../domain/text-cut.ts";
import { localDate } from "../domain/zoned-time.ts";
import { escapeHtml, type Locale, resolveLocale, type Translator } from "../i18n.ts";
import { formatDateTime } from "../present/datetime.ts";
import type { StoredRouting } from "../store/store.ts";
import { fieldValue } from "./admin-view.ts";
import {
  type AdminActor,
  actorId,
  type ChangeOutcome,
  type ContactAdmin,
  contactsOfRule,
} from "./contact-admin.ts";

/** A message for another chat than the one being answered (e.g. the four-eyes request to the other admins). */
export interface OtherChatMessage {
  channel: string;
  chatId: string;
  text: string;
}

/**
 * The chat side of contact administration, shared by the engine's commands and the admin flow: builds what the
 * admin sees, carries out the flow's requests through the service (which checks authority again), and words
 * the outcomes in the reader's language.
 */
export class AdminChat {
  constructor(
    readonly service: ContactAdmin,
    private readonly translator: Translator,
    private readonly timeZone: string,
    private readonly defaultLocale: Locale,
  ) {}

  /** Contacts and rules as the admin flow shows them. */
  input(now: Date): AdminContactsInput {
    return { contacts: this.contactViews(now), rules: this.ruleViews() };
  }

  contactViews(now: Date): AdminContactView[] {
    const stale = new Set(this.service.staleContacts(now).map((c) => c.id));
    const bindings = this.service.admin.bindings();
    const rules = this.service.admin.rules();
    const pending = this.service.pendingChanges();
    return this.service.contacts().map((c) => ({
      id: c.id,
      version: c.version,
      data: c.data,
      bindings: bindings.filter((b) => b.contactId === c.id).map((b) => `${b.channel}:${b.chatId}`),
      rules: rules.filter((r) => contactsOfRule(r.definition).includes(c.id)).map((r) => r.id),
      stale: stale.has(c.id),
      pending: pending.filter((p) => p.contactId === c.id).map((p) => p.id),
    }));
  }

  ruleViews(): AdminRuleView[] {
    return this.service.admin.rules().flatMap((r) => {
      const parsed = routingRuleSchema.safeParse(r.definition);
      if (!parsed.success) return [];
      return [
        {
          id: r.id,
          active: r.active,
          exclusive: parsed.data.exclusive,
          when: parsed.data.when as Condition,
          actions: parsed.data.actions.map((a) => ({ contact: a.contact, kind: a.kind })),
        },
      ];
    });
  }

  /** Carries out one request of the admin flow and words the outcome; `others` are notices to other admins. */
  execute(
    actor: Extract<AdminActor, { kind: "chat" }>,
    request: AdminRequest,
    now: Date,
  ): { result: AdminResultEvent; others: OtherChatMessage[] } {
    const at = now.toISOString();
    // "Verified today" means today in the display zone.
    const today = localDate(now.getTime(), this.timeZone);
    let outcome: ChangeOutcome;
    switch (request.kind) {
      case "update":
        outcome = this.service.updateContact(actor, request.id, request.changes, at, {
          expectedVersion: request.version,
        });
        break;
      case "verify":
        outcome = this.service.markVerified(actor, request.id, today, at, request.version);
        break;
      case "create":
        outcome = this.service.createContact(actor, request.id, { ...request.data, lastVerified: today }, at);
        break;
      case "delete":
        outcome = this.service.deleteContact(actor, request.id, at);
        break;
    }
    let notice: Reason | null = null;
    let error: Reason | null = null;
    let selected: string | null = request.id;
    const others: OtherChatMessage[] = [];
    switch (outcome.status) {
      case "saved":
        notice =
          request.kind === "create"
            ? { key: "admin:result.created" }
            : request.kind === "verify"
              ? { key: "admin:result.verified", params: { date: today.split("-").reverse().join("/") } }
              : { key: "admin:result.saved", params: { version: outcome.contact.version } };
        break;
      case "pending":
        notice = { key: "admin:result.pending", params: { id: outcome.changeId } };
        others.push(
          ...this.approvalRequests(
            actor,
            outcome.changeId,
            request.id,
            outcome.fields,
            outcome.contact?.data ?? null,
          ),
        );
        if (!outcome.contact) selected = null;
        break;
      case "unchanged":
        notice = { key: "admin:result.unchanged" };
        break;
      case "deleted":
        notice = { key: "admin:result.deleted", params: { id: request.id } };
        selected = null;
        break;
      case "inUse":
        error =
          outcome.rules.length > 0
            ? { key: "admin:result.inUse", params: { rules: outcome.rules.join(", ") } }
            : { key: "admin:result.hasTickets", params: { count: outcome.tickets } };
        break;
      case "conflict":
        error = { key: "admin:result.conflict" };
        break;
      case "needsApproval":
        error = { key: "admin:result.deleteNeedsApproval" };
        break;
      case "invalid": {
        const first = outcome.issues[0];
        error = first ? first.reason : { key: "admin:error.pickButton" };
        if (request.kind === "create") selected = null;
        break;
      }
      case "exists":
        error = { key: "admin:error.idTaken", params: { id: request.id } };
        selected = null;
        break;
      case "denied":
        error = { key: "admin:denied" };
        selected = null;
        break;
      case "notFound":
        error = { key: "admin:result.notFound" };
        selected = null;
        break;
    }
    return {
      result: {
        type: "RESULT",
        ...this.input(now),
        selected,
        notice,
        error,
        at,
      },
      others,
    };
  }

  /** The four-eyes request to every other admin on the channel: what changes and how to approve it. */
  private approvalRequests(
    actor: Extract<AdminActor, { kind: "chat" }>,
    changeId: number,
    contactId: string,
    fields: readonly string[],
    before: ContactData | null,
  ): OtherChatMessage[] {
    const change = this.service.admin.pending(changeId);
    if (!change) return [];
    return this.service
      .adminsOn(actor.channel)
      .filter((id) => id !== actor.userId)
      .map((userId) => {
        const locale = this.localeOf(actor.channel, userId);
        return {
          channel: actor.channel,
          chatId: userId,
          text: this.describeChange(locale, changeId, contactId, fields, before, change.data, actorId(actor)),
        };
      });
  }

  /** A pending change as the approver reads it: each field before and after, and the commands to decide. */
  describeChange(
    locale: Locale,
    changeId: number,
    contactId: string,
    fields: readonly string[],
    before: ContactData | null,
    after: ContactData,
    by: string,
  ): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const rc = { t };
    const lines = fields.map((f) => {
      const k = f as keyof ContactData;
      return `• <b>${t(`admin:field.${f}`)}:</b> ${before ? `${fieldValue(k, before[k], rc)} → ` : ""}${fieldValue(k, after[k], rc)}`;
    });
    return `${t("admin:approval.request", { id: changeId, contact: contactId, by })}\n${lines.join("\n")}\n\n${t(
      "admin:approval.how",
      { id: changeId },
    )}`;
  }

  localeOf(channel: string, userId: string): Locale {
    return resolveLocale(this.service.o.store.userLocale(channel, userId), undefined, this.defaultLocale);
  }

  /** `/approve` and `/reject` with no number: the changes waiting, described. */
  pendingList(locale: Locale): string {
    const pending = this.service.pendingChanges();
    if (pending.length === 0) return this.translator.t(locale, "admin:approval.none");
    return pending
      .map((p) => {
        const current = this.service.contact(p.contactId);
        const fields = current
          ? (Object.keys(p.data) as Array<keyof ContactData>).filter(
              (k) => JSON.stringify(current.data[k]) !== JSON.stringify(p.data[k]),
            )
          : Object.keys(p.data);
        return this.describeChange(
          locale,
          p.id,
          p.contactId,
          fields,
          current?.data ?? null,
          p.data,
          p.proposedBy,
        );
      })
      .join("\n\n");
  }

  /** `/grant` and `/revoke`: "USER ROLE [CONTACT]", USER as 123456 (this channel) or telegram:123456. */
  role(
    op: "grant" | "revoke",
    actor: Extract<AdminActor, { kind: "chat" }>,
    args: string,
    now: Date,
    locale: Locale,
  ): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const [target = "", role = "", contact = ""] = args.trim().split(/\s+/);
    // A bare id is on the admin's own channel; Zalo ids are hexadecimal, Telegram ids numeric.
    const named = parseChannelId(target, actor.channel);
    if (!named || !role) return t("admin:roles.usage", { command: op });
    const channel = named.channel;
    const userId = named.id;
    const outcome =
      op === "grant"
        ? this.service.grant(
            actor,
            channel,
            userId,
            role.toLowerCase(),
            contact.toLowerCase(),
            now.toISOString(),
          )
        : this.service.revoke(
            actor,
            channel,
            userId,
            role.toLowerCase(),
            contact.toLowerCase(),
            now.toISOString(),
          );
    const who = `${channel}:${userId}`;
    switch (outcome.status) {
      case "granted":
      case "revoked":
        return t(`admin:roles.${outcome.status}`, { who, role: role.toLowerCase(), contact: contact || "—" });
      case "unchanged":
        // A grant that changes nothing means the role was already held; a revoke, that it was not.
        return t(op === "grant" ? "admin:roles.unchanged" : "admin:roles.notHeld", {
          who,
          role: role.toLowerCase(),
          contact: contact || "—",
        });
      case "badContact":
        return t("admin:roles.badContact", { ids: outcome.known.join(", ") });
      case "badRole":
        return t("admin:roles.badRole", { role: clipText(role, 20) });
      case "self":
        return t("admin:roles.self");
      case "denied":
        return t("admin:denied");
    }
  }

  /** `/users`: configured admins of every channel and every granted role. */
  users(_channel: string, locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const lines = Object.entries(this.service.o.configAdmins).flatMap(([channel, ids]) =>
      ids.map((id) => `• ${escapeHtml(`${channel}:${id}`)} — admin (${t("admin:roles.fromConfig")})`),
    );
    for (const r of this.service.o.store.allRoles()) {
      const name = this.service.o.store.displayName(r.channel, r.userId);
      lines.push(
        `• ${escapeHtml(`${r.channel}:${r.userId}`)}${name ? ` (${escapeHtml(name)})` : ""} — ${r.role}${
          r.contactId ? ` ${escapeHtml(r.contactId)}` : ""
        } — ${t("admin:roles.grantedBy", { by: r.grantedBy, at: formatDateTime(r.grantedAt, this.timeZone) })}`,
      );
    }
    return `${t("admin:roles.title")}\n${lines.length ? lines.join("\n") : t("admin:roles.none")}\n\n${t("admin:roles.help")}`;
  }

  /** `/audit`: the latest changes and refusals, newest first. */
  audit(locale: Locale, limit = 15): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const entries = this.service.admin.latestAudit(limit);
    if (entries.length === 0) return t("admin:audit.none");
    const lines = entries.map((e) => {
      const outcome =
        e.outcome === "ok"
          ? ""
          : ` — <b>${t(`admin:audit.outcome.${e.outcome === "denied" ? "denied" : "error"}`)}</b>`;
      const fields = Array.isArray(e.details.fields) ? ` (${escapeHtml(e.details.fields.join(", "))})` : "";
      return `• ${formatDateTime(e.at, this.timeZone)} — ${escapeHtml(e.actor)} — ${escapeHtml(e.action)} ${escapeHtml(
        e.subject,
      )}${fields}${outcome}`;
    });
    return `${t("admin:audit.title", { count: entries.length })}\n${lines.join("\n")}\n\n${t("admin:audit.export")}`;
  }

  /** `/approve N`, `/reject N`: the second admin's decision; the proposer is told. */
  decide(
    op: "approve" | "reject",
    actor: Extract<AdminActor, { kind: "chat" }>,
    args: string,
    now: Date,
    locale: Locale,
  ): { text: string; others: OtherChatMessage[] } {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const id = /^#?(\d{1,9})$/.exec(args.trim())?.[1];
    if (!id) return { text: this.pendingList(locale), others: [] };
    const at = now.toISOString();
    const outcome =
      op === "approve"
        ? this.service.approve(actor, Number(id), at)
        : this.service.reject(actor, Number(id), at);
    switch (outcome.status) {
      case "approved":
      case "rejected": {
        const [channel = "", userId = ""] = outcome.change.proposedBy.split(/:(.*)/s);
        const proposerLocale = this.localeOf(channel, userId);
        const text = this.translator.t(proposerLocale, `admin:approval.told.${outcome.status}`, {
          id,
          contact: outcome.change.contactId,
          by: actorId(actor),
        });
        const others =
          userId && outcome.change.proposedBy !== actorId(actor) ? [{ channel, chatId: userId, text }] : [];
        return {
          text: t(`admin:approval.${outcome.status}`, { id, contact: outcome.change.contactId }),
          others,
        };
      }
      case "ownChange":
        return { text: t("admin:approval.own"), others: [] };
      case "superseded":
        return { text: t("admin:approval.superseded", { id }), others: [] };
      case "notFound":
        return { text: t("admin:approval.notFound", { id }), others: [] };
      case "denied":
        return { text: t("admin:denied"), others: [] };
    }
  }

  /** The admins' part of `/contacts`: contacts not verified for too long. */
  staleSection(now: Date, locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    const stale = this.service.staleContacts(now);
    const days = Math.round(this.service.o.staleMs / 86_400_000);
    if (stale.length === 0) return t("admin:stale.none", { days });
    const lines = stale.map((c) =>
      t("admin:stale.line", {
        name: c.data.shortName,
        date: c.data.lastVerified.split("-").reverse().join("/"),
      }),
    );
    return `${t("admin:stale.title", { days })}\n${lines.join("\n")}\n${t("admin:stale.hint")}`;
  }

  /** Whom a ticket went to, each contact as it was in the version the ticket was routed with. */
  routedContacts(routing: StoredRouting, locale: Locale): string {
    const t = (key: string, params?: Record<string, string | number>) =>
      this.translator.t(locale, key, params);
    return routing.destinations
      .map((d) => {
        const then = this.service.admin.contactVersion(d.contactId, d.contactVersion);
        if (!then) return `• ${escapeHtml(d.contactId)}`;
        const name = locale === "en" ? then.data.nameEn : then.data.nameVi;
        const reach = [...then.data.hotlines, ...then.data.phones, ...then.data.emails].join(", ");
        const current = this.service.contact(d.contactId);
        const changed =
          current && current.version !== d.contactVersion ? ` <i>${t("admin:status.changedSince")}</i>` : "";
        // The contact's version number is the table's bookkeeping: a reporter reads only "changed since".
        return `• <b>${escapeHtml(name)}</b> (${escapeHtml(then.data.shortName)})${reach ? `: ${escapeHtml(reach)}` : ""}${changed}`;
      })
      .join("\n");
  }
}
