import {
  type Conversation,
  type ConversationData,
  type ConversationFlavor,
  conversations,
  createConversation,
  type VersionedState,
  type VersionedStateStorage,
} from "@grammyjs/conversations";
import { Bot, type Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { PROFILE_QUESTIONS } from "../flows/profile.ts";
import { REPORT_QUESTIONS } from "../flows/report.ts";
import type { AnswerValue, QuestionSpec } from "../flows/types.ts";
import { assessReport } from "../src/domain/assessment.ts";
import { incidentTypeLabelKey, isIncidentType } from "../src/domain/incident-types.ts";
import type { RoutingRule } from "../src/domain/routing.ts";
import { severityLabelKey } from "../src/domain/severity.ts";
import type { Reason } from "../src/domain/severity-input.ts";
import { foldDiacritics } from "../src/domain/text.ts";
import {
  formatVnDateTime,
  parseCount,
  parseDetectionTime,
  parseDomains,
  parseEmail,
  parsePublicIps,
  parseVietnamesePhone,
  parseYesNo,
  validateText,
} from "../src/domain/validators/index.ts";
import { escapeHtml, type Translator } from "../src/i18n.ts";
import type { Db } from "../src/store/db.ts";
import { BOT_INFO, BOT_TOKEN, fakeFetch, fakeTransformer } from "./fake-telegram.ts";

/**
 * The same report written the @grammyjs/conversations v2 way: one async function per conversation with an
 * `await conversation.wait()` per answer. The plugin persists the conversation as its replay log after every
 * update and, on the next update, re-runs the function from the top against that log.
 */

type OuterContext = ConversationFlavor<Context>;
type PeerConversation = Conversation<OuterContext, Context>;

/** The plugin's storage: one JSON blob per key (the chat id) in SQLite, read and written synchronously. */
export function sqliteConversationStorage(db: Db): VersionedStateStorage<string, ConversationData> {
  db.exec("CREATE TABLE IF NOT EXISTS conversation_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const get = db.prepare("SELECT value FROM conversation_state WHERE key = ?");
  const put = db.prepare(
    `INSERT INTO conversation_state (key, value) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const del = db.prepare("DELETE FROM conversation_state WHERE key = ?");
  return {
    read(key) {
      const row = get.get(key) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as VersionedState<ConversationData>) : undefined;
    },
    write(key, state) {
      put.run(key, JSON.stringify(state));
    },
    delete(key) {
      del.run(key);
    },
  };
}

export interface PeerDeps {
  db: Db;
  t: Translator;
  rules: readonly RoutingRule[];
}

const SKIP_SECTION = "\u0000skip-section";
type Choice = { value: string; label: string };
type Parsed = { ok: true; value: AnswerValue } | { ok: false; error: Reason };

const ok = (value: AnswerValue): Parsed => ({ ok: true, value });
const fail = (key: string, params?: Reason["params"]): Parsed => ({
  ok: false,
  error: params ? { key, params } : { key },
});

/** Asks questions in a conversation, re-asking until an answer validates (as the engine does). */
class Asker {
  constructor(
    private readonly conversation: PeerConversation,
    public ctx: Context,
    private readonly t: Translator,
  ) {}

  private tr(key: string, params?: Record<string, string | number>): string {
    return this.t.t("vi", key, params);
  }

  async say(text: string, choices: Choice[] = [], token = "m"): Promise<void> {
    const markup: InlineKeyboardMarkup | undefined = choices.length
      ? { inline_keyboard: choices.map((c) => [{ text: c.label, callback_data: `${token}|${c.value}` }]) }
      : undefined;
    await this.ctx.reply(text, { parse_mode: "HTML", ...(markup ? { reply_markup: markup } : {}) });
  }

  /** The next update's text (a pressed button counts as its value's label-free form). */
  private async next(): Promise<string> {
    this.ctx = await this.conversation.wait();
    const data = this.ctx.callbackQuery?.data;
    if (data !== undefined) {
      await this.ctx.answerCallbackQuery();
      return `\u0000${data.slice(data.indexOf("|") + 1)}`;
    }
    return this.ctx.message?.text ?? "";
  }

  optionLabel(flow: string, q: QuestionSpec, option: string): string {
    if (q.id === "type" && isIncidentType(option)) return this.tr(incidentTypeLabelKey(option));
    if (q.input.kind === "yesno") return this.tr(`flow:choice.${option}`);
    return this.tr(`${flow}:choice.${q.id}.${option}`);
  }

  /** The choices shown with a question, numbered in the engine's order: options, then navigation. */
  private choicesOf(flow: string, q: QuestionSpec, answers: Record<string, AnswerValue>): Choice[] {
    const answered = Object.keys(answers).length;
    const input = q.input;
    const out: Choice[] = [];
    if (input.kind === "choice")
      for (const o of input.options) out.push({ value: o, label: this.optionLabel(flow, q, o) });
    if (input.kind === "yesno") {
      for (const o of input.allowUnknown ? ["yes", "no", "unknown"] : ["yes", "no"]) {
        out.push({ value: o, label: this.optionLabel(flow, q, o) });
      }
    }
    if (input.kind === "multi") {
      for (const o of input.options) out.push({ value: o, label: this.optionLabel(flow, q, o) });
      out.push({ value: "_done", label: this.tr("flow:nav.done") });
    }
    if (input.kind === "datetime") out.push({ value: "now", label: this.tr("flow:choice.now") });
    if (input.kind === "files") out.push({ value: "_done", label: this.tr("flow:nav.filesDone") });
    // The answer another question gave, offered as this one's (A3/A4 from B3/B4), as the engine does.
    const offered = q.defaultFrom ? answers[q.defaultFrom] : undefined;
    if (offered !== undefined && offered !== null) {
      out.push({
        value: "_prefill",
        label: this.tr("flow:nav.prefill", { value: String(offered).slice(0, 40) }),
      });
    }
    if (!q.required) out.push({ value: "_skip", label: this.tr("flow:nav.skip") });
    if (q.section && !q.required) out.push({ value: "_skipSection", label: this.tr("flow:nav.skipSection") });
    if (answered > 0) out.push({ value: "_back", label: this.tr("flow:nav.back") });
    return out;
  }

  /** Validates one typed answer with the same validators the engine's flows use. */
  private parse(
    q: QuestionSpec,
    raw: string,
    choices: Choice[],
    answers: Record<string, AnswerValue>,
  ): Parsed | { skipSection: true } {
    const text = raw.trim();
    const folded = foldDiacritics(text);
    const input = q.input;
    let picked: string | undefined;
    if (raw.startsWith("\u0000")) picked = raw.slice(1);
    // A typed number picks a shown option on every question but counts, where the number is the answer.
    const numbersPick = input.kind !== "count";
    if (picked === undefined && input.kind === "multi" && /^\d+(\s*[,;\s]\s*\d+)*$/.test(text)) {
      const values = text.split(/[,;\s]+/).map((n) => choices[Number(n) - 1]?.value);
      if (!values.every((v): v is string => typeof v === "string" && !v.startsWith("_"))) {
        return fail("flow:error.unknownChoice");
      }
      const exclusive = values.find((v) => input.exclusive?.includes(v));
      if (exclusive && values.length > 1) return fail("flow:error.exclusiveChoice");
      return ok([...new Set(values)]);
    }
    if (picked === undefined && numbersPick && /^\d{1,3}$/.test(text)) {
      picked = choices[Number(text) - 1]?.value;
      const typedAnswer = !["choice", "multi", "yesno", "files"].includes(input.kind);
      if (picked === undefined && !typedAnswer) {
        return fail("flow:error.numberOutOfRange", { max: choices.length });
      }
    }
    if (picked === undefined) {
      const clean = (s: string) => foldDiacritics(s.replace(/^✅\s*/, "")).replace(/[.!]+$/, "");
      picked = choices.find((c) => clean(c.label) === clean(text))?.value;
    }
    if (picked === undefined && (folded === "bo qua" || folded === "skip")) picked = "_skip";
    if (picked !== undefined) {
      if (picked === "_skip") return q.required ? fail("flow:error.required") : ok(null);
      if (picked === "_skipSection") return { skipSection: true };
      if (picked === "_back") return fail("flow:error.notNow");
      if (picked === "now") return ok(new Date(this.messageTime()).toISOString());
      if (picked === "_prefill" && q.defaultFrom) return ok(answers[q.defaultFrom] ?? null);
      if (input.kind === "choice" || input.kind === "yesno") return ok(picked);
      return fail("flow:error.unknownChoice");
    }
    switch (input.kind) {
      case "text": {
        const r = validateText(text, { min: input.min ?? 1, max: input.max, field: q.id });
        return r.ok ? ok(r.value) : { ok: false, error: r.error };
      }
      case "datetime": {
        const r = parseDetectionTime(text, new Date(this.messageTime()));
        return r.ok ? ok(r.value.toISOString()) : { ok: false, error: r.error };
      }
      case "count": {
        const r = parseCount(text);
        return r.ok ? ok(r.value) : { ok: false, error: r.error };
      }
      case "yesno": {
        const r = parseYesNo(text);
        if (!r.ok) return { ok: false, error: r.error };
        if (r.value === "unknown" && !input.allowUnknown) return fail("validation:choice.yesNo");
        return ok(r.value);
      }
      case "ips": {
        const r = parsePublicIps(text);
        return r.ok ? ok(r.value) : { ok: false, error: r.error };
      }
      case "domains": {
        const r = parseDomains(text);
        return r.ok ? ok(r.value) : { ok: false, error: r.error };
      }
      case "phone": {
        const r = parseVietnamesePhone(text);
        return r.ok ? ok(r.value.display) : { ok: false, error: r.error };
      }
      case "email": {
        const r = parseEmail(text);
        return r.ok ? ok(r.value) : { ok: false, error: r.error };
      }
      case "choice":
      case "multi":
        return fail("flow:error.chooseFromList");
      case "files":
        return fail("flow:error.sendFileOrDone");
    }
  }

  /** The instant of the current update (replayed from the log, so a re-run sees the same time). */
  private messageTime(): number {
    return (this.ctx.message?.date ?? this.ctx.callbackQuery?.message?.date ?? 0) * 1000;
  }

  /** Asks one question until it is answered; returns the answer, null if skipped, or SKIP_SECTION. */
  async ask(
    flow: string,
    questions: readonly QuestionSpec[],
    q: QuestionSpec,
    answers: Record<string, AnswerValue>,
  ): Promise<AnswerValue> {
    const applicable = questions.filter((x) => (x.when ? x.when(answers) : true));
    const lines = [
      `<b>${this.tr("flow:progress", { n: applicable.indexOf(q) + 1, of: applicable.length })}</b> ${this.tr(`${flow}:q.${q.id}.prompt`)}`,
    ];
    if (q.required) lines.push(`<i>${this.tr("flow:requiredHint")}</i>`);
    if (q.input.kind === "multi") lines.push(`<i>${this.tr("flow:multiHint")}</i>`);
    const prompt = lines.join("\n");
    const choices = this.choicesOf(flow, q, answers);
    await this.say(prompt, choices, q.id);
    for (;;) {
      const parsed = this.parse(q, await this.next(), choices, answers);
      if ("skipSection" in parsed) return SKIP_SECTION;
      if (parsed.ok) return parsed.value;
      await this.say(`⚠️ ${this.tr(parsed.error.key, parsed.error.params)}\n\n${prompt}`, choices, q.id);
    }
  }

  /** Shows a message with fixed choices until the wanted one is picked (the bench never edits or cancels). */
  async confirm(text: string, choices: Choice[], wanted: string): Promise<void> {
    await this.say(text, choices, "c");
    for (;;) {
      const raw = (await this.next()).trim();
      const picked = raw.startsWith("\u0000") ? raw.slice(1) : choices[Number(raw) - 1]?.value;
      if (picked === wanted) return;
      const error = picked === undefined ? "flow:error.unknownChoice" : "flow:error.notNow";
      await this.say(`⚠️ ${this.tr(error)}\n\n${text}`, choices, "c");
    }
  }

  /** Answers as labelled lines, for the profile check and the summary. */
  renderAnswers(
    flow: string,
    questions: readonly QuestionSpec[],
    answers: Record<string, AnswerValue>,
  ): string {
    return questions
      .filter((q) => q.id in answers)
      .map((q) => {
        const v = answers[q.id] ?? null;
        let shown: string;
        if (v === null) shown = this.tr("flow:answer.skipped");
        else if (q.input.kind === "choice" || q.input.kind === "yesno")
          shown = escapeHtml(this.optionLabel(flow, q, String(v)));
        else if (q.input.kind === "multi" && Array.isArray(v))
          shown = v.map((o) => escapeHtml(this.optionLabel(flow, q, o))).join(", ");
        else if (q.input.kind === "datetime") shown = formatVnDateTime(new Date(String(v)));
        else shown = escapeHtml(Array.isArray(v) ? v.join(", ") : String(v));
        return `• <b>${this.tr(`${flow}:q.${q.id}.label`)}:</b> ${shown}`;
      })
      .join("\n");
  }

  /** Asks a list of questions in order, honouring `when` and "skip the technical section". */
  async askAll(flow: string, questions: readonly QuestionSpec[]): Promise<Record<string, AnswerValue>> {
    const answers: Record<string, AnswerValue> = {};
    let skippedSection: string | undefined;
    for (const q of questions) {
      if (q.when && !q.when(answers)) continue;
      if (q.section && q.section === skippedSection && !q.required) {
        answers[q.id] = null;
        continue;
      }
      const value = await this.ask(flow, questions, q, answers);
      if (value === SKIP_SECTION) {
        skippedSection = q.section;
        answers[q.id] = null;
        continue;
      }
      answers[q.id] = value;
    }
    return answers;
  }
}

/** The full report: report questions, the reporter's profile, the profile check, the summary, submission. */
function reportConversation({ db, t, rules }: PeerDeps) {
  db.exec(`CREATE TABLE IF NOT EXISTS profiles (user_id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY, chat_id TEXT NOT NULL, data TEXT NOT NULL,
      created_at TEXT NOT NULL)`);
  const saveProfile = db.prepare(
    `INSERT INTO profiles (user_id, data) VALUES (?, ?)
     ON CONFLICT (user_id) DO UPDATE SET data = excluded.data`,
  );
  const insertReport = db.prepare("INSERT INTO reports (chat_id, data, created_at) VALUES (?, ?, ?)");
  const tr = (key: string, params?: Record<string, string | number>) => t.t("vi", key, params);

  return async (conversation: PeerConversation, ctx: Context) => {
    const asker = new Asker(conversation, ctx, t);
    const answers = await asker.askAll("report", REPORT_QUESTIONS);

    await asker.say(tr("report:profileNeeded.prompt"));
    const profile = await asker.askAll("profile", PROFILE_QUESTIONS);
    const saved = Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== null));
    await asker.confirm(
      `${tr("profile:confirm.prompt")}\n\n${asker.renderAnswers("profile", PROFILE_QUESTIONS, saved)}`,
      [
        { value: "save", label: tr("profile:confirm.choice.save") },
        { value: "edit", label: tr("profile:confirm.choice.edit") },
      ],
      "save",
    );
    const userId = String(asker.ctx.from?.id ?? "");
    await conversation.external(() => {
      saveProfile.run(userId, JSON.stringify(saved));
    });

    const full = { ...answers, reporter: saved };
    const assessment = assessReport(full, rules);
    const severity = [
      tr("report:severity.line", { level: tr(severityLabelKey(assessment.severity.level)) }),
      ...assessment.severity.reasons.map((r) => `  – ${tr(r.key, r.params)}`),
    ].join("\n");
    const routing = assessment.routing.destinations.map((d) => `• ${escapeHtml(d.contactId)}`).join("\n");
    const summary = [
      tr("report:summary.prompt"),
      asker.renderAnswers("report", REPORT_QUESTIONS, answers),
      `<b>${tr("report:summary.reporter")}</b>\n${asker.renderAnswers("profile", PROFILE_QUESTIONS, saved)}`,
      severity,
      `<b>${tr("report:summary.routing")}</b>\n${routing}`,
    ].join("\n\n");
    await asker.confirm(
      summary,
      [
        { value: "submit", label: tr("report:summary.choice.submit") },
        { value: "edit", label: tr("report:summary.choice.edit") },
        { value: "cancel", label: tr("report:summary.choice.cancel") },
      ],
      "submit",
    );
    const chatId = String(asker.ctx.chat?.id ?? "");
    const ticketNo = await conversation.external(() =>
      Number(
        insertReport.run(
          chatId,
          JSON.stringify({ ...full, severity: assessment.severity.level }),
          new Date().toISOString(),
        ).lastInsertRowid,
      ),
    );
    const ticketId = `SC-2026-${String(ticketNo).padStart(6, "0")}`;
    const deadline = formatVnDateTime(new Date(Date.parse(String(answers.detectedAt)) + 5 * 86_400_000));
    await asker.say(
      [
        tr("report:final.submitted", { ticketId, deadline }),
        severity,
        `<b>${tr("report:summary.routing")}</b>\n${routing}`,
      ].join("\n\n"),
    );
  };
}

/**
 * A translator that remembers each rendered string. Diagnostic only (BENCH_PEER_MEMO_I18N=1): on every update
 * the conversation re-runs from the top and re-renders every prompt it already sent; this shows how much of
 * the peer's time that re-rendering is. The default peer calls the translator as ordinary code would.
 */
export function memoizedTranslator(t: Translator): Translator {
  const cache = new Map<string, string>();
  return {
    defaultLocale: t.defaultLocale,
    exists: (key, locale) => t.exists(key, locale),
    text: (locale, key, params) => t.text(locale, key, params),
    t(locale, key, params) {
      const id = params ? `${locale}\u0000${key}\u0000${JSON.stringify(params)}` : `${locale}\u0000${key}`;
      let text = cache.get(id);
      if (text === undefined) {
        text = t.t(locale, key, params);
        cache.set(id, text);
      }
      return text;
    },
  };
}

/** n free-text questions, each validated (1–200 characters) and re-asked when invalid. */
function textConversation(n: number) {
  return async (conversation: PeerConversation, ctx: Context) => {
    let current = ctx;
    const answers: string[] = [];
    for (let i = 1; i <= n; i++) {
      const prompt = `<b>Câu ${i}/${n}.</b> Câu hỏi số ${i} của biểu mẫu?`;
      await current.reply(prompt, { parse_mode: "HTML" });
      for (;;) {
        current = await conversation.wait();
        const r = validateText(current.message?.text ?? "", { min: 1, max: 200, field: `q${i}` });
        if (r.ok) {
          answers.push(r.value);
          break;
        }
        await current.reply(`⚠️ ${r.error.key}\n\n${prompt}`, { parse_mode: "HTML" });
      }
    }
    await current.reply(`Đã ghi nhận ${answers.length} câu trả lời.`);
  };
}

/**
 * A grammY bot running one conversation (the report, or n text questions), entered by /start, with its
 * state in `deps.db`. The network is the local fake (transformer on bot.api, fake fetch for the
 * conversation's own Api objects).
 */
export function createPeerBot(deps: PeerDeps, flow: "report" | number): Bot<OuterContext> {
  const bot = new Bot<OuterContext>(BOT_TOKEN, { botInfo: BOT_INFO, client: { fetch: fakeFetch } });
  bot.api.config.use(fakeTransformer);
  bot.use(conversations({ storage: { type: "key", adapter: sqliteConversationStorage(deps.db) } }));
  const name = flow === "report" ? "report" : `text${flow}`;
  bot.use(createConversation(flow === "report" ? reportConversation(deps) : textConversation(flow), name));
  bot.command("start", async (ctx) => {
    if (flow === "report") await ctx.reply(deps.t.t("vi", "common:welcome"), { parse_mode: "HTML" });
    await ctx.conversation.enter(name);
  });
  return bot;
}
