import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { find, parseExposition } from "../support/prometheus-text.ts";
import { startZaloStack, WEBHOOK_SECRET, type ZaloStack, ZaloUser } from "./zalo-harness.ts";

describe("Zalo end to end, webhook at /zalo/hook", () => {
  let stack: ZaloStack;
  beforeAll(async () => {
    stack = await startZaloStack("webhook");
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("registers the webhook with its secret at start", () => {
    expect(stack.fake.state().webhook).toMatchObject({ url: `http://127.0.0.1:${stack.port}/zalo/hook` });
    const setWebhook = stack.fake.requests.find((r) => r.path.endsWith("/setWebhook"));
    expect(JSON.parse(setWebhook?.body ?? "{}")).toEqual({
      url: `http://127.0.0.1:${stack.port}/zalo/hook`,
      secret_token: WEBHOOK_SECRET,
    });
  });

  it("refuses a push without the secret or with a wrong one, and applies nothing", async () => {
    for (const override of [null, "wrong-secret-0123", `${WEBHOOK_SECRET}x`]) {
      stack.fake.configure({ pushSecretOverride: override });
      const { update, delivery } = await stack.fake.inject({
        type: "text",
        from: { id: "c1b2c3d4e5f60718293c" },
        text: "/start",
      });
      expect(delivery.status).toBe(403);
      expect(stack.processed(String(update.message.message_id))).toBe(false);
    }
    stack.fake.configure({ pushSecretOverride: undefined });
    expect(stack.fake.outbox("c1b2c3d4e5f60718293c")).toEqual([]);
  });

  for (const envelope of ["raw", "wrapped", "alternate"] as const) {
    it(`a push delivered twice (${envelope} body) has one effect`, async () => {
      stack.fake.configure({ webhookEnvelope: envelope, duplicateDelivery: true });
      const user = new ZaloUser(stack, `d${envelope.length}b2c3d4e5f60718293d`.slice(0, 20));
      try {
        await user.say("/start");
        await user.say("Cổng thông tin điện tử tỉnh");
      } finally {
        stack.fake.configure({ duplicateDelivery: false, webhookEnvelope: "raw" });
      }
      const deliveries = stack.fake.webhookDeliveries().slice(-4);
      expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
      expect(user.texts().filter((t) => t.includes("Sự cố xảy ra với hệ thống nào?"))).toHaveLength(1);
      expect(user.texts().filter((t) => t.includes("loại sự cố nào"))).toHaveLength(1);
      if (envelope === "alternate") {
        expect(new Set(deliveries.map((d) => d.envelope))).toEqual(new Set(["raw", "wrapped"]));
      }
    });
  }

  it("serves /metrics beside the webhook, with the answers sent on Zalo counted", async () => {
    const response = await fetch(`http://127.0.0.1:${stack.port}/metrics`);
    expect(response.status).toBe(200);
    const metrics = parseExposition(await response.text());
    expect(metrics.types.get("incident_bot_tickets")).toBe("gauge");
    expect(find(metrics, "incident_bot_outbox_sent_total", { channel: "zalo" })[0]?.value).toBeGreaterThan(0);
  });
});
