import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "../app.ts";
import { errorText } from "../redact.ts";

export interface HttpServerOptions {
  port: number;
  /** Default 127.0.0.1: the service sits behind a reverse proxy. */
  host?: string;
  /** Where request failures are logged (fastify's own logger is off: it would log bodies and headers). */
  logger?: Logger;
  /** Path Telegram posts updates to, and the secret it must send in X-Telegram-Bot-Api-Secret-Token. */
  webhook?: { path: string; secret: string; onUpdate: (update: unknown) => Promise<void> };
  /**
   * Path Zalo posts updates to (/zalo/hook), and the secret it must send in X-Bot-Api-Secret-Token. The body
   * is passed on as it came, wrapped `{ok, result}` or raw: the Zalo channel accepts both.
   */
  zaloWebhook?: { path: string; secret: string; onUpdate: (body: unknown) => Promise<void> };
  /** Throws when the service is not healthy (e.g. the database is unreachable). */
  health: () => void;
  /** The Prometheus exposition (GET /metrics), read from the app's own registry at each scrape. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

/** Compares secrets in constant time, so response timing reveals nothing about the expected value. */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The HTTP side: /healthz, /metrics, and the Telegram webhook (refused with 401 without the right secret). */
export async function startHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const server = Fastify({ logger: false, bodyLimit: 1_048_576 });
  // Answers carry a status and nothing else: error messages (a parser's, a handler's TypeError) describe the
  // internals and can echo the request, so they go to the redacting log, not back to the caller.
  server.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    options.logger?.[status >= 500 ? "error" : "warn"](
      { status, code: error.code, err: errorText(error), path: request.routeOptions.url },
      "HTTP request failed",
    );
    return reply.code(status).send({ ok: false });
  });
  server.get("/healthz", async (_request, reply) => {
    try {
      options.health();
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });
  const metrics = options.metrics;
  if (metrics) {
    // Served on the same address as /healthz: behind the reverse proxy, which keeps it off the internet.
    server.get("/metrics", async (_request, reply) => {
      const { contentType, body } = await metrics();
      return reply.type(contentType).send(body);
    });
  }
  const webhook = options.webhook;
  if (webhook) {
    server.post(
      webhook.path,
      {
        // Checked before the body is read or parsed: without the secret nothing about the body matters.
        onRequest: async (request, reply) => {
          const header = request.headers["x-telegram-bot-api-secret-token"];
          if (!sameSecret(Array.isArray(header) ? header[0] : header, webhook.secret)) {
            return reply.code(401).send({ ok: false });
          }
        },
      },
      async (request) => {
        // Answered once the update is committed, not before (a failure makes Telegram retry, and dedupe absorbs
        // it) and not later: sending happens after, from the outbox, so a busy group never delays this answer.
        await webhook.onUpdate(request.body);
        return { ok: true };
      },
    );
  }
  const zalo = options.zaloWebhook;
  if (zalo) {
    server.post(
      zalo.path,
      {
        // Checked before the body is read or parsed, like Telegram's: Zalo's documented answer is 403.
        onRequest: async (request, reply) => {
          const header = request.headers["x-bot-api-secret-token"];
          if (!sameSecret(Array.isArray(header) ? header[0] : header, zalo.secret)) {
            return reply.code(403).send({ message: "Unauthorized" });
          }
        },
      },
      async (request) => {
        // Committed before answering: a failure is answered 500, and a redelivery is absorbed by the dedupe key.
        await zalo.onUpdate(request.body);
        return { message: "Success" };
      },
    );
  }
  await server.listen({ port: options.port, host: options.host ?? "127.0.0.1" });
  return server;
}
