import type { AnyMachineSnapshot } from "xstate";
import type { AdminChat, OtherChatMessage } from "../admin/admin-chat.ts";
import { type Locale, resolveLocale, type Translator } from "../i18n.ts";
import type {
  ChatMessage,
  DocumentMessage,
  EditMessage,
  HandleResult,
  InboundEvent,
  RoutedTicket,
} from "../messages.ts";
import { DUTY_CHANNEL } from "../messages.ts";
import type { RenderContext } from "../present/incident.ts";
import type { StackEntry, Store } from "../store/store.ts";
import { COMMAND_ALIASES, command } from "./commands.ts";
import { armDraftTimers, timer } from "./drafts.ts";
import type { EngineOptions } from "./engine.ts";
import { FLOWS, type FlowDefinition, type FlowRegistry } from "./flows.ts";
import { choice, file, text } from "./input.ts";
import { upgradeStack } from "./stack.ts";

export interface Active {
  flow: FlowDefinition;
  snapshot: AnyMachineSnapshot;
}

/**
 * A stack as one turn committed it: its entries, their restored snapshots and their JSON. The whole stack's
 * JSON is not kept: it is the entries' JSON joined, and every chat's copy of it would be one more long-lived
 * string for the garbage collector to copy (young-generation pauses were a tenth of an update's time).
 */
export interface SavedStack {
  entries: StackEntry[];
  actives: Array<Active | undefined>;
  entryJson: string[];
}

/**
 * The work of one inbound event: state it loads, messages it produces, and the rows it writes at the end. The
 * jobs it does live beside it (stack.ts, input.ts, commands.ts, submit.ts, status.ts, drafts.ts) as functions of
 * the turn, so each file holds one job and this class only the state they share.
 */
export class Turn {
  readonly store: Store;
  readonly t: Translator;
  readonly at: string;
  locale: Locale;
  rc: RenderContext;
  stack: StackEntry[];
  readonly messages: ChatMessage[] = [];
  readonly edits: EditMessage[] = [];
  /** Files for this chat (a report as DOCX and PDF), sent after the turn's messages. */
  readonly documents: DocumentMessage[] = [];
  readonly restored = new WeakMap<StackEntry, Active>();
  /** Entries whose JSON is already known (loaded unchanged), so saving does not serialize them again. */
  readonly entryJson = new WeakMap<StackEntry, string>();
  /** The stack as committed, set by commit(). */
  saved: SavedStack | undefined;
  readonly flows: FlowRegistry;
  readonly routed: RoutedTicket[] = [];
  ticketId: string | undefined;
  /** A preliminary ticket changed: the duty desk has rows to process at once. */
  fanOut = false;
  timerFired: string | undefined;
  /** Messages for other chats than this one (four-eyes requests and decisions to the other admins). */
  readonly others: OtherChatMessage[] = [];
  /** Other chats and mailboxes with rows from this turn, to send after the commit (see HandleResult). */
  private elsewhere: Map<string, { channel: string; chatId: string }> | undefined;

  constructor(
    readonly options: EngineOptions,
    readonly event: InboundEvent,
    readonly admin: AdminChat,
    cached?: SavedStack,
  ) {
    this.store = options.store;
    this.t = options.translator;
    this.at = event.at.toISOString();
    const saved = this.store.knownUserLocale(event.channel, event.userId);
    if (saved === undefined) this.store.ensureUser(event.channel, event.userId, this.at);
    this.locale = resolveLocale(saved, event.languageCode, options.defaultLocale);
    this.rc = { t: this.t, locale: this.locale, timeZone: options.timeZone };
    const json = this.store.conversationJson(event.channel, event.chatId);
    if (json === undefined) this.stack = [];
    else if (cached && isJoinedJson(json, cached.entryJson)) {
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

  say(key: string, params?: Record<string, string | number>): void {
    this.messages.push({ kind: "chat", text: this.t.t(this.locale, key, params) });
  }

  /** Notes another chat (or mailbox) this turn queued a row for. */
  touch(channel: string, chatId: string): void {
    const { event } = this;
    if (channel === DUTY_CHANNEL || (channel === event.channel && chatId === event.chatId)) return;
    // Made on first use: most turns write to their own chat only.
    this.elsewhere ??= new Map();
    this.elsewhere.set(`${channel}\u0000${chatId}`, { channel, chatId });
  }

  actor(): string {
    return `${this.event.channel}:${this.event.userId}`;
  }

  adminActor() {
    return { kind: "chat" as const, channel: this.event.channel, userId: this.event.userId };
  }

  isAdmin(): boolean {
    return this.admin.service.isAdmin(this.adminActor());
  }

  run(): void {
    const p = this.event.payload;
    if (this.event.chatType === "group") {
      // Reporting happens in private chats only: incident details do not belong in a group.
      if (
        p.kind === "command" &&
        ["start", "report"].includes(COMMAND_ALIASES[p.command.toLowerCase()] ?? "")
      ) {
        this.messages.push({
          kind: "chat",
          text: this.t.t(this.locale, "common:group.privateOnly"),
          openPrivate: { label: this.t.t(this.locale, "common:group.openPrivate"), start: "report" },
        });
      }
      return;
    }
    upgradeStack(this);
    switch (p.kind) {
      case "command": {
        command(this, COMMAND_ALIASES[p.command.toLowerCase()] ?? "", p.args.trim());
        return;
      }
      case "text": {
        text(this, p.text);
        return;
      }
      case "choice": {
        choice(this, p.token, p.value);
        return;
      }
      case "file": {
        file(this, p);
        return;
      }
      case "timer": {
        timer(this, p.job);
        return;
      }
    }
  }

  /** Writes what the turn did: the stack, the draft timers and every message as an outbox row. */
  commit(): HandleResult {
    const { channel, chatId } = this.event;
    // The same text as JSON.stringify(this.stack): an array's JSON is its elements' JSON joined by commas.
    const entryJson = this.stack.map((e) => this.entryJson.get(e) ?? JSON.stringify(e));
    const json = entryJson.length > 0 ? `[${entryJson.join(",")}]` : undefined;
    this.store.saveConversationJson(channel, chatId, this.event.userId, json, this.at);
    const actives = this.stack.map((e) => this.restored.get(e));
    this.saved = {
      // An entry kept with its restored snapshot drops its persisted one, a second copy of its context: a
      // later turn starts from the restored snapshot and saves the entry's JSON as kept (see Turn's constructor).
      entries: this.stack.map((e, i) =>
        actives[i] ? { flow: e.flow, version: e.version, snapshot: undefined } : e,
      ),
      actives,
      entryJson,
    };
    armDraftTimers(this);
    const outbox: number[] = [];
    const own: NonNullable<HandleResult["own"]> = [];
    // The turn's own messages need no idempotency key: this transaction runs once per dedupe key.
    for (const m of [...this.edits, ...this.messages]) {
      // A channel that adds words of its own (Zalo's "type the number") writes them in the reader's language.
      if (m.kind === "chat") m.locale = this.locale;
      const id = this.store.enqueue(null, channel, chatId, m, this.at);
      if (id !== undefined) {
        outbox.push(id);
        own.push({ id, payload: m });
      }
    }
    for (const d of this.documents) {
      const id = this.store.enqueue(null, channel, chatId, d, this.at);
      if (id !== undefined) outbox.push(id);
    }
    for (const m of this.others) {
      const id = this.store.enqueue(null, m.channel, m.chatId, { kind: "chat", text: m.text }, this.at);
      if (id !== undefined) {
        outbox.push(id);
        this.touch(m.channel, m.chatId);
      }
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
    const extra = {
      ...(this.fanOut ? { fanOut: true } : {}),
      ...(this.elsewhere ? { elsewhere: [...this.elsewhere.values()] } : {}),
    };
    return this.ticketId
      ? { duplicate: false, outbox, own, ticketId: this.ticketId, ...extra }
      : { duplicate: false, outbox, own, ...extra };
  }
}

/** Whether `json` is, character for character, `[${parts.join(",")}]`, without building that string. */
function isJoinedJson(json: string, parts: readonly string[]): boolean {
  if (parts.length === 0) return false;
  let length = 1 + parts.length;
  for (const part of parts) length += part.length;
  if (
    json.length !== length ||
    json.charCodeAt(0) !== 91 /* [ */ ||
    json.charCodeAt(length - 1) !== 93 /* ] */
  )
    return false;
  let at = 1;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (!json.startsWith(part, at)) return false;
    at += part.length;
    if (i < parts.length - 1 && json.charCodeAt(at++) !== 44 /* , */) return false;
  }
  return true;
}
