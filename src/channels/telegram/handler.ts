import type { Update } from "grammy/types";
import type { Logger } from "../../app.ts";
import type { InboundRouter } from "../../inbound/route.ts";
import type { Dispatcher } from "../../outbox/dispatch.ts";
import { normalizeUpdate } from "./normalize.ts";
import { errorDescription, type TelegramPort } from "./port.ts";

export interface TelegramHandlerDeps {
  router: InboundRouter;
  dispatcher: Dispatcher;
  port: TelegramPort;
  logger: Logger;
  /** The bot's @username (the deep link into a private chat is drawn by the sender). */
  botUsername: string;
  /**
   * Whether an update waits for its own chat's messages to be sent before it is done. Polling and host bots
   * do (a private chat's answer goes out before its next update is read); a webhook does not: it answers as
   * soon as the update is committed, and a busy group's per-minute window never holds up that answer.
   */
  waitForSends: boolean;
  clock?: () => Date;
}

/**
 * One Telegram update, the same for both runtimes: normalize, let the router decide and apply it (one
 * transaction), answer the button press, then hand what was committed to the dispatcher. Returns false for
 * updates that are not the incident flows', so a host bot's other handlers can take them.
 */
export async function handleTelegramUpdate(update: Update, deps: TelegramHandlerDeps): Promise<boolean> {
  const now = (deps.clock ?? (() => new Date()))();
  const inbound = normalizeUpdate(update, now);
  if (inbound.kind === "ignore") {
    if (inbound.callbackQueryId) await answerQuietly(deps, inbound.callbackQueryId);
    return false;
  }
  const { event } = inbound;
  let routed: ReturnType<InboundRouter["handle"]>;
  try {
    routed = deps.router.handle(event);
  } finally {
    // Every button press is answered, even when it was refused or failed, so the client stops its spinner.
    if (inbound.callbackQueryId) await answerQuietly(deps, inbound.callbackQueryId);
  }
  if (routed.kind === "nothing") return false;
  await deps.dispatcher.dispatch({ channel: event.channel, chatId: event.chatId }, routed, {
    wait: deps.waitForSends,
  });
  return true;
}

async function answerQuietly(deps: TelegramHandlerDeps, id: string): Promise<void> {
  try {
    await deps.port.answerCallbackQuery(id);
  } catch (error) {
    deps.logger.debug({ err: errorDescription(error) }, "answerCallbackQuery failed");
  }
}
