import { existsSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";
import { parseChannelId } from "./domain/ids.ts";

const DEADLINE = /^(\d{1,5})(m|h|wd)$/;

/** A time allowed for something: a fixed duration, or working days (Monday to Friday) in the display zone. */
export type DeadlineSpec = { minutes: number } | { workingDays: number };

function parseDeadline(text: string): DeadlineSpec {
  const [, n = "0", unit] = DEADLINE.exec(text.trim()) ?? [];
  if (unit === "wd") return { workingDays: Number(n) };
  return { minutes: Number(n) * (unit === "h" ? 60 : 1) };
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Empty strings in .env files mean "not set", as operators expect. */
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

const positiveNumber = (fallback: number) =>
  z.preprocess((v) => (v === "" || v === undefined ? fallback : Number(v)), z.number().positive().finite());

/** Whole days, or "off" (kept for ever): how long a kind of record is kept (see src/retention/). */
const retentionDays = (fallback: number | "off") =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? fallback : v === "off" ? "off" : Number(v)),
    z.union([z.literal("off"), z.number().int().min(1).max(36_500)], {
      message: 'expected a whole number of days from 1 to 36500, or "off"',
    }),
  );

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: "expected an IANA time zone such as Asia/Ho_Chi_Minh" },
);

/** A comma-separated variable as its non-empty items (unset is an empty list). */
const commaList = (v: unknown): unknown =>
  typeof v === "string"
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : v === undefined
      ? []
      : v;

const telegramIdList = z.preprocess(
  commaList,
  z.array(z.string().regex(/^\d{1,20}$/, "expected a comma-separated list of numeric Telegram user ids")),
);

/** ADMIN_IDS: "telegram:123,zalo:6ede9afa66b88fe6d6a9", each id in its channel's form. */
const channelIdList = z.preprocess(
  commaList,
  z.array(
    z.string().refine((s) => parseChannelId(s) !== undefined, {
      message:
        "expected a comma-separated list of CHANNEL:ID such as telegram:123456789,zalo:6ede9afa66b88fe6d6a9",
    }),
  ),
);

const configSchema = z.object({
  TELEGRAM_BOT_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "expected a token from @BotFather such as 123456:ABC-DEF…")
      .optional(),
  ),
  TELEGRAM_API_ROOT: z.url({ message: "expected an http(s) URL" }).default("https://api.telegram.org"),
  TELEGRAM_FRAMEWORK: z.enum(["grammy", "telegraf"]).default("grammy"),
  TELEGRAM_MODE: z.enum(["polling", "webhook"]).default("polling"),
  WEBHOOK_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  WEBHOOK_SECRET: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "expected 16–256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
  ),
  PORT: z.preprocess(
    (v) => (v === "" || v === undefined ? 8080 : Number(v)),
    z.number().int().min(0).max(65535),
  ),
  // Loopback by default: the webhook sits behind a reverse proxy that terminates TLS; 0.0.0.0 only on purpose.
  HOST: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine(
        (v) => isIP(v) !== 0 || /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(v),
        "expected an IP address such as 127.0.0.1 or 0.0.0.0, or a host name",
      )
      .default("127.0.0.1"),
  ),
  DATABASE_PATH: z.string().min(1).default("./data/incident-bot.db"),
  ADMIN_TELEGRAM_IDS: telegramIdList,
  ADMIN_IDS: channelIdList,
  DEFAULT_LOCALE: z.enum(["vi", "en"]).default("vi"),
  TZ: timeZone.default("Asia/Ho_Chi_Minh"),
  SMTP_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^smtps?:\/\//, "expected an smtp:// or smtps:// URL such as smtps://user:pass@mail.example.vn")
      .optional(),
  ),
  SMTP_FROM: optionalString,
  ZALO_BOT_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^\d+:\S+$/, "expected the token from Zalo Bot Manager such as 12345689:abc-xyz")
      .optional(),
  ),
  ZALO_API_ROOT: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.url({ message: "expected an http(s) URL" }).default("https://bot-api.zaloplatforms.com"),
  ),
  ZALO_MODE: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["polling", "webhook"]).default("polling"),
  ),
  ZALO_WEBHOOK_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.url({ message: "expected the public https URL Zalo posts updates to" }).optional(),
  ),
  ZALO_WEBHOOK_SECRET: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^[\x21-\x7E]{8,256}$/, "expected 8–256 printable characters without spaces")
      .optional(),
  ),
  ZALO_MONTHLY_QUOTA: z.preprocess(
    (v) => (v === "" || v === undefined ? 3000 : Number(v)),
    z.number().int().positive(),
  ),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  DRAFT_REMINDER_HOURS: positiveNumber(24),
  DRAFT_EXPIRY_HOURS: positiveNumber(24),
  DUTY_MESSAGE_DETAIL: z.enum(["full", "minimal"]).default("full"),
  ACK_DEADLINES: z
    .string()
    .default("15m,1h,4h,1wd")
    .refine((v) => v.split(",").length === 4 && v.split(",").every((d) => DEADLINE.test(d.trim())), {
      message:
        "expected four deadlines for Nghiêm trọng, Cao, Trung bình, Thấp, each as minutes (15m), hours (1h) or working days (1wd), e.g. 15m,1h,4h,1wd",
    }),
  UNRESOLVED_REMINDER_HOURS: positiveNumber(24),
  LEGAL_WARNING_HOURS: positiveNumber(24),
  FINAL_REPORT_REMINDER_DAYS: positiveNumber(3),
  PAGE_TIMEOUT_MINUTES: positiveNumber(5),
  ALERT_PERIOD_WARNING_DAYS: positiveNumber(3),
  DELIVERY_MAX_ATTEMPTS: z.preprocess(
    (v) => (v === "" || v === undefined ? 8 : Number(v)),
    z.number().int().min(1).max(100),
  ),
  CONTACT_STALE_DAYS: positiveNumber(180),
  CONTACT_CHANGE_APPROVAL: z.enum(["true", "false"]).default("false"),
  RETENTION_OUTBOX_DAYS: retentionDays(30),
  RETENTION_CONVERSATION_DAYS: retentionDays(30),
  RETENTION_EVIDENCE_DAYS: retentionDays(1825),
  RETENTION_INCIDENT_DAYS: retentionDays(1825),
  // Evidence files (issue 14): the folder defaults to `evidence` beside the database.
  EVIDENCE_DIR: optionalString,
  EVIDENCE_MAX_BYTES: z.preprocess(
    (v) => (v === "" || v === undefined ? 20 * 1024 * 1024 : Number(v)),
    z.number().int().positive({ message: "expected a number of bytes such as 20971520 (20 MB)" }),
  ),
  EVIDENCE_EMAIL_MAX_BYTES: z.preprocess(
    (v) => (v === "" || v === undefined ? 10 * 1024 * 1024 : Number(v)),
    z.number().int().min(0, { message: "expected a number of bytes such as 10485760 (10 MB), or 0" }),
  ),
  TEMPLATE_DIR: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine((dir) => existsSync(dir) && statSync(dir).isDirectory(), {
        message: "expected an existing folder",
      })
      .optional(),
  ),
});

export type Env = z.infer<typeof configSchema>;

/** The application's configuration, parsed once at start. */
export interface Config {
  telegram: {
    token: string | undefined;
    apiRoot: string;
    framework: "grammy" | "telegraf";
    mode: "polling" | "webhook";
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
  };
  port: number;
  /** Interface the HTTP server (webhook, /healthz) listens on. */
  host: string;
  databasePath: string;
  /** Configured Telegram admins: ADMIN_TELEGRAM_IDS and the telegram: entries of ADMIN_IDS. */
  adminTelegramIds: string[];
  /** Configured admins per channel (ADMIN_IDS, with ADMIN_TELEGRAM_IDS under telegram). */
  adminIds: Record<string, string[]>;
  defaultLocale: "vi" | "en";
  timeZone: string;
  smtp: { url: string; from: string } | undefined;
  zalo: {
    token: string | undefined;
    apiRoot: string;
    mode: "polling" | "webhook";
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
    /** Outbound messages a month the plan allows (the free plan: about 3,000); admins are warned at 80%. */
    monthlyQuota: number;
  };
  logLevel: (typeof LOG_LEVELS)[number];
  drafts: { reminderMs: number; expiryMs: number };
  dutyMessageDetail: "full" | "minimal";
  /** Time to acknowledge a ticket, by severity level (4 = Nghiêm trọng … 1 = Thấp). */
  ackDeadlines: Record<1 | 2 | 3 | 4, DeadlineSpec>;
  /** Acknowledged but unresolved tickets are raised again in their duty chats after this long. */
  unresolvedReminderMs: number;
  /** How long before the 5-day notification deadline of Circular 20/2017 the duty chats are warned. */
  legalWarningMs: number;
  /** After resolution, the reporter is reminded of the final report (Mẫu 04) after this long. */
  finalReportReminderMs: number;
  /** A paged person who does not acknowledge within this long is followed by the next of the roster's chain. */
  pageTimeoutMs: number;
  /** How long before an alert period starts its units' uncovered hours are announced. */
  alertPeriodWarningMs: number;
  /** Failed sends of one message before it is dead-lettered and the admins are told. */
  deliveryMaxAttempts: number;
  /** Contacts not verified for this long are flagged to admins. */
  contactStaleMs: number;
  /** A change to a national-level contact needs a second admin's approval. */
  contactChangeApproval: boolean;
  /** The admins' own document templates (mau03.docx, …); a form not found there uses the shipped one. */
  templateDir: string | undefined;
  evidence: {
    /** Where reporters' files are kept (content-addressed); undefined: beside the database. */
    dir: string | undefined;
    /** Files above this are refused (Telegram hands a bot at most 20 MB anyway). */
    maxBytes: number;
    /** The evidence e-mail attaches files up to this total; the others are listed with their hash. */
    emailMaxBytes: number;
  };
  /** How long each kind of record is kept, in days; undefined keeps it for ever (src/retention/). */
  retention: RetentionDays;
}

/** Days each kind of record is kept (undefined: for ever). */
export interface RetentionDays {
  /** A delivered message's body (the row stays, with its delivery result). */
  outboxDays: number | undefined;
  /** A conversation left unfinished and untouched (a finished one is deleted at once). */
  conversationDays: number | undefined;
  /** Evidence files of a ticket, counted from the ticket's last change. */
  evidenceDays: number | undefined;
  /** A settled ticket (closed, duplicate, rejected) with its timeline, from its last change. */
  incidentDays: number | undefined;
}

/** Thrown when the environment does not describe a usable configuration; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n")}\n` +
        "See .env.example for every variable and its expected form.",
    );
    this.name = "ConfigError";
  }
}

const HOUR = 3_600_000;

/** Parses and validates the configuration from an environment map (throws ConfigError naming the variables). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "(environment)"),
        message: describeIssue(issue, env),
      }));
  // Checked apart from the schema so that every problem is reported in one go, not only the first layer.
  if (env.TELEGRAM_MODE === "webhook") {
    for (const variable of ["WEBHOOK_URL", "WEBHOOK_SECRET"]) {
      if (!env[variable])
        problems.push({ variable, message: "required when TELEGRAM_MODE=webhook (got not set)" });
    }
  }
  if (env.ZALO_MODE === "webhook") {
    for (const variable of ["ZALO_WEBHOOK_URL", "ZALO_WEBHOOK_SECRET"]) {
      if (!env[variable])
        problems.push({ variable, message: "required when ZALO_MODE=webhook (got not set)" });
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
      framework: e.TELEGRAM_FRAMEWORK,
      mode: e.TELEGRAM_MODE,
      webhookUrl: e.WEBHOOK_URL,
      webhookSecret: e.WEBHOOK_SECRET,
    },
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    ...(() => {
      const adminIds: Record<string, string[]> = { telegram: [...e.ADMIN_TELEGRAM_IDS] };
      for (const entry of e.ADMIN_IDS) {
        const named = parseChannelId(entry);
        if (!named) continue; // refused by the schema above
        const ids = adminIds[named.channel] ?? [];
        if (!ids.includes(named.id)) ids.push(named.id);
        adminIds[named.channel] = ids;
      }
      return { adminIds, adminTelegramIds: adminIds.telegram ?? [] };
    })(),
    defaultLocale: e.DEFAULT_LOCALE,
    timeZone: e.TZ,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM ?? "incident-bot@localhost" } : undefined,
    zalo: {
      token: e.ZALO_BOT_TOKEN,
      apiRoot: e.ZALO_API_ROOT.replace(/\/+$/, ""),
      mode: e.ZALO_MODE,
      webhookUrl: e.ZALO_WEBHOOK_URL,
      webhookSecret: e.ZALO_WEBHOOK_SECRET,
      monthlyQuota: e.ZALO_MONTHLY_QUOTA,
    },
    logLevel: e.LOG_LEVEL,
    drafts: { reminderMs: e.DRAFT_REMINDER_HOURS * HOUR, expiryMs: e.DRAFT_EXPIRY_HOURS * HOUR },
    dutyMessageDetail: e.DUTY_MESSAGE_DETAIL,
    ackDeadlines: (() => {
      const [critical = "15m", high = "1h", medium = "4h", low = "1wd"] = e.ACK_DEADLINES.split(",");
      return {
        4: parseDeadline(critical),
        3: parseDeadline(high),
        2: parseDeadline(medium),
        1: parseDeadline(low),
      };
    })(),
    unresolvedReminderMs: e.UNRESOLVED_REMINDER_HOURS * HOUR,
    legalWarningMs: e.LEGAL_WARNING_HOURS * HOUR,
    finalReportReminderMs: e.FINAL_REPORT_REMINDER_DAYS * 24 * HOUR,
    pageTimeoutMs: e.PAGE_TIMEOUT_MINUTES * 60_000,
    alertPeriodWarningMs: e.ALERT_PERIOD_WARNING_DAYS * 24 * HOUR,
    deliveryMaxAttempts: e.DELIVERY_MAX_ATTEMPTS,
    contactStaleMs: e.CONTACT_STALE_DAYS * 24 * HOUR,
    contactChangeApproval: e.CONTACT_CHANGE_APPROVAL === "true",
    templateDir: e.TEMPLATE_DIR,
    evidence: {
      dir: e.EVIDENCE_DIR,
      maxBytes: e.EVIDENCE_MAX_BYTES,
      emailMaxBytes: e.EVIDENCE_EMAIL_MAX_BYTES,
    },
    retention: {
      outboxDays: days(e.RETENTION_OUTBOX_DAYS),
      conversationDays: days(e.RETENTION_CONVERSATION_DAYS),
      evidenceDays: days(e.RETENTION_EVIDENCE_DAYS),
      incidentDays: days(e.RETENTION_INCIDENT_DAYS),
    },
  };
}

const days = (v: number | "off"): number | undefined => (v === "off" ? undefined : v);

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? "");
  const got = env[name];
  // Secrets are never echoed back, even in an error.
  const secret = /TOKEN|SECRET|SMTP_URL/.test(name);
  const shown = got === undefined ? "not set" : secret ? "a value of the wrong form" : JSON.stringify(got);
  if (issue.code === "invalid_value" && "values" in issue) {
    return `expected one of ${issue.values.join(", ")} (got ${shown})`;
  }
  return `${issue.message} (got ${shown})`;
}

/** Reads `.env` (if present) into process.env without overriding what is already set, then parses. */
export function loadConfig(envFile = ".env"): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}
