import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/app.ts";
import { redactSecrets } from "../src/redact.ts";

const TOKEN = "987654:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

describe("redactSecrets", () => {
  it("removes the token from a Bot API URL and a bare token, and the given secrets", () => {
    const out = redactSecrets(
      `request to http://h/bot${TOKEN}/getUpdates failed; token ${TOKEN}; secret webhook-secret-123`,
      ["webhook-secret-123"],
    );
    expect(out).not.toContain("BBBBBBBB");
    expect(out).not.toContain("webhook-secret-123");
    expect(out).toContain("http://h/bot[redacted]/getUpdates");
  });

  it("keeps ordinary text and ignores too-short secrets", () => {
    expect(redactSecrets("ticket 12:30 ok", ["ok"])).toBe("ticket 12:30 ok");
  });
});

describe("createLogger", () => {
  it("scrubs the configured secrets from every line, message and error text alike", () => {
    let written = "";
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = createLogger("info", sink, ["my-webhook-secret-xyz"]);
    logger.warn({ err: `request to /bot${TOKEN}/getMe failed` }, "failed with my-webhook-secret-xyz");
    expect(written).toContain("getMe failed");
    expect(written).not.toContain("BBBBBBBB");
    expect(written).not.toContain("my-webhook-secret-xyz");
  });
});
