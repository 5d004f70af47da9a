import type { AnyMachineSnapshot } from "xstate";
import type { AdminContactsContext, AdminFlowEvent } from "../../flows/admin-contacts.ts";
import { profileFromContext } from "../../flows/profile.ts";
import { reportAnswers } from "../../flows/report.ts";
import type { AnswerValue, FlowEvent, QuestionnaireContext } from "../../flows/types.ts";
import { AdminChat, type OtherChatMessage } from "../admin/admin-chat.ts";
import { ContactAdmin } from "../admin/contact-admin.ts";
import { assessReport, inactiveIds } from "../domain/assessment.ts";
import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { foldDiacritics } from "../domain/text.ts";
import { escapeHtml, isLocale, type Locale, type Translator } from "../i18n.ts";
import {
  type ChatMessage,
  DUTY_CHANNEL,
  type EditMessage,
  type HandleResult,
  type InboundEvent,
  type RoutedTicket,
} from "../messages.ts";
import { formatDateTime } from "../present/datetime.ts";
import { type RenderContext, renderHotlines, renderRouting, renderSeverity } from "../present/incident.ts";
import type { StackEntry, Store } from "../store/store.ts";
import { FLOWS, type FlowDefinition, type FlowRegistry, flowById, knownTokens } from "./flows.ts";
import { memoizeNumericLookups } from "./memo-translator.ts";
import { choicesFor, currentMeta, NAV, renderAnswers, renderState, stateToken } from "./render.ts";

export interface EngineOptions {
  store: Store;
  translator: Translator;
  timeZone: string;
  defaultLocale: Locale;
  drafts: { reminderMs: number; expiryMs: number };
  /** The flows run as "report" and "profile"; the product's own unless a benchmark or test substitutes. */
  flows?: FlowRegistry;
  /** Contact administration: who is admin by configuration, the four-eyes rule, when a contact is stale. */
  admin?: {
    configAdmins: Readonly<Record<string, readonly string[]>>;
    changeApproval: boolean;
    staleMs: number;
  };
}

/** Admin commands: only admins may run them (checked here, on the server), refusals are audited. */
const ADMIN_COMMANDS = new Set(["contacts_admin", "grant", "revoke", "users", "audit", "approve", "reject"]);

/** Commands and their Vietnamese aliases, mapped to one canonical name. */
const COMMAND_ALIASES: Record<string, string> = {
  start: "start",
  report: "report",
  baocao: "report",
  cancel: "cancel",
  huy: "cancel",
  profile: "profile",
  hoso: "profile",
  status: "status",
  trangthai: "status",
  mytickets: "mytickets",
  cuatoi: "mytickets",
  contacts: "contacts",
  lienhe: "contacts",
  lang: "lang",
  ngonngu: "lang",
  help: "help",
  trogiup: "help",
  back: "back",
  quaylai: "back",
  skip: "skip",
  boqua: "skip",
  contacts_admin: "contacts_admin",
  quanlylienhe: "contacts_admin",
  grant: "grant",
  capquyen: "grant",
  revoke: "revoke",
  thuhoi: "revoke",
  users: "users",
  nguoidung: "users",
  audit: "audit",
  nhatky: "audit",
  approve: "approve",
  duyet: "approve",
  reject: "reject",
  tuchoi: "reject",
};

/** Words a stressed reporter types instead of pressing a button, folded (no diacritics, lower case). */
const KEYWORDS: Record<string, "back" | "cancel" | "skip" | "help" | "keep" | "done"> = {
  "quay lai": "back",
  "tro lai": "back",
  back: "back",
  huy: "cancel",
  "huy bo": "cancel",
  "huy bao cao": "cancel",
  cancel: "cancel",
  "bo qua": "skip",
  skip: "skip",
  "tro giup": "help",
  "giup do": "help",
  help: "help",
  "?": "help",
  "giu nguyen": "keep",
  keep: "keep",
  xong: "done",
  done: "done",
};

const tokenCache = new WeakMap<FlowRegistry, Set<string>>();

/** The button tokens of a registry, computed once. */
function tokensOf(flows: FlowRegistry): Set<string> {
  let tokens = tokenCache.get(flows);
  if (!tokens) {
    tokens = knownTokens(flows);
    tokenCache.set(flows, tokens);
  }
  return tokens;
}

const DRAFT_REMINDER = "draft_reminder";
const DRAFT_EXPIRY = "draft_expiry";
const TICKET_PATTERN = /^SC-\d{4}-\d{6}$/;
/** The flow event each navigation button stands for; any other value answers the question. */
const NAV_EVENTS: Readonly<Record<string, "BACK" | "SKIP" | "KEEP" | "DONE" | "SKIP_SECTION">> = {
  [NAV.back]: "BACK",
  [NAV.skip]: "SKIP",
  [NAV.keep]: "KEEP",
  [NAV.done]: "DONE",
  [NAV.skipSection]: "SKIP_SECTION",
};

/** The ticket id of the n-th ticket of a year, e.g. SC-2026-000123. */
export function formatTicketId(year: number, n: number): string {
  return `SC-${year}-${String(n).padStart(6, "0")}`;
}

/**
 * Applies inbound events to conversations. Each call is one synchronous SQLite transaction: dedupe, load the
 * chat's flow stack, pure XState transitions, effects and outgoing messages as rows, save. Nothing here does
 * network I/O; the dispatcher sends the outbox rows after the commit.
 */
export class Engine {
  /** Contact administration in chat; built once so its statements are prepared once. */
  readonly admin: AdminChat;
  /** The options each turn sees: the same, with the translator's numeric lookups memoized. */
  private readonly turnOptions: EngineOptions;
  /**
   * The last stack each recent chat committed, with its restored snapshots. A turn uses it only when the
   * stored JSON is, character for character, the JSON it was built from, so the database stays the truth
   * (another process, a restart, a test writing the row directly all simply miss); it saves parsing the
   * stack and restoring its snapshots, which is a tenth of an update's time. Oldest chats drop out first.
   */
  private readonly stacks = new Map<string, SavedStack>();

  constructor(readonly options: EngineOptions) {
    this.turnOptions = { ...options, translator: memoizeNumericLookups(options.translator) };
    const settings = options.admin ?? { configAdmins: {}, changeApproval: false, staleMs: 180 * 86_400_000 };
    this.admin = new AdminChat(
      new ContactAdmin({ store: options.store, ...settings }),
      options.translator,
      options.timeZone,
      options.defaultLocale,
    );
  }

  /** Applies one inbound event at most once (invariant 2) and returns the outbox rows it wrote. */
  handle(event: InboundEvent): HandleResult {
    const { store } = this.options;
    const key = `${event.channel}\u0000${event.chatId}`;
    let saved: SavedStack | undefined;
    let result: HandleResult;
    try {
      result = store.transaction(() => {
        if (!store.markProcessed(event.channel, event.dedupeKey, event.at.toISOString())) {
          return { duplicate: true, outbox: [] };
        }
        const turn = new Turn(this.turnOptions, event, this.admin, this.stacks.get(key));
        turn.run();
        const committed = turn.commit();
        saved = turn.saved;
        return committed;
      });
    } catch (error) {
      // Rolled back: what this turn built in memory was never stored.
      this.stacks.delete(key);
      throw error;
    }
    // Only now is the stack durable, so only now may a later turn start from it.
    if (saved) this.rememberStack(key, saved);
    return result;
  }

  private rememberStack(key: string, saved: SavedStack): void {
    this.stacks.delete(key);
    if (saved.json === undefined) return;
    if (this.stacks.size >= STACK_CACHE_CHATS) {
      const oldest = this.stacks.keys().next().value;
      if (oldest !== undefined) this.stacks.delete(oldest);
    }
    this.stacks.set(key, saved);
  }

  /** Fires one due scheduled job (draft reminder or expiry) as a timer event, exactly once. */
  fireJob(
    job: { id: number; jobKey: string; kind: string; dueAt: string; payload: Record<string, unknown> },
    now: Date,
  ) {
    const { store } = this.options;
    const channel = String(job.payload.channel ?? "");
    const chatId = String(job.payload.chatId ?? "");
    const userId = String(job.payload.userId ?? "");
    // Timer turns are rare: they start from the database and leave no stack behind in memory.
    this.stacks.delete(`${channel}\u0000${chatId}`);
    return store.transaction(() => {
      if (!store.finishJob(job.id, job.dueAt)) return { duplicate: true, outbox: [] };
      // finishJob is the at-most-once guard for jobs; the key only names the outbox rows this firing writes.
      const turn = new Turn(
        this.turnOptions,
        {
          channel,
          chatId,
          userId,
          chatType: "private",
          dedupeKey: `job:${job.id}:${job.dueAt}`,
          at: now,
          payload: { kind: "timer", job: job.kind },
        },
        this.admin,
      );
      turn.run();
      return turn.commit();
    });
  }
}

interface Active {
  flow: FlowDefinition;
  snapshot: AnyMachineSnapshot;
}

/** A stack as one turn committed it: its JSON, its entries, their restored snapshots and their JSON. */
interface SavedStack {
  /** Undefined when the stack was emptied (the row deleted). */
  json: string | undefined;
  entries: StackEntry[];
  actives: Array<Active | undefined>;
  entryJson: string[];
}

/** How many chats keep their stack in memory between updates. */
const STACK_CACHE_CHATS = 5000;

/** The work of one inbound event: state it loads, messages it produces, and the rows it writes at the end. */
class Turn {
  private readonly store: Store;
  private readonly t: Translator;
  private readonly at: string;
  private locale: Locale;
  private rc: RenderContext;
  private stack: StackEntry[];
  private readonly messages: ChatMessage[] = [];
  private readonly edits: EditMessage[] = [];
  private readonly restored = new WeakMap<StackEntry, Active>();
  /** Entries whose JSON is already known (loaded unchanged), so saving does not serialize them again. */
  private readonly entryJson = new WeakMap<StackEntry, string>();
  /** The stack as committed, set by commit(). */
  saved: SavedStack | undefined;
  private readonly flows: FlowRegistry;
  private readonly routed: RoutedTicket[] = [];
  private ticketId: string | undefined;
  private timerFired: string | undefined;
  /** Messages for other chats than this one (four-eyes requests and decisions to the other admins). */
  private readonly others: OtherChatMessage[] = [];

  constructor(
    private readonly options: EngineOptions,
    private readonly event: InboundEvent,
    private readonly admin: AdminChat,
    cached?: SavedStack,
  ) {
    this.store = options.store;
    this.t = options.translator;
    this.at = event.at.toISOString();
    const saved = this.store.knownUserLocale(event.channel, event.userId);
    if (saved === undefined) this.store.ensureUser(event.channel, event.userId, this.at);
    this.locale = this.resolveLocale(saved ?? null);
    this.rc = { t: this.t, locale: this.locale, timeZone: options.timeZone };
    const json = this.store.conversationJson(event.channel, event.chatId);
    if (json === undefined) this.stack = [];
    else if (cached?.json === json) {
      this.stack = [...cached.entries];
      cached.entries.forEach((entry, i) => {
        const active = cached.actives[i];
        if (active) this.restored.set(entry, active);
        const text = cached.entryJson[i];
        if (text !== undefined) this.entryJson.set(entry, text);
      });
    } else this.stack = JSON.parse(json) as StackEntry[];
    this.flows = options.flows ?? FLOWS;
  }

  private resolveLocale(saved: string | null): Locale {
    if (isLocale(saved)) return saved;
    const code = this.event.languageCode?.slice(0, 2).toLowerCase();
    return isLocale(code) ? code : this.options.defaultLocale;
  }

  private say(key: string, params?: Record<string, string | number>): void {
    this.messages.push({ kind: "chat", text: this.t.t(this.locale, key, params) });
  }

  run(): void {
    const p = this.event.payload;
    if (this.event.chatType === "group") {
      // Reporting happens in private chats only: incident details do not belong in a group.
      if (
        p.kind === "command" &&
        ["start", "report"].includes(COMMAND_ALIASES[p.command.toLowerCase()] ?? "")
      ) {
        this.say("common:group.privateOnly");
      }
      return;
    }
    this.upgradeStack();
    switch (p.kind) {
      case "command": {
        this.command(COMMAND_ALIASES[p.command.toLowerCase()] ?? "", p.args.trim());
        return;
      }
      case "text": {
        this.text(p.text);
        return;
      }
      case "choice": {
        this.choice(p.token, p.value);
        return;
      }
      case "file": {
        this.file(p);
        return;
      }
      case "timer": {
        this.timer(p.job);
        return;
      }
    }
  }

  // ── flow stack ──────────────────────────────────────────────────────────────────────────────────────────

  /** Restarts entries written by another flow version with their answers kept, so nobody is stranded. */
  private upgradeStack(): void {
    let upgraded = false;
    this.stack = this.stack.flatMap((entry) => {
      const flow = flowById(this.flows, entry.flow);
      if (!flow) {
        upgraded = true;
        return [];
      }
      if (entry.version === flow.version) return [entry];
      upgraded = true;
      // An admin's half-done edit is not worth migrating: they see the list again.
      if (flow.present) return [];
      const old = (entry.snapshot as { context?: Partial<QuestionnaireContext> }).context ?? {};
      const known = new Set(flow.questions.map((q) => q.id));
      const answers = Object.fromEntries(Object.entries(old.answers ?? {}).filter(([k]) => known.has(k)));
      const snapshot = flow.runner.initial({
        draftId: old.draftId ?? `${this.event.channel}:${this.event.chatId}:${this.event.dedupeKey}`,
        at: this.at,
        prefill: old.prefill ?? {},
        answers,
        files: old.files ?? [],
      });
      return [{ flow: flow.id, version: flow.version, snapshot: flow.runner.persist(snapshot) }];
    });
    if (upgraded) this.say("flow:notice.flowUpdated");
  }

  /** The active flow (top of the stack), restored once per entry and kept for the rest of the turn. */
  private top(): Active | undefined {
    const entry = this.stack.at(-1);
    if (!entry) return undefined;
    const cached = this.restored.get(entry);
    if (cached) return cached;
    const flow = flowById(this.flows, entry.flow);
    if (!flow) return undefined;
    const active = { flow, snapshot: flow.runner.restore(entry.snapshot) };
    this.restored.set(entry, active);
    return active;
  }

  private setTop(active: Active): void {
    const entry: StackEntry = {
      flow: active.flow.id,
      version: active.flow.version,
      snapshot: active.flow.runner.persist(active.snapshot),
    };
    this.stack[this.stack.length - 1] = entry;
    this.restored.set(entry, active);
  }

  private start(flowId: "report" | "profile", extraPrefill: Record<string, AnswerValue> = {}): void {
    const flow = this.flows[flowId];
    const profile = this.store.profile(this.event.channel, this.event.userId) as
      | Record<string, AnswerValue>
      | undefined;
    const prefill: Record<string, AnswerValue> =
      flowId === "report"
        ? { ...(profile ? { profile, organisation: profile.organisation ?? null } : {}), ...extraPrefill }
        : { ...(profile ?? {}), ...extraPrefill };
    const snapshot = flow.runner.initial({
      draftId: `${this.event.channel}:${this.event.chatId}:${this.event.dedupeKey}:${this.stack.length}`,
      at: this.at,
      prefill,
    });
    const entry: StackEntry = {
      flow: flow.id,
      version: flow.version,
      snapshot: flow.runner.persist(snapshot),
    };
    this.stack.push(entry);
    this.restored.set(entry, { flow, snapshot });
  }

  /** Sends one event to the active flow and settles the stack; answers "not now" if the state ignores it. */
  private send(event: FlowEvent | AdminFlowEvent, render = true): void {
    const active = this.top();
    if (!active) return;
    // A pure transition that selects nothing returns the very same snapshot: no need to ask can() first
    // (which would select the transition, and so run its guards, a second time).
    const next = active.flow.runner.transition(active.snapshot, event);
    if (next === active.snapshot) {
      this.say("flow:error.notNow");
      this.renderTop();
      return;
    }
    this.setTop({ flow: active.flow, snapshot: next });
    this.settle(render);
  }

  /**
   * Finishes completed flows, hands results to the flow below, launches requested flows, and renders the top
   * (unless the caller has more to apply first and will render afterwards).
   */
  private settle(render = true): void {
    for (let guard = 0; guard < 10; guard++) {
      const active = this.top();
      if (!active) return;
      if (active.snapshot.status === "done" && active.flow.present) {
        // The admin flow closes on its own; the flow below it (a report in progress) is shown again, unmoved.
        this.stack.pop();
        this.say("admin:closed");
        if (render) this.renderTop();
        return;
      }
      if (active.flow.present && this.runAdminRequest(active)) continue;
      if (active.snapshot.status === "done") {
        this.stack.pop();
        const result = this.complete(active);
        const parent = this.top();
        if (!parent) return;
        if (result) {
          this.setTop({
            flow: parent.flow,
            snapshot: parent.flow.runner.transition(parent.snapshot, result),
          });
        } else if (parent.snapshot.can({ type: "BACK", at: this.at })) {
          // The sub-flow was cancelled: the parent steps back from the question that launched it.
          const back = parent.flow.runner.transition(parent.snapshot, { type: "BACK", at: this.at });
          this.setTop({ flow: parent.flow, snapshot: back });
        }
        continue;
      }
      const current = currentMeta(active.snapshot);
      if (current && "prompt" in current.meta && current.meta.launch) {
        const launch = flowById(this.flows, current.meta.launch);
        if (launch && launch.id !== active.flow.id) {
          this.messages.push(renderState(active.flow, active.snapshot, this.rc));
          this.start(current.meta.launch === "profile" ? "profile" : "report");
          continue;
        }
      }
      if (render) this.renderTop();
      return;
    }
  }

  /** Effects of a flow reaching a final state; returns the event to hand to the flow below, if any. */
  private complete(active: Active): FlowEvent | undefined {
    const context = active.snapshot.context as QuestionnaireContext;
    const state = String(active.snapshot.value);
    if (active.flow.id === "profile") {
      if (state !== "done") {
        this.say(
          active.flow.id === "profile" && this.stack.length > 0
            ? "profile:final.cancelledInReport"
            : "flow:final.cancelled",
        );
        return undefined;
      }
      const profile = profileFromContext(context);
      this.store.saveProfile(this.event.channel, this.event.userId, profile, this.at);
      this.store.audit(this.at, this.actor(), "profile.save", this.actor(), "ok", {
        fields: Object.keys(profile),
      });
      if (this.stack.length === 0) this.say("profile:final.saved");
      return { type: "PROFILE", profile, at: this.at };
    }
    if (state === "submitted") this.submit(context);
    else this.messages.push(renderState(active.flow, active.snapshot, this.rc));
    return undefined;
  }

  private actor(): string {
    return `${this.event.channel}:${this.event.userId}`;
  }

  private adminActor() {
    return { kind: "chat" as const, channel: this.event.channel, userId: this.event.userId };
  }

  private isAdmin(): boolean {
    return this.admin.service.isAdmin(this.adminActor());
  }

  /**
   * Carries out what the admin flow asked for (save, verify, create, delete) and hands it the result; true when
   * there was a request. The service checks the admin's authority again, so a role revoked mid-edit saves
   * nothing.
   */
  private runAdminRequest(active: Active): boolean {
    const request = (active.snapshot.context as AdminContactsContext).request;
    if (!request) return false;
    const { result, others } = this.admin.execute(this.adminActor(), request, this.event.at);
    this.others.push(...others);
    this.setTop({ flow: active.flow, snapshot: active.flow.runner.transition(active.snapshot, result) });
    return true;
  }

  /** Refuses an admin command or button to a non-admin, with an audit entry; true when refused. */
  private refuseNonAdmin(action: string, subject: string): boolean {
    if (this.isAdmin()) return false;
    this.store.audit(this.at, this.actor(), action, subject.slice(0, 64), "denied", {});
    // A flow left over from when this person was an admin goes too: its buttons would only be refused.
    this.stack = this.stack.filter((e) => !flowById(this.flows, e.flow)?.present);
    this.say("admin:denied");
    return true;
  }

  private startAdmin(): void {
    const flow = this.flows.adminContacts;
    if (!flow) {
      this.say("common:unknownCommand");
      return;
    }
    // Asked again, the list starts over with fresh data (another admin may have changed it meanwhile).
    if (this.top()?.flow.id === flow.id) this.stack.pop();
    const snapshot = flow.runner.initial(this.admin.input(this.event.at));
    const entry: StackEntry = {
      flow: flow.id,
      version: flow.version,
      snapshot: flow.runner.persist(snapshot),
    };
    this.stack.push(entry);
    this.restored.set(entry, { flow, snapshot });
    this.renderTop();
  }

  private adminCommand(name: string, args: string): void {
    if (this.refuseNonAdmin("admin.command", `/${name}`)) {
      this.renderTop();
      return;
    }
    const text = (value: string) => this.messages.push({ kind: "chat", text: value });
    switch (name) {
      case "contacts_admin":
        this.startAdmin();
        return;
      case "grant":
      case "revoke":
        text(this.admin.role(name, this.adminActor(), args, this.event.at, this.locale));
        break;
      case "users":
        text(this.admin.users(this.event.channel, this.locale));
        break;
      case "audit":
        text(this.admin.audit(this.locale));
        break;
      case "approve":
      case "reject": {
        const decided = this.admin.decide(name, this.adminActor(), args, this.event.at, this.locale);
        this.others.push(...decided.others);
        text(decided.text);
        break;
      }
    }
    this.renderTop();
  }

  // ── rendering ───────────────────────────────────────────────────────────────────────────────────────────

  private renderTop(): void {
    const active = this.top();
    if (!active) return;
    const current = currentMeta(active.snapshot);
    const context = active.snapshot.context as QuestionnaireContext;
    const key = current?.key;
    if (active.flow.id === "report" && key === "summary") {
      this.messages.push(
        renderState(active.flow, active.snapshot, this.rc, { summary: this.summary(context) }),
      );
      return;
    }
    if (active.flow.id === "report" && key === "reporterConfirm") {
      const profile = (context.prefill.profile ?? {}) as Record<string, AnswerValue>;
      this.messages.push(
        renderState(active.flow, active.snapshot, this.rc, {
          summary: renderAnswers(this.flows.profile, profile, this.rc),
        }),
      );
      return;
    }
    if (active.flow.id === "profile" && key === "confirm") {
      this.messages.push(
        renderState(active.flow, active.snapshot, this.rc, {
          summary: renderAnswers(this.flows.profile, context.answers, this.rc),
        }),
      );
      return;
    }
    if (key === "typeConfirm") {
      const proposed = context.extra.proposedType;
      const type = isIncidentType(proposed) ? this.t.t(this.locale, incidentTypeLabelKey(proposed)) : "";
      this.messages.push(renderState(active.flow, active.snapshot, this.rc, { params: { type } }));
      return;
    }
    this.messages.push(renderState(active.flow, active.snapshot, this.rc));
  }

  /** The summary before submission: every answer, the reporter, the computed severity and the routing. */
  private summary(context: QuestionnaireContext): string {
    const answers = reportAnswers(context);
    const assessment = assessReport(
      answers,
      this.store.routingRules(),
      "submitted",
      inactiveIds(this.store.contacts()),
    );
    const reporter = (answers.reporter ?? {}) as Record<string, AnswerValue>;
    const files = context.files.length
      ? `\n${this.t.t(this.locale, "flow:answer.files", { count: context.files.length })}`
      : "";
    return [
      renderAnswers(this.flows.report, answers, this.rc) + files,
      `<b>${this.t.t(this.locale, "report:summary.reporter")}</b>\n${renderAnswers(this.flows.profile, reporter, this.rc)}`,
      renderSeverity(assessment, this.rc),
      `<b>${this.t.t(this.locale, "report:summary.routing")}</b>\n${renderRouting(assessment, this.store.contacts(), this.rc)}`,
    ].join("\n\n");
  }

  // ── inputs ──────────────────────────────────────────────────────────────────────────────────────────────

  private command(name: string, args: string): void {
    const active = this.top();
    if (ADMIN_COMMANDS.has(name)) {
      this.adminCommand(name, args);
      return;
    }
    switch (name) {
      case "start":
      case "report":
        if (active) {
          this.say("common:resume");
          this.renderTop();
          return;
        }
        if (name === "start") this.say("common:welcome");
        this.start("report");
        this.settle();
        return;
      case "cancel":
        if (!active) {
          this.say("common:nothingToCancel");
          return;
        }
        {
          this.send({ type: "CANCEL", at: this.at });
          return;
        }
      case "profile":
        if (active?.flow.id === "profile") {
          this.renderTop();
          return;
        }
        this.start("profile");
        this.settle();
        return;
      case "status":
        this.status(args);
        {
          this.renderTop();
          return;
        }
      case "mytickets":
        this.myTickets();
        {
          this.renderTop();
          return;
        }
      case "contacts":
        this.messages.push({
          kind: "chat",
          text: `${this.t.t(this.locale, "common:contacts.title")}\n\n${renderHotlines(this.store.contacts(), this.rc)}`,
        });
        if (this.isAdmin()) {
          this.messages.push({ kind: "chat", text: this.admin.staleSection(this.event.at, this.locale) });
        }
        {
          this.renderTop();
          return;
        }
      case "lang": {
        this.language(args);
        return;
      }
      case "help":
        this.help();
        {
          this.renderTop();
          return;
        }
      case "back":
      case "skip":
        if (!active) {
          this.say("common:noActiveReport");
          return;
        }
        {
          this.send({ type: name === "back" ? "BACK" : "SKIP", at: this.at });
          return;
        }
      default:
        this.say("common:unknownCommand");
        {
          this.renderTop();
          return;
        }
    }
  }

  private help(): void {
    const active = this.top();
    const current = active ? currentMeta(active.snapshot) : undefined;
    if (active && current && "question" in current.meta) {
      const key = `${active.flow.id}:q.${current.meta.question}.help`;
      if (this.t.exists(key, this.locale)) this.say(key);
    }
    this.say("common:help");
    if (this.isAdmin()) this.say("admin:help");
  }

  private language(args: string): void {
    const wanted = foldDiacritics(args);
    const locale = wanted.startsWith("en")
      ? "en"
      : wanted.startsWith("vi") || wanted.startsWith("tieng viet")
        ? "vi"
        : undefined;
    if (!locale) {
      this.messages.push({
        kind: "chat",
        text: this.t.t(this.locale, "common:lang.prompt"),
        token: "lang",
        choices: [
          { value: "vi", label: "Tiếng Việt" },
          { value: "en", label: "English" },
        ],
      });
      return;
    }
    this.store.setUserLocale(this.event.channel, this.event.userId, locale);
    this.locale = locale;
    this.rc = { ...this.rc, locale };
    this.say("common:lang.set");
    this.renderTop();
  }

  private text(raw: string): void {
    const text = raw.trim();
    // Typing into the admin flow is checked like its buttons: a revoked admin reads no more of it.
    if (
      this.top()?.flow.id === this.flows.adminContacts?.id &&
      this.refuseNonAdmin("admin.text", "admin-contacts")
    ) {
      this.renderTop();
      return;
    }
    const active = this.top();
    const folded = foldDiacritics(text);
    const keyword = KEYWORDS[folded];
    if (!active) {
      if (keyword === "help") {
        this.help();
        return;
      }
      if (!text) {
        this.say("common:emptyMessage");
        return;
      }
      // Free text first: a reporter who just describes what happened starts a report with it.
      this.say("common:startedFromText");
      this.start("report");
      this.settle();
      if (text.split(/\s+/).length >= 5) this.send({ type: "TEXT", text, at: this.at });
      return;
    }
    if (keyword === "help") {
      this.help();
      this.renderTop();
      return;
    }
    if (keyword) {
      this.send(this.navEvent(keyword));
      return;
    }
    const choices = choicesFor(active.flow, active.snapshot, this.rc);
    const current = currentMeta(active.snapshot);
    const question =
      current && "question" in current.meta
        ? active.flow.questions.find((q) => "question" in current.meta && q.id === current.meta.question)
        : undefined;
    if (active.flow.present?.freeText(active.snapshot)) {
      this.send({ type: "TEXT", text: raw, at: this.at });
      return;
    }
    const numbersPick =
      !question ||
      ["choice", "multi", "yesno"].includes(question.input.kind) ||
      question.input.kind === "files";
    if (choices.length > 0) {
      if (question?.input.kind === "multi" && /^\d+(\s*[,;\s]\s*\d+)*$/.test(text)) {
        const picked = text.split(/[,;\s]+/).map((n) => choices[Number(n) - 1]?.value);
        if (picked.every((v): v is string => typeof v === "string" && !v.startsWith("_"))) {
          this.send({ type: "CHOOSE_MANY", values: picked, at: this.at });
          return;
        }
        this.send({ type: "CHOOSE_MANY", values: ["_invalid"], at: this.at });
        return;
      }
      if (numbersPick && /^\d{1,3}$/.test(text)) {
        const choice = choices[Number(text) - 1];
        if (choice) {
          this.choose(choice.value);
          return;
        }
        this.say("flow:error.numberOutOfRange", { max: choices.length });
        this.renderTop();
        return;
      }
      const clean = (s: string) => foldDiacritics(s.replace(/^✅\s*/, "")).replace(/[.!]+$/, "");
      // People type the label's head, not its explanation in brackets: "nhiem ma doc", "cap do 3".
      const head = (s: string) => clean(s.replace(/\s*\(.*\)\s*$/, ""));
      const typed = clean(text);
      const byLabel =
        choices.find((c) => clean(c.label) === typed) ?? choices.find((c) => head(c.label) === typed);
      if (byLabel) {
        this.choose(byLabel.value);
        return;
      }
    }
    this.send({ type: "TEXT", text: raw, at: this.at });
  }

  private navEvent(keyword: "back" | "cancel" | "skip" | "keep" | "done"): FlowEvent {
    const type = ({ back: "BACK", cancel: "CANCEL", skip: "SKIP", keep: "KEEP", done: "DONE" } as const)[
      keyword
    ];
    return { type, at: this.at };
  }

  private choose(value: string): void {
    const nav = NAV_EVENTS[value];
    this.send(nav ? { type: nav, at: this.at } : { type: "CHOOSE", value, at: this.at });
  }

  /** A pressed button: accepted only if it belongs to the question being asked and offers this value. */
  private choice(token: string, value: string): void {
    if (token === "lang") {
      this.language(value === "en" || value === "vi" ? value : "");
      return;
    }
    const adminPrefix = this.flows.adminContacts ? `${this.flows.adminContacts.tokenPrefix}.` : undefined;
    if (adminPrefix && token.startsWith(adminPrefix) && this.refuseNonAdmin("admin.button", token)) {
      this.renderTop();
      return;
    }
    // A token no question ever carried was made up, not merely old: refused and audited.
    if (!tokensOf(this.flows).has(token)) {
      this.store.audit(this.at, this.actor(), "button.forged", token.slice(0, 64), "denied", {});
      this.say("common:error.unknownButton");
      this.renderTop();
      return;
    }
    const active = this.top();
    const current = active ? currentMeta(active.snapshot) : undefined;
    if (!active || !current || stateToken(active.flow, current.key) !== token) {
      this.say("common:error.staleButton");
      this.renderTop();
      return;
    }
    const choices = choicesFor(active.flow, active.snapshot, this.rc);
    const label = choices.find((c) => c.value === value)?.label;
    if (label === undefined) {
      this.store.audit(this.at, this.actor(), "button.unknown", token, "denied", {
        value: value.slice(0, 64),
      });
      this.say("common:error.unknownButton");
      this.renderTop();
      return;
    }
    const messageRef = this.event.messageRef;
    const asked = renderState(active.flow, active.snapshot, this.rc);
    const shown = this.messages.length;
    this.choose(value);
    if (!messageRef) return;
    const after = this.top();
    const afterKey = after ? currentMeta(after.snapshot)?.key : undefined;
    const toggled = after && afterKey && stateToken(after.flow, afterKey) === token && !value.startsWith("_");
    const rerender = this.messages[this.messages.length - 1];
    if (toggled && rerender?.token === token && this.messages.length === shown + 1) {
      // A multi-select toggle: redraw the same question's keyboard in place instead of a new message.
      this.messages.pop();
      this.edits.push({
        kind: "edit",
        messageRef,
        text: rerender.text,
        token,
        choices: rerender.choices ?? [],
      });
      return;
    }
    // The answered question keeps its text, shows the answer, and loses its buttons.
    const question = asked.text
      .split("\n\n")
      .filter((part) => !/^(ℹ️|⚠️)/.test(part))
      .join("\n\n");
    this.edits.push({ kind: "edit", messageRef, text: `${question}\n\n✔️ <b>${escapeHtml(label)}</b>` });
  }

  private file(p: Extract<InboundEvent["payload"], { kind: "file" }>): void {
    if (!this.top()) {
      this.say("common:startedFromText");
      this.start("report");
      this.settle(false);
    }
    // With a caption, the caption's answer renders the next question; without, the file's notice does.
    const caption = p.caption?.trim();
    this.send({ type: "FILE", file: p.file, at: this.at }, !caption);
    if (caption) this.text(p.caption ?? "");
  }

  private timer(job: string): void {
    this.timerFired = job;
    const active = this.top();
    if (!active) return;
    if (job === DRAFT_REMINDER) {
      this.say("flow:reminder", { hours: Math.round(this.options.drafts.expiryMs / 3_600_000) });
      this.renderTop();
      return;
    }
    if (job === DRAFT_EXPIRY) {
      this.stack = [];
      this.say("flow:final.expired");
    }
  }

  // ── reports and tickets ─────────────────────────────────────────────────────────────────────────────────

  /** Creates the incident and its ticket for a submitted draft: exactly once per draft (invariant 1). */
  private submit(context: QuestionnaireContext): void {
    const answers = reportAnswers(context);
    const rules = this.store.routingRules();
    const contacts = this.store.contacts();
    const assessment = assessReport(answers, rules, "submitted", inactiveIds(contacts));
    const existing = this.store.incidentBySubmission(context.draftId);
    const year = Number(formatDateTime(this.at, this.options.timeZone).slice(6, 10));
    const ticketId = existing?.ticketId ?? formatTicketId(year, this.store.nextTicketNumber(year));
    const destinations = assessment.routing.destinations.map((d) => ({
      ...d,
      contactVersion: contacts.find((c) => c.id === d.contactId)?.version ?? 0,
    }));
    const detectedAt = typeof answers.detectedAt === "string" ? answers.detectedAt : this.at;
    const { row, created } = this.store.insertIncident({
      ticketId,
      submissionKey: context.draftId,
      channel: this.event.channel,
      chatId: this.event.chatId,
      reporterUserId: this.event.userId,
      reporterLocale: this.locale,
      incidentType: String(answers.type ?? "other"),
      severity: assessment.severity.level,
      severityReasons: assessment.severity.reasons,
      serious: assessment.severity.serious,
      answers: { ...answers, files: context.files, reportedAt: this.at } as Record<string, unknown>,
      routing: { destinations, advice: assessment.routing.advice, firedRules: assessment.routing.firedRules },
      status: "new",
      detectedAt,
      createdAt: this.at,
    });
    this.ticketId = row.ticketId;
    if (created) {
      this.store.addTimeline(row.id, this.at, this.actor(), "submitted", {
        severity: assessment.severity.level,
        destinations: destinations.map((d) => d.contactId),
      });
      this.store.audit(this.at, this.actor(), "incident.submit", row.ticketId, "ok", {
        severity: assessment.severity.level,
      });
      for (const d of destinations) {
        this.routed.push({
          kind: "ticket_routed",
          ticketId: row.ticketId,
          contactId: d.contactId,
          contactVersion: d.contactVersion,
          kinds: d.kinds,
          rules: d.rules,
        });
      }
    }
    const deadline = formatDateTime(
      new Date(Date.parse(detectedAt) + 5 * 86_400_000).toISOString(),
      this.options.timeZone,
    );
    const text = [
      this.t.t(this.locale, "report:final.submitted", { ticketId: row.ticketId, deadline }),
      renderSeverity(assessment, this.rc),
      `<b>${this.t.t(this.locale, "report:summary.routing")}</b>\n${renderRouting(assessment, contacts, this.rc)}`,
      `${this.t.t(this.locale, "common:contacts.title")}\n\n${renderHotlines(contacts, this.rc)}`,
    ].join("\n\n");
    this.messages.push({ kind: "chat", text });
  }

  private status(args: string): void {
    const ticketId = args.trim().toUpperCase();
    if (!ticketId) {
      this.say("common:status.usage");
      return;
    }
    if (!TICKET_PATTERN.test(ticketId)) {
      this.say("common:status.badId", { value: args.slice(0, 30) });
      return;
    }
    const incident = this.store.incidentByTicket(ticketId);
    // Not found and not yours answer alike, so ticket ids cannot be probed.
    if (
      !incident ||
      incident.channel !== this.event.channel ||
      incident.reporterUserId !== this.event.userId
    ) {
      this.say("common:status.notFound", { ticketId });
      return;
    }
    const lines = this.store
      .timeline(incident.id)
      .map(
        (e) =>
          `• ${formatDateTime(e.at, this.options.timeZone)} — ${this.t.t(this.locale, `common:timeline.${e.action}`)}`,
      );
    this.say("common:status.header", {
      ticketId,
      status: this.t.t(this.locale, `common:ticketStatus.${incident.status}`),
      severity: this.t.t(this.locale, severityLabelKey(incident.severity as 1 | 2 | 3 | 4)),
      type: isIncidentType(incident.incidentType)
        ? this.t.t(this.locale, incidentTypeLabelKey(incident.incidentType))
        : "",
    });
    this.messages.push({ kind: "chat", text: lines.join("\n") });
    if (incident.routing.destinations.length > 0) {
      this.messages.push({
        kind: "chat",
        text: `${this.t.t(this.locale, "admin:status.routedTo")}\n${this.admin.routedContacts(incident.routing, this.locale)}`,
      });
    }
  }

  private myTickets(): void {
    const tickets = this.store.incidentsByReporter(this.event.channel, this.event.userId, 10);
    if (tickets.length === 0) {
      this.say("common:mytickets.none");
      return;
    }
    const lines = tickets.map(
      (i) =>
        `• <b>${escapeHtml(i.ticketId)}</b> — ${formatDateTime(i.createdAt, this.options.timeZone)} — ${this.t.t(
          this.locale,
          severityLabelKey(i.severity as 1 | 2 | 3 | 4),
        )} — ${this.t.t(this.locale, `common:ticketStatus.${i.status}`)}`,
    );
    this.messages.push({
      kind: "chat",
      text: `${this.t.t(this.locale, "common:mytickets.title")}\n${lines.join("\n")}`,
    });
  }

  // ── commit ──────────────────────────────────────────────────────────────────────────────────────────────

  commit(): HandleResult {
    const { channel, chatId, userId } = this.event;
    // The same text as JSON.stringify(this.stack): an array's JSON is its elements' JSON joined by commas.
    const entryJson = this.stack.map((e) => this.entryJson.get(e) ?? JSON.stringify(e));
    const json = entryJson.length > 0 ? `[${entryJson.join(",")}]` : undefined;
    this.store.saveConversationJson(channel, chatId, userId, json, this.at);
    this.saved = {
      json,
      entries: [...this.stack],
      actives: this.stack.map((e) => this.restored.get(e)),
      entryJson,
    };
    const draftKey = `draft:${channel}:${chatId}`;
    if (this.stack.some((e) => e.flow === "report")) {
      const payload = { channel, chatId, userId };
      const { reminderMs, expiryMs } = this.options.drafts;
      const [kind, dueMs] =
        this.timerFired === DRAFT_REMINDER ? [DRAFT_EXPIRY, expiryMs] : [DRAFT_REMINDER, reminderMs];
      const due = Date.parse(this.at) + dueMs;
      const current = this.store.jobState(draftKey);
      // Moving a reminder by under 1% of its period (at most a minute) changes nothing a user notices.
      const close =
        current?.status === "pending" &&
        current.kind === kind &&
        Math.abs(Date.parse(current.dueAt) - due) < Math.min(60_000, dueMs / 100);
      if (!close) this.store.scheduleJob(draftKey, kind, new Date(due).toISOString(), payload, this.at);
    } else {
      this.store.cancelJob(draftKey);
    }
    const outbox: number[] = [];
    const own: NonNullable<HandleResult["own"]> = [];
    // The turn's own messages need no idempotency key: this transaction runs once per dedupe key.
    for (const m of [...this.edits, ...this.messages]) {
      const id = this.store.enqueue(null, channel, chatId, m, this.at);
      if (id !== undefined) {
        outbox.push(id);
        own.push({ id, payload: m });
      }
    }
    for (const m of this.others) {
      const id = this.store.enqueue(null, m.channel, m.chatId, { kind: "chat", text: m.text }, this.at);
      if (id !== undefined) outbox.push(id);
    }
    for (const r of this.routed) {
      const id = this.store.enqueue(
        `ticket:${r.ticketId}:${r.contactId}`,
        DUTY_CHANNEL,
        r.contactId,
        r,
        this.at,
      );
      if (id !== undefined) outbox.push(id);
    }
    return this.ticketId
      ? { duplicate: false, outbox, own, ticketId: this.ticketId }
      : { duplicate: false, outbox, own };
  }
}
