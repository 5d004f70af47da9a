import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Path Telegram posts updates to, and the secret it must send in X-Telegram-Bot-Api-Secret-Token. */
  webhook?: { path: string; secret: string; onUpdate: (update: unknown) => Promise<void> };
  /** Throws when the service is not healthy (e.g. the database is unreachable). */
  health: () => void;
}

/** Compares secrets in constant time, so response timing reveals nothing about the expected value. */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The HTTP side: /healthz, and the Telegram webhook (refused with 401 without the right secret). */
export async function startHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const server = Fastify({ logger: false, bodyLimit: 1_048_576 });
  server.get("/healthz", async (_request, reply) => {
    try {
      options.health();
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });
  const webhook = options.webhook;
  if (webhook) {
    server.post(webhook.path, async (request, reply) => {
      const header = request.headers["x-telegram-bot-api-secret-token"];
      if (!sameSecret(Array.isArray(header) ? header[0] : header, webhook.secret)) {
        return reply.code(401).send({ ok: false });
      }
      // Answered only after the update is committed: a failure makes Telegram retry, and dedupe absorbs it.
      await webhook.onUpdate(request.body);
      return { ok: true };
    });
  }
  await server.listen({ port: options.port, host: options.host ?? "0.0.0.0" });
  return server;
}
