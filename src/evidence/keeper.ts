import type { Logger } from "pino";
import { type Locale, resolveLocale, type Translator } from "../i18n.ts";
import { type RetryPolicy, verdict } from "../outbox/retry.ts";
import { errorText } from "../redact.ts";
import type { EvidenceRow } from "../store/repos/evidence.ts";
import { SqliteFinalReports } from "../store/repos/final-reports.ts";
import type { IncidentRow, JobRow, Store } from "../store/store.ts";
import { DownloadError } from "./download.ts";
import { queueEvidenceEmails } from "./email.ts";
import type { EvidenceFiles } from "./files.ts";
import {
  type FinalEmailOptions,
  finalReportChat,
  finalReportPositions,
  queueFinalReportEmails,
} from "./final-email.ts";
import { evidenceParams, formatSize } from "./present.ts";
import { EVIDENCE_ACTOR as ACTOR, isReportFile } from "./record.ts";
import type { EvidenceSource } from "./sources.ts";

/**
 * Whether a ticket's files may be shown in group duty chats. A confidential report (I8, or the ticket's own
 * `confidential` flag where a version has one) keeps its files out of every group: they reach the officers
 * by e-mail and, where that exists, in private chat.
 */
export function evidenceForGroupChats(incident: IncidentRow): boolean {
  const flagged = (incident as IncidentRow & { confidential?: unknown }).confidential;
  if (flagged === true || flagged === 1) return false;
  return incident.answers.confidential !== "yes";
}

export interface EvidenceKeeperOptions {
  store: Store;
  logger: Logger;
  translator: Translator;
  defaultLocale: Locale;
  files: EvidenceFiles;
  /** Files above this are refused (Telegram will not hand a bot more than 20 MB anyway). */
  maxBytes: number;
  /** The "[TBSC]" evidence e-mail attaches files up to this total; the rest are listed with their hash. */
  emailMaxBytes: number;
  /** The shared retry policy: attempts before a file is given up on, and the first backoff. */
  retry: RetryPolicy;
  /** One download's time limit. */
  timeoutMs?: number;
  /**
   * How long a started download holds its job: if the process dies mid-download, the job comes due again
   * after this, so nothing is lost; longer than the download's time limit, so no download runs twice at once.
   */
  leaseMs?: number;
  /** Set when e-mail is configured: the evidence e-mail goes to the ticket's organisations. */
  email?: { messageIdDomain?: string | undefined } | undefined;
  /** Set when e-mail is configured: the final report's e-mail, rendered in the deployment's language. */
  finalReport?: Pick<FinalEmailOptions, "rc" | "templateDir" | "messageIdDomain"> | undefined;
  /** After a settlement queued messages: the dispatcher sends them. */
  afterSettle?: () => void;
  clock?: () => Date;
  random?: () => number;
}

/**
 * Keeps the evidence: downloads each attached file after the commit (a persisted job per file, retried with
 * the shared policy), stores it content-addressed with its SHA-256, and tells the reporter (a receipt with the
 * hash), the duty chats (the file and its hash) and, once every file of the ticket is settled, the ticket's
 * mailboxes. A failed download never touches the ticket itself.
 */
export class EvidenceKeeper {
  private readonly sources = new Map<string, EvidenceSource>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private abort = new AbortController();
  private readonly clock: () => Date;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;

  /** The folder the files are kept in (retention deletes from it). */
  get files(): EvidenceFiles {
    return this.o.files;
  }

  constructor(private readonly o: EvidenceKeeperOptions) {
    this.clock = o.clock ?? (() => new Date());
    this.timeoutMs = o.timeoutMs ?? 90_000;
    this.leaseMs = Math.max(o.leaseMs ?? 300_000, this.timeoutMs + 1000);
  }

  /** A channel's way of fetching its files; a file of a channel not (yet) running waits, without losing a try. */
  registerSource(channel: string, source: EvidenceSource): this {
    this.sources.set(channel, source);
    return this;
  }

  /** The scheduler's handler: starts the download in the background and holds the job for the lease. */
  fireJob(job: JobRow, now: Date): { duplicate: boolean } {
    const { store } = this.o;
    const { incidentId, position } = job.payload as { incidentId?: unknown; position?: unknown };
    const row =
      typeof incidentId === "number" && typeof position === "number"
        ? store.evidence.one(incidentId, position)
        : undefined;
    if (row?.status !== "pending") {
      store.finishJob(job.id);
      return { duplicate: true };
    }
    const source = this.sources.get(row.channel);
    const lease = new Date(now.getTime() + this.leaseMs).toISOString();
    if (!source || this.inFlight.has(job.jobKey) || this.abort.signal.aborted) {
      store.scheduleJob(job.jobKey, job.kind, lease, job.payload, now.toISOString());
      return { duplicate: true };
    }
    store.transaction(() => {
      store.scheduleJob(job.jobKey, job.kind, lease, job.payload, now.toISOString());
      store.evidence.countAttempt(row.id);
    });
    const work = this.download(row, source, job).finally(() => this.inFlight.delete(job.jobKey));
    this.inFlight.set(job.jobKey, work);
    return { duplicate: false };
  }

  /** Waits for the downloads in flight (they settle or, once stopped, give up without touching anything). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Cuts the downloads in flight and waits for them: their jobs stay held until the lease runs out, so the
   * next start fetches those files again. Nothing is written after this resolves.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.drain();
  }

  private async download(row: EvidenceRow, source: EvidenceSource, job: JobRow): Promise<void> {
    const signal = this.abort.signal;
    let bytes: Buffer;
    try {
      bytes = await source.fetch(
        { fileRef: row.fileRef },
        { maxBytes: this.o.maxBytes, timeoutMs: this.timeoutMs, signal },
      );
    } catch (error) {
      if (signal.aborted) return;
      this.failed(row, job, error);
      return;
    }
    if (signal.aborted) return;
    const kept = this.o.files.put(bytes);
    this.settle(
      row,
      (incident, at) => {
        if (!this.o.store.evidence.markStored(row.id, { ...kept, mime: row.mime }, at)) return;
        const stored = this.o.store.evidence.one(row.incidentId, row.position) ?? row;
        this.o.store.audit(at, ACTOR, "evidence.stored", incident.ticketId, "ok", {
          position: row.position,
          sha256: kept.sha256,
          size: kept.size,
        });
        this.toReporter(
          incident,
          row,
          `evidence:receipt:${row.incidentId}:${row.position}`,
          "evidence:receipt",
          {
            ...evidenceParams(stored, this.receiptChat(incident, row).locale),
            ticketId: incident.ticketId,
          },
        );
        this.toDutyChats(incident, stored, at);
      },
      job,
    );
  }

  private failed(row: EvidenceRow, job: JobRow, error: unknown): void {
    const e = error instanceof DownloadError ? error : new DownloadError("transient", "error");
    const { store, logger } = this.o;
    logger.warn(
      { job: job.jobKey, code: e.code, err: error instanceof DownloadError ? undefined : errorText(error) },
      "evidence download failed",
    );
    if (e.kind === "tooLarge") {
      this.settle(
        row,
        (incident, at) => {
          if (!store.evidence.settle(row.id, "refused", e.code, at, e.size)) return;
          store.audit(at, ACTOR, "evidence.refused", incident.ticketId, "error", { position: row.position });
          const locale = this.receiptChat(incident, row).locale;
          this.toReporter(
            incident,
            row,
            `evidence:refused:${row.incidentId}:${row.position}`,
            "evidence:tooLarge",
            {
              ticketId: incident.ticketId,
              name: row.name,
              limit: formatSize(this.o.maxBytes, locale),
            },
          );
        },
        job,
      );
      return;
    }
    // `row` was read before this attempt was counted: its attempts are the earlier ones, as verdict() expects.
    const next = verdict(
      this.o.retry,
      row.attempts,
      { kind: e.kind === "permanent" ? "permanent" : "transient" },
      this.o.random,
    );
    if (next.kind === "retry") {
      const now = this.clock();
      store.scheduleJob(
        job.jobKey,
        job.kind,
        new Date(now.getTime() + next.delayMs).toISOString(),
        job.payload,
        now.toISOString(),
      );
      return;
    }
    this.settle(
      row,
      (incident, at) => {
        if (!store.evidence.settle(row.id, "failed", e.code, at)) return;
        store.audit(at, ACTOR, "evidence.failed", incident.ticketId, "error", {
          position: row.position,
          code: e.code,
        });
        this.toReporter(
          incident,
          row,
          `evidence:failed:${row.incidentId}:${row.position}`,
          "evidence:failed",
          {
            ticketId: incident.ticketId,
            name: row.name,
          },
        );
      },
      job,
    );
  }

  /** Applies a file's outcome in one transaction, closes its job and, once the ticket has no file pending, e-mails. */
  private settle(row: EvidenceRow, apply: (incident: IncidentRow, at: string) => void, job: JobRow): void {
    const { store } = this.o;
    const at = this.clock().toISOString();
    store.transaction(() => {
      store.finishJob(job.id);
      const incident = store.incidentById(row.incidentId);
      if (!incident) return;
      apply(incident, at);
      // The evidence e-mail carries the report's own files, once they are all settled; a file sent later (an
      // answer to a duty officer) neither holds it back nor joins it.
      const report = store.evidence.ofIncident(incident.id).filter((e) => isReportFile(e.position));
      if (this.o.email && isReportFile(row.position) && report.every((e) => e.status !== "pending")) {
        queueEvidenceEmails(store, incident, report, this.o.files, {
          translator: this.o.translator,
          locale: this.o.defaultLocale,
          maxBytes: this.o.emailMaxBytes,
          messageIdDomain: this.o.email.messageIdDomain,
          at,
        });
      }
      // A file sent after the submission (an answer to a duty officer) follows on its own to the organisations,
      // once settled; the final report's documents go with the final report instead.
      if (this.o.email && !isReportFile(row.position) && !this.isFinalReportFile(incident, row)) {
        const settled = store.evidence.ofIncident(incident.id).find((e) => e.id === row.id);
        if (settled && settled.status !== "pending")
          queueEvidenceEmails(store, incident, [settled], this.o.files, {
            translator: this.o.translator,
            locale: this.o.defaultLocale,
            maxBytes: this.o.emailMaxBytes,
            messageIdDomain: this.o.email.messageIdDomain,
            at,
            later: true,
          });
      }
      // The final report's e-mail waits for its documents: queued once the last of them is settled.
      if (this.o.finalReport && !isReportFile(row.position))
        queueFinalReportEmails(store, incident, {
          ...this.o.finalReport,
          evidence: { files: this.o.files, maxBytes: this.o.emailMaxBytes },
          at,
        });
    });
    this.o.afterSettle?.();
  }

  /** Whether a file is one of the documents attached to the ticket's final report. */
  private isFinalReportFile(incident: IncidentRow, row: EvidenceRow): boolean {
    const filed = new SqliteFinalReports(this.o.store.db).of(incident.id);
    return filed !== undefined && finalReportPositions(filed).includes(row.position);
  }

  /**
   * Where a file's receipt goes: the reporter's chat, or for the final report's documents the chat the report was
   * filed from (an officer may file it), each in its reader's language.
   */
  private receiptChat(
    incident: IncidentRow,
    row: EvidenceRow,
  ): { channel: string; chatId: string; locale: Locale } {
    const { store, defaultLocale } = this.o;
    if (!isReportFile(row.position)) {
      const filed = new SqliteFinalReports(store.db).of(incident.id);
      const chat =
        filed && finalReportPositions(filed).includes(row.position) ? finalReportChat(filed) : undefined;
      if (chat && !(chat.channel === incident.channel && chat.chatId === incident.chatId))
        return {
          ...chat,
          locale: resolveLocale(store.userLocale(chat.channel, chat.chatId), undefined, defaultLocale),
        };
    }
    return {
      channel: incident.channel,
      chatId: incident.chatId,
      locale: resolveLocale(incident.reporterLocale, undefined, defaultLocale),
    };
  }

  private toReporter(
    incident: IncidentRow,
    row: EvidenceRow,
    key: string,
    textKey: string,
    params: Record<string, string>,
  ): void {
    const chat = this.receiptChat(incident, row);
    const text = this.o.translator.t(chat.locale, textKey, params);
    this.o.store.enqueue(key, chat.channel, chat.chatId, { kind: "chat", text }, this.clock().toISOString());
  }

  /**
   * The file in every duty chat of the ticket (its posts, or the chats bound to its organisations if it was
   * not posted yet): a line with its name, size and hash, then the file itself where the chat is on the
   * channel it came from (Telegram copies it without re-uploading). Nothing goes to a group for a
   * confidential report (evidenceForGroupChats).
   */
  private toDutyChats(incident: IncidentRow, row: EvidenceRow, at: string): void {
    if (!evidenceForGroupChats(incident)) return;
    const { store, translator, defaultLocale } = this.o;
    const chats = new Map<string, { channel: string; chatId: string; replyTo?: string }>();
    for (const post of store.dutyPosts(incident.id)) {
      const ref = post.messageIds.at(-1);
      chats.set(`${post.channel}:${post.chatId}`, {
        channel: post.channel,
        chatId: post.chatId,
        ...(ref === undefined ? {} : { replyTo: String(ref) }),
      });
    }
    if (chats.size === 0) {
      for (const d of incident.routing.destinations)
        for (const b of store.bindingsOf(d.contactId)) chats.set(`${b.channel}:${b.chatId}`, b);
    }
    const text = translator.t(defaultLocale, "evidence:duty.file", {
      ...evidenceParams(row, defaultLocale),
      ticketId: incident.ticketId,
    });
    for (const chat of chats.values()) {
      const base = `evidence:duty:${row.incidentId}:${row.position}:${chat.channel}:${chat.chatId}`;
      const thread = chat.replyTo ? { replyTo: chat.replyTo } : {};
      store.enqueue(`${base}:text`, chat.channel, chat.chatId, { kind: "chat", text, ...thread }, at);
      if (chat.channel === row.channel && row.messageRef)
        store.enqueue(
          `${base}:copy`,
          chat.channel,
          chat.chatId,
          { kind: "copy", fromChatId: incident.chatId, messageRef: row.messageRef, ...thread },
          at,
        );
    }
  }
}
