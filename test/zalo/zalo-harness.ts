import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, createApp, createLogger } from "../../src/app.ts";
import { type RunningZalo, startZalo } from "../../src/channels/zalo/run.ts";
import { parseConfig } from "../../src/config.ts";
import { freePort, waitFor } from "../e2e/telegram-harness.ts";
import { FakeZalo, type InjectInput } from "../support/fake-zalo.ts";

export const WEBHOOK_SECRET = "zalo-e2e-secret-0123";

/** The fake Zalo server and the real Zalo channel (polling or webhook) on a fresh database, in process. */
export async function startZaloStack(
  mode: "polling" | "webhook" = "polling",
  env: Record<string, string> = {},
) {
  const fake = await new FakeZalo().start();
  fake.configure({ pollCapSeconds: 1 });
  const dir = mkdtempSync(join(tmpdir(), "zalo-e2e-"));
  const port = await freePort();
  const app: App = createApp(
    parseConfig({
      ZALO_BOT_TOKEN: fake.tokens[0] ?? "",
      ZALO_API_ROOT: fake.url,
      ZALO_MODE: mode,
      ZALO_WEBHOOK_URL: `http://127.0.0.1:${port}/zalo/hook`,
      ZALO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PORT: String(port),
      DATABASE_PATH: join(dir, "bot.db"),
      LOG_LEVEL: "silent",
      ...env,
    }),
    createLogger("silent"),
  );
  const zalo: RunningZalo = await startZalo(app, {
    ownServer: true,
    pollTimeoutSeconds: 1,
    pollIntervalMs: 100,
    baseDelayMs: 50,
  });
  const processed = (key: string) =>
    app.db.prepare("SELECT 1 FROM processed_updates WHERE channel = 'zalo' AND dedupe_key = ?").get(key) !==
    undefined;
  return {
    fake,
    app,
    zalo,
    port,
    processed,
    async stop() {
      await zalo.stop();
      await app.close();
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ZaloStack = Awaited<ReturnType<typeof startZaloStack>>;

/** A person on Zalo: injects messages and waits until each is applied and its answers are sent. */
export class ZaloUser {
  constructor(
    private readonly stack: { fake: FakeZalo; app: App },
    readonly id: string,
    readonly name = "Nguyễn Văn An",
  ) {}

  /** Everything the bot sent to this person, in order. */
  texts(): string[] {
    return this.stack.fake.outbox(this.id).map((e) => String(e.params.text ?? ""));
  }

  lastText(): string {
    return this.texts().at(-1) ?? "";
  }

  textsSince(n: number): string {
    return this.texts().slice(n).join("\n---\n");
  }

  async send(input: Omit<InjectInput, "from">): Promise<string> {
    const { update } = await this.stack.fake.inject({
      ...input,
      from: { id: this.id, display_name: this.name },
    });
    const key = String(update.message.message_id);
    const db = this.stack.app.db;
    await waitFor(
      () => db.prepare("SELECT 1 FROM processed_updates WHERE channel = 'zalo' AND dedupe_key = ?").get(key),
      `update ${key} applied`,
    );
    await waitFor(
      () => this.stack.app.store.pendingForChat("zalo", this.id).length === 0,
      `answers to ${this.id} sent`,
    );
    return key;
  }

  say(text: string): Promise<string> {
    return this.send({ type: "text", text });
  }
}

/** Removes Vietnamese diacritics, as people type without them. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
}

/** The label of option `n` in the numbered list of a message. */
export function optionLabel(message: string, n: number): string | undefined {
  return new RegExp(`^${n}\\. (.+)$`, "m").exec(message)?.[1];
}
