import { Bot } from "grammy";
import { Telegraf } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import { grammyPort } from "../../src/channels/telegram/grammy.ts";
import { errorCode, type TelegramPort } from "../../src/channels/telegram/port.ts";
import { TelegramSender } from "../../src/channels/telegram/sender.ts";
import { telegrafPort } from "../../src/channels/telegram/telegraf.ts";
import { RateLimiter } from "../../src/delivery/rate-limiter.ts";
import type { DocumentMessage } from "../../src/messages.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const runtimes: Array<[string, (fake: FakeBotApi) => TelegramPort]> = [
  ["grammY", (fake) => grammyPort(new Bot(fake.token, { client: { apiRoot: fake.apiRoot } }).api)],
  [
    "Telegraf",
    (fake) => telegrafPort(new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } }).telegram),
  ],
];

const DOCX = Buffer.from("PK\u0003\u0004 a Word file's first bytes, then more", "latin1");

describe("sendDocument through both runtimes against the fake Bot API", () => {
  for (const [name, makePort] of runtimes) {
    it(`${name}: uploads the file with its name and caption; an empty file is refused with a 400`, async () => {
      const fake = await FakeBotApi.start();
      cleanups.push(() => fake.close());
      const port = makePort(fake);
      const sent = await port.sendDocument(
        4242,
        { filename: "SC-2026-000001-mau03.docx", bytes: DOCX },
        { caption: "Báo cáo ban đầu sự cố mạng (Mẫu số 03)" },
      );
      expect(sent.message_id).toBe(1);
      expect(fake.visible(4242)).toMatchObject([
        {
          messageId: 1,
          text: "Báo cáo ban đầu sự cố mạng (Mẫu số 03)",
          document: { fileName: "SC-2026-000001-mau03.docx", size: DOCX.length },
        },
      ]);
      const error = await port.sendDocument(4242, { filename: "empty.pdf", bytes: Buffer.alloc(0) }, {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(errorCode(error)).toBe(400);
      expect(fake.visible(4242)).toHaveLength(1);
    });
  }

  it("a queued document row goes out once through the sender, bytes from its base64", async () => {
    const fake = await FakeBotApi.start();
    cleanups.push(() => fake.close());
    const store = new Store(openDatabase(":memory:"));
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    const sender = new TelegramSender(store, grammyPort(bot.api), createLogger("silent"), {
      limiter: new RateLimiter({ timeScale: 100 }),
    });
    const message: DocumentMessage = {
      kind: "document",
      filename: "SC-2026-000001-mau03.pdf",
      contentType: "application/pdf",
      content: DOCX.toString("base64"),
      caption: "Mẫu số 03",
    };
    const id = store.enqueue(
      "document:SC-2026-000001:initial",
      "telegram",
      "4242",
      message,
      "2026-11-21T03:00:00.000Z",
    );
    expect(id).toBeDefined();
    await sender.flushAll();
    expect(fake.visible(4242)).toMatchObject([
      { text: "Mẫu số 03", document: { fileName: "SC-2026-000001-mau03.pdf", size: DOCX.length } },
    ]);
    expect(store.outboxRow(id ?? 0)?.status).toBe("sent");
  });
});
