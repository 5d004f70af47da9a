import type { App } from "../../app.ts";
import type { TelegramHandlerDeps } from "./handler.ts";
import type { TelegramPort } from "./port.ts";
import { type SenderOptions, TelegramSender } from "./sender.ts";

/**
 * Registers Telegram's lane (its sender under the app's retry policy) with the app's dispatcher, and returns
 * what the update handler needs: the app's router and dispatcher, this bot's port and @username.
 */
export function createTelegramDeps(
  app: App,
  port: TelegramPort,
  botUsername: string,
  senderOptions: SenderOptions = {},
  waitForSends = true,
): TelegramHandlerDeps & { sender: TelegramSender } {
  const sender = new TelegramSender(app.store, port, app.logger, {
    ...app.laneOptions,
    botUsername,
    ...senderOptions,
  });
  app.dispatcher.register(sender);
  return {
    router: app.router,
    dispatcher: app.dispatcher,
    sender,
    port,
    logger: app.logger,
    botUsername,
    waitForSends,
  };
}
