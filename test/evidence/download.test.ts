import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Api } from "grammy";
import { Telegraf } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { grammyPort } from "../../src/channels/telegram/grammy.ts";
import { telegrafPort } from "../../src/channels/telegram/telegraf.ts";
import { DownloadError, download } from "../../src/evidence/download.ts";
import { telegramEvidenceSource, zaloEvidenceSource } from "../../src/evidence/sources.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A local server answering every request with the handler. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const failure = async (p: Promise<unknown>): Promise<DownloadError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof DownloadError) return error;
    throw error;
  }
  throw new Error("expected a DownloadError");
};

describe("downloading a reporter's file", () => {
  it("a Zalo image URL is fetched over https only: http is refused before any request", async () => {
    let requests = 0;
    const root = await serve((_req, res) => {
      requests++;
      res.end("img");
    });
    const error = await failure(
      zaloEvidenceSource().fetch({ fileRef: `${root}/a.jpg` }, { maxBytes: 100, timeoutMs: 1000 }),
    );
    expect(error).toMatchObject({ kind: "permanent", code: "not_https" });
    expect(requests).toBe(0);
  });

  it("with a local Zalo stand-in, plain http is fetched from this machine only, never from elsewhere", async () => {
    const root = await serve((_req, res) => res.end("img"));
    const source = zaloEvidenceSource({ localHttp: true });
    const limits = { maxBytes: 100, timeoutMs: 1000 };
    expect((await source.fetch({ fileRef: `${root}/a.jpg` }, limits)).toString()).toBe("img");
    // Another host over plain http stays refused before any request (the address is never contacted).
    const error = await failure(source.fetch({ fileRef: "http://203.0.113.7/a.jpg" }, limits));
    expect(error).toMatchObject({ kind: "permanent", code: "not_https" });
  });

  it("a server that sends more than the limit without announcing it is cut off at the limit", async () => {
    const root = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(1000, 1));
      res.end();
    });
    const error = await failure(download(`${root}/f`, { maxBytes: 5000, timeoutMs: 2000 }));
    expect(error.kind).toBe("tooLarge");
  });

  it("an announced size over the limit is refused without reading; 5xx is transient, 404 permanent, a stall times out", async () => {
    const root = await serve((req, res) => {
      if (req.url === "/big") {
        res.writeHead(200, { "content-length": "999999" });
        res.end();
      } else if (req.url === "/boom") {
        res.writeHead(502);
        res.end();
      } else if (req.url === "/stall") {
        res.writeHead(200);
        res.write("x");
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    expect(await failure(download(`${root}/big`, { maxBytes: 1000, timeoutMs: 2000 }))).toMatchObject({
      kind: "tooLarge",
      size: 999999,
    });
    expect((await failure(download(`${root}/boom`, { maxBytes: 1000, timeoutMs: 2000 }))).kind).toBe(
      "transient",
    );
    expect((await failure(download(`${root}/nope`, { maxBytes: 1000, timeoutMs: 2000 }))).kind).toBe(
      "permanent",
    );
    expect(await failure(download(`${root}/stall`, { maxBytes: 1000, timeoutMs: 300 }))).toMatchObject({
      kind: "transient",
    });
  });

  it("a Telegram failure never carries the file URL (it holds the token)", async () => {
    const token = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const root = await serve((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const source = telegramEvidenceSource(
      { getFile: async () => ({ file_path: "photos/x.jpg" }) },
      root,
      token,
    );
    const error = await failure(source.fetch({ fileRef: "id" }, { maxBytes: 100, timeoutMs: 1000 }));
    expect(error.kind).toBe("transient");
    expect(`${error.message} ${error.code} ${error.stack ?? ""}`).not.toContain(token.split(":")[1]);
  });
});

describe("both Telegram runtimes fetch a file through the port", () => {
  for (const runtime of ["grammy", "telegraf"] as const) {
    it(`${runtime}: getFile then the file URL give the bytes the fake served; over 20 MB is refused as too large`, async () => {
      const fake = await FakeBotApi.start({ limits: false });
      try {
        const port =
          runtime === "grammy"
            ? grammyPort(new Api(fake.token, { apiRoot: fake.apiRoot }))
            : telegrafPort(new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } }).telegram);
        const source = telegramEvidenceSource(port, fake.apiRoot, fake.token);
        const bytes = Buffer.from(`${runtime} bytes`);
        const small = fake.addFile(bytes);
        const limits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 5000 };
        expect((await source.fetch({ fileRef: small.fileId }, limits)).equals(bytes)).toBe(true);
        const big = fake.addFile(Buffer.from("x"), { size: 21 * 1024 * 1024 });
        expect((await failure(source.fetch({ fileRef: big.fileId }, limits))).kind).toBe("tooLarge");
        expect((await failure(source.fetch({ fileRef: "unknown" }, limits))).kind).toBe("permanent");
      } finally {
        await fake.close();
      }
    });
  }
});
