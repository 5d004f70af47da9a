import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.ts";

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("runs on embedded defaults with an empty environment", () => {
    const config = parseConfig({});
    expect(config.databasePath).toBe("./data/incident-bot.db");
    expect(config.defaultLocale).toBe("vi");
    expect(config.telegram).toMatchObject({ framework: "grammy", mode: "polling", token: undefined });
    expect(config.telegram.apiRoot).toBe("https://api.telegram.org");
    expect(config.timeZone).toBe("Asia/Ho_Chi_Minh");
    expect(config.smtp).toBeUndefined();
    expect(config.drafts).toEqual({ reminderMs: 24 * 3_600_000, expiryMs: 24 * 3_600_000 });
  });

  it("parses every variable of the contract", () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9000/",
      TELEGRAM_FRAMEWORK: "telegraf",
      TELEGRAM_MODE: "webhook",
      WEBHOOK_URL: "https://bot.laichau.gov.vn/telegram",
      WEBHOOK_SECRET: "s3cret-token_value-123",
      PORT: "8443",
      DATABASE_PATH: "/var/lib/incident-bot/db.sqlite",
      ADMIN_TELEGRAM_IDS: "111, 222,333",
      DEFAULT_LOCALE: "en",
      TZ: "Asia/Bangkok",
      SMTP_URL: "smtps://bot:pw@mail.laichau.gov.vn",
      ZALO_BOT_TOKEN: "12345689:abc-xyz",
      LOG_LEVEL: "debug",
      DRAFT_REMINDER_HOURS: "2",
      DRAFT_EXPIRY_HOURS: "0.5",
    });
    expect(config.telegram).toEqual({
      token: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def",
      apiRoot: "http://127.0.0.1:9000",
      framework: "telegraf",
      mode: "webhook",
      webhookUrl: "https://bot.laichau.gov.vn/telegram",
      webhookSecret: "s3cret-token_value-123",
    });
    expect(config.port).toBe(8443);
    expect(config.adminTelegramIds).toEqual(["111", "222", "333"]);
    expect(config.defaultLocale).toBe("en");
    expect(config.smtp?.url).toBe("smtps://bot:pw@mail.laichau.gov.vn");
    expect(config.zalo.token).toBe("12345689:abc-xyz");
    expect(config.logLevel).toBe("debug");
    expect(config.drafts).toEqual({ reminderMs: 2 * 3_600_000, expiryMs: 1_800_000 });
  });

  it.each([
    [{ TELEGRAM_FRAMEWORK: "botkit" }, "TELEGRAM_FRAMEWORK", /grammy, telegraf/],
    [{ TELEGRAM_MODE: "push" }, "TELEGRAM_MODE", /polling, webhook/],
    [{ TELEGRAM_BOT_TOKEN: "not-a-token" }, "TELEGRAM_BOT_TOKEN", /BotFather/],
    [{ TELEGRAM_API_ROOT: "localhost" }, "TELEGRAM_API_ROOT", /URL/],
    [{ PORT: "70000" }, "PORT", /70000/],
    [{ PORT: "eighty" }, "PORT", /eighty/],
    [{ ADMIN_TELEGRAM_IDS: "123,@admin" }, "ADMIN_TELEGRAM_IDS", /numeric Telegram user ids/],
    [{ DEFAULT_LOCALE: "fr" }, "DEFAULT_LOCALE", /vi, en/],
    [{ TZ: "Mars/Olympus" }, "TZ", /IANA time zone/],
    [{ SMTP_URL: "mail.example.vn" }, "SMTP_URL", /smtp:\/\//],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", /info/],
    [{ DRAFT_REMINDER_HOURS: "-1" }, "DRAFT_REMINDER_HOURS", /-1/],
    [{ TELEGRAM_MODE: "webhook" }, "WEBHOOK_URL", /required when TELEGRAM_MODE=webhook/],
  ])("names the variable in the error for %j", (env, variable, message) => {
    const error = problemsOf(env);
    const problem = error.problems.find((p) => p.variable === variable);
    expect(problem?.message).toMatch(message);
    expect(error.message).toContain(variable);
  });

  it("reports every bad variable at once", () => {
    const error = problemsOf({ TELEGRAM_MODE: "webhook", DEFAULT_LOCALE: "fr" });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      "DEFAULT_LOCALE",
      "WEBHOOK_SECRET",
      "WEBHOOK_URL",
    ]);
  });

  it("never echoes a secret in the error", () => {
    const error = problemsOf({ TELEGRAM_BOT_TOKEN: "leaky-secret-value" });
    expect(error.message).not.toContain("leaky-secret-value");
  });

  it("TEMPLATE_DIR names an existing folder, or is refused naming the variable", () => {
    expect(parseConfig({}).templateDir).toBeUndefined();
    expect(parseConfig({ TEMPLATE_DIR: "" }).templateDir).toBeUndefined();
    expect(parseConfig({ TEMPLATE_DIR: "templates" }).templateDir).toBe("templates");
    const error = problemsOf({ TEMPLATE_DIR: "/no/such/folder" });
    expect(error.problems).toEqual([
      { variable: "TEMPLATE_DIR", message: 'expected an existing folder (got "/no/such/folder")' },
    ]);
  });
});

describe("evidence settings", () => {
  it("default to a folder beside the database, 20 MB a file and 10 MB of e-mail attachments; bad sizes are named", () => {
    expect(parseConfig({}).evidence).toEqual({
      dir: undefined,
      maxBytes: 20 * 1024 * 1024,
      emailMaxBytes: 10 * 1024 * 1024,
    });
    expect(parseConfig({ EVIDENCE_DIR: "/srv/evidence", EVIDENCE_MAX_BYTES: "1000" }).evidence).toMatchObject(
      {
        dir: "/srv/evidence",
        maxBytes: 1000,
      },
    );
    const error = problemsOf({ EVIDENCE_MAX_BYTES: "big", EVIDENCE_EMAIL_MAX_BYTES: "-1" });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      "EVIDENCE_EMAIL_MAX_BYTES",
      "EVIDENCE_MAX_BYTES",
    ]);
  });
});

describe("HOST", () => {
  it("defaults to loopback, takes an address or host name, and names a bad value", () => {
    expect(parseConfig({}).host).toBe("127.0.0.1");
    expect(parseConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(parseConfig({ HOST: "::1" }).host).toBe("::1");
    expect(() => parseConfig({ HOST: "not a host!" })).toThrow(/HOST: expected an IP address/);
  });
});
