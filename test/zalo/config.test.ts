import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.ts";
import { parseChannelId } from "../../src/domain/ids.ts";

function problems(env: Record<string, string>): Array<{ variable: string; message: string }> {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("Zalo configuration", () => {
  it("defaults: polling on bot-api.zaloplatforms.com, a 3,000-message month", () => {
    const config = parseConfig({ ZALO_BOT_TOKEN: "12345689:abc-xyz" });
    expect(config.zalo).toEqual({
      token: "12345689:abc-xyz",
      apiRoot: "https://bot-api.zaloplatforms.com",
      mode: "polling",
      webhookUrl: undefined,
      webhookSecret: undefined,
      monthlyQuota: 3000,
    });
  });

  it("reads webhook mode, another API host and the quota", () => {
    const config = parseConfig({
      ZALO_BOT_TOKEN: "12345689:abc-xyz",
      ZALO_API_ROOT: "https://bot-api.zapps.me/",
      ZALO_MODE: "webhook",
      ZALO_WEBHOOK_URL: "https://bot.laichau.gov.vn/zalo/hook",
      ZALO_WEBHOOK_SECRET: "12345678",
      ZALO_MONTHLY_QUOTA: "10000",
    });
    expect(config.zalo).toMatchObject({
      apiRoot: "https://bot-api.zapps.me",
      mode: "webhook",
      webhookUrl: "https://bot.laichau.gov.vn/zalo/hook",
      webhookSecret: "12345678",
      monthlyQuota: 10000,
    });
  });

  it("names every bad Zalo variable at once, never echoing a secret", () => {
    const found = problems({
      ZALO_BOT_TOKEN: "no-colon-token",
      ZALO_MODE: "webhook",
      ZALO_WEBHOOK_SECRET: "short",
      ZALO_MONTHLY_QUOTA: "lots",
      ZALO_API_ROOT: "bot-api",
    });
    const names = found.map((p) => p.variable).sort();
    expect(names).toEqual(
      [
        "ZALO_API_ROOT",
        "ZALO_BOT_TOKEN",
        "ZALO_MONTHLY_QUOTA",
        "ZALO_WEBHOOK_SECRET",
        "ZALO_WEBHOOK_URL",
      ].sort(),
    );
    const text = found.map((p) => p.message).join("\n");
    expect(text).not.toContain("no-colon-token");
    expect(text).not.toContain("short");
    expect(found.find((p) => p.variable === "ZALO_WEBHOOK_URL")?.message).toMatch(/ZALO_MODE=webhook/);
    expect(found.find((p) => p.variable === "ZALO_WEBHOOK_SECRET")?.message).toMatch(/8–256/);
  });

  it("refuses a secret over 256 characters and accepts 256", () => {
    const base = { ZALO_MODE: "webhook", ZALO_WEBHOOK_URL: "https://x.example.vn/zalo/hook" };
    expect(problems({ ...base, ZALO_WEBHOOK_SECRET: "a".repeat(257) }).map((p) => p.variable)).toEqual([
      "ZALO_WEBHOOK_SECRET",
    ]);
    expect(parseConfig({ ...base, ZALO_WEBHOOK_SECRET: "a".repeat(256) }).zalo.webhookSecret).toHaveLength(
      256,
    );
  });
});

describe("admins per channel", () => {
  it("ADMIN_IDS names admins on each channel; ADMIN_TELEGRAM_IDS is still honoured", () => {
    const config = parseConfig({
      ADMIN_TELEGRAM_IDS: "111,222",
      ADMIN_IDS: "telegram:222, telegram:333,zalo:6ede9afa66b88fe6d6a9",
    });
    expect(config.adminIds).toEqual({ telegram: ["111", "222", "333"], zalo: ["6ede9afa66b88fe6d6a9"] });
    expect(config.adminTelegramIds).toEqual(["111", "222", "333"]);
  });

  it("refuses an entry without a channel or with an id of the wrong form", () => {
    expect(problems({ ADMIN_IDS: "6ede9afa66b88fe6d6a9" })[0]?.variable).toBe("ADMIN_IDS");
    expect(problems({ ADMIN_IDS: "telegram:abc" })[0]?.message).toMatch(/CHANNEL:ID/);
    expect(problems({ ADMIN_IDS: "viber:123" })[0]?.variable).toBe("ADMIN_IDS");
  });
});

describe("channel ids", () => {
  it("accepts zalo hex ids and telegram integers, with or without a default channel", () => {
    expect(parseChannelId("zalo:6ede9afa66b88fe6d6a9")).toEqual({
      channel: "zalo",
      id: "6ede9afa66b88fe6d6a9",
    });
    expect(parseChannelId("telegram:-1001234567890")).toEqual({ channel: "telegram", id: "-1001234567890" });
    expect(parseChannelId("6ede9afa66b88fe6d6a9", "zalo")?.id).toBe("6ede9afa66b88fe6d6a9");
    expect(parseChannelId("6ede9afa66b88fe6d6a9", "telegram")).toBeUndefined();
    expect(parseChannelId("6ede9afa66b88fe6d6a9")).toBeUndefined();
    expect(parseChannelId("zalo:")).toBeUndefined();
  });
});
