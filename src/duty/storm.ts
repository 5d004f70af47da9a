import { incidentTypeLabelKey, isIncidentType } from "../domain/incident-types.ts";
import { severityLabelKey } from "../domain/severity.ts";
import { clipForHtml } from "../domain/text-cut.ts";
import type { ChatMessage } from "../messages.ts";
import type { RenderContext } from "../present/incident.ts";
import type { DigestRow } from "../store/repos/digests.ts";
import type { IncidentRow, Store } from "../store/store.ts";

/**
 * Storm mode. A duty chat takes only so many messages a minute (Telegram: 20 per group, edits included); in a
 * wave of attacks one post per ticket would leave the last ticket of 500 a quarter of an hour behind. So the desk
 * looks, for every new ticket, at what the chat already has to take in the coming minute (messages waiting plus
 * those sent in the last minute) and, when a post would not fit, lists the ticket in a digest message instead:
 * one message per chat, re-rendered as tickets arrive (id, severity, type, unit, most severe first, a button to
 * open each). The most severe tickets keep their own post while the chat has room. A render is queued only when
 * the chat has room for it and the previous render is out, so the digest never queues behind itself and every
 * render shows all the tickets that arrived meanwhile. Channels that cannot edit (Zalo) get a new message with
 * the tickets added since the last one instead of an edit.
 */

/** What a duty chat can take, as the desk plans its messages. */
export interface ChatLimits {
  /** Messages (posts and edits alike) the chat takes per minute. */
  perMinute: number;
  /** Whether a sent message can be edited (Telegram); otherwise each render is a new message (Zalo). */
  canEdit: boolean;
  /** Whether messages carry buttons; otherwise the digest says how to open a ticket by command. */
  buttons: boolean;
}

/** The limits of a chat; undefined when it has none worth planning for (storm mode is then off there). */
export type ChatLimitsOf = (channel: string, chatId: string) => ChatLimits | undefined;

/**
 * Telegram groups (negative ids) take 20 messages a minute (the limit src/delivery/rate-limiter.ts enforces).
 * Zalo documents no rate; its groups are given the same budget so a storm stays readable there as well.
 */
export const defaultChatLimits: ChatLimitsOf = (channel, chatId) => {
  if (channel === "telegram") return chatId.startsWith("-") ? TELEGRAM_GROUP : undefined;
  if (channel === "zalo") return ZALO_CHAT;
  return undefined;
};
const TELEGRAM_GROUP: ChatLimits = { perMinute: 20, canEdit: true, buttons: true };
const ZALO_CHAT: ChatLimits = { perMinute: 20, canEdit: false, buttons: false };

/** The window the limits count. */
export const LIMIT_WINDOW_MS = 60_000;
/** Tickets one digest lists; the next one opens a new digest (a message stays short and its buttons few). */
export const DIGEST_CAPACITY = 20;
/** The most severe level (Nghiêm trọng): such tickets keep their own post while the chat has room. */
const MOST_SEVERE = 4;

/** Sends of the window kept free for digest renders, so posts can never starve the digest. */
export const digestReserve = (limits: ChatLimits) => Math.max(1, Math.ceil(limits.perMinute / 4));

/**
 * Whether a new ticket gets its own post or a digest line. `load` is what the chat has to take in the coming
 * minute already. A post fits while it leaves the digest its reserve; a most severe ticket may use the reserve
 * but one send, which a digest render always keeps.
 */
export function placeTicket(load: number, limits: ChatLimits, severity: number): "post" | "digest" {
  if (load + 1 <= limits.perMinute - digestReserve(limits)) return "post";
  if (severity >= MOST_SEVERE && load + 1 <= limits.perMinute - 1) return "post";
  return "digest";
}

/** How busy a chat is now: messages waiting plus those sent within the last window. */
export function chatLoad(store: Store, channel: string, chatId: string, now: Date): number {
  return store.digests.chatLoad(channel, chatId, new Date(now.getTime() - LIMIT_WINDOW_MS).toISOString());
}

/** The button token of digest lines: the value is the ticket id, the action is to open it. */
export const DIGEST_TOKEN = "dg";

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** A digest line's ticket: its own severity first, then arrival order, as the digest lists them. */
export function digestOrder(incidents: readonly IncidentRow[]): IncidentRow[] {
  return incidents
    .map((incident, i) => ({ incident, i }))
    .sort((a, b) => b.incident.severity - a.incident.severity || a.i - b.i)
    .map((x) => x.incident);
}

/**
 * A digest's message: a title with the count, one numbered line per ticket (id, severity, type, unit; nothing
 * else, so a confidential ticket shows no more here than its id and kind), most severe first, and how to open
 * each (a numbered button per ticket where the channel has buttons, the /ticket command always).
 */
export function renderDigest(
  incidents: readonly IncidentRow[],
  limits: ChatLimits,
  rc: RenderContext,
  part: { continued: boolean },
): ChatMessage {
  const t = (key: string, params?: Record<string, string | number>) => rc.t.t(rc.locale, key, params);
  const ordered = digestOrder(incidents);
  const lines = [
    t(part.continued ? "storm:digest.titleMore" : "storm:digest.title", { count: ordered.length }),
    "",
  ];
  for (const [i, incident] of ordered.entries()) {
    const answers = incident.answers as Record<string, unknown>;
    const reporter = (answers.reporter ?? {}) as Record<string, unknown>;
    lines.push(
      t("storm:digest.line", {
        n: i + 1,
        icon: SEVERITY_ICON[incident.severity] ?? "•",
        ticketId: incident.ticketId,
        severity: t(severityLabelKey(incident.severity as 1 | 2 | 3 | 4)),
        type: isIncidentType(incident.incidentType)
          ? t(incidentTypeLabelKey(incident.incidentType))
          : incident.incidentType,
        unit: clipForHtml(text(reporter.organisation), 80) || "—",
      }),
    );
  }
  const first = ordered[0]?.ticketId ?? "SC-…";
  lines.push("", t(limits.buttons ? "storm:digest.footer" : "storm:digest.footerTyped", { ticketId: first }));
  return limits.buttons
    ? {
        kind: "chat",
        text: lines.join("\n"),
        token: DIGEST_TOKEN,
        choices: ordered.map((i) => ({ value: i.ticketId, label: i.ticketId })),
      }
    : { kind: "chat", text: lines.join("\n") };
}

const SEVERITY_ICON: Record<number, string> = { 4: "🔴", 3: "🟠", 2: "🟡", 1: "⚪" };

/** What a digest's next render is: where it goes and with which key. */
export interface DigestRender {
  key: string;
  payload:
    | ChatMessage
    | { kind: "edit"; messageRef: string; text: string; token?: string; choices?: ChatMessage["choices"] };
  shown: number;
}

/**
 * The render a digest needs now, or undefined when it must wait (its last render not out yet) or shows
 * everything already. The first render is the digest's post; later ones edit it where the channel can edit,
 * or are new messages listing the tickets added since (Zalo).
 */
export function nextRender(
  store: Store,
  digest: DigestRow,
  limits: ChatLimits,
  rc: RenderContext,
): DigestRender | undefined {
  const ids = store.digests.items(digest.id);
  if (ids.length === 0 || (digest.renders > 0 && ids.length <= digest.shown)) return undefined;
  if (digest.lastKey !== null && store.digests.fate(digest.lastKey)?.status === "pending") return undefined;
  const incidents = (from: number) =>
    ids.slice(from).flatMap((id) => {
      const row = store.incidentById(id);
      return row ? [row] : [];
    });
  if (digest.renders === 0) {
    return {
      key: digest.postKey,
      payload: renderDigest(incidents(0), limits, rc, { continued: false }),
      shown: ids.length,
    };
  }
  const post = store.digests.fate(digest.postKey);
  const messageRef = post?.messageIds[0];
  const key = `${digest.postKey}:r${digest.renders}`;
  if (limits.canEdit && post?.status === "sent" && messageRef !== undefined) {
    const message = renderDigest(incidents(0), limits, rc, { continued: false });
    return {
      key,
      payload: {
        kind: "edit",
        messageRef: String(messageRef),
        text: message.text,
        ...(message.token ? { token: message.token, choices: message.choices ?? [] } : {}),
      },
      shown: ids.length,
    };
  }
  // No edits on this channel (or the post was given up on): a new message with the tickets not shown yet.
  return {
    key,
    payload: renderDigest(incidents(digest.shown), limits, rc, { continued: true }),
    shown: ids.length,
  };
}

/** A chat on a channel. */
interface ChatRef {
  channel: string;
  chatId: string;
}

/**
 * Lists a new ticket in the chat's digest when a post of its own would not fit the chat's coming minute; true
 * when it did (no post then). A post made while a digest is open ends that digest (the storm is over), so the
 * next storm starts a new one below the posts, where people look.
 */
export function gatherIfStorm(
  store: Store,
  limits: ChatLimits,
  incident: IncidentRow,
  chat: ChatRef,
  now: Date,
): boolean {
  const { channel, chatId } = chat;
  if (store.digests.inDigestOf(channel, chatId, incident.id)) return true;
  const at = now.toISOString();
  const open = store.digests.openDigest(channel, chatId);
  if (placeTicket(chatLoad(store, channel, chatId, now), limits, incident.severity) === "post") {
    if (open && incident.severity < MOST_SEVERE) store.digests.closeDigest(open.id);
    return false;
  }
  const digest =
    open ??
    store.digests.createDigest(channel, chatId, `digest:${channel}:${chatId}:${incident.ticketId}`, at);
  store.digests.addItem(digest.id, incident.id, at);
  if (store.digests.items(digest.id).length >= DIGEST_CAPACITY) store.digests.closeDigest(digest.id);
  return true;
}

/**
 * Queues the renders digests need, each when its chat has room for one more message and its previous render is
 * out; returns the chats to flush. Run on every fan-out pass (after each new ticket, and every second), so a
 * digest catches up as soon as the chat can take it.
 */
export function renderDigests(
  store: Store,
  limitsOf: ChatLimitsOf,
  rc: RenderContext,
  now: Date,
  channels: readonly string[],
): ChatRef[] {
  const at = now.toISOString();
  const chats: ChatRef[] = [];
  for (const digest of store.digests.unrendered()) {
    // A channel with no sender running now: its digests wait for it (their renders would only queue up).
    if (!channels.includes(digest.channel)) continue;
    const limits = limitsOf(digest.channel, digest.chatId) ?? UNLIMITED;
    if (chatLoad(store, digest.channel, digest.chatId, now) + 1 > limits.perMinute) continue;
    const render = nextRender(store, digest, limits, rc);
    if (!render) continue;
    store.enqueue(render.key, digest.channel, digest.chatId, render.payload, at);
    store.digests.markRendered(digest.id, render.shown, render.key);
    chats.push({ channel: digest.channel, chatId: digest.chatId });
  }
  return chats;
}

/** A chat whose limits were taken away (rebinding, configuration) still gets its digest finished. */
const UNLIMITED: ChatLimits = { perMinute: Number.POSITIVE_INFINITY, canEdit: true, buttons: true };
