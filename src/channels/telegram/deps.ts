import type { App } from "../../app.ts";
import type { TelegramHandlerDeps } from "./handler.ts";
import type { TelegramPort } from "./port.ts";
import { type SenderOptions, TelegramSender } from "./sender.ts";

/** Everything the update handler needs, for one bot (its API port and @username). */
export function createTelegramDeps(
  app: App,
  port: TelegramPort,
  botUsername: string,
  senderOptions: SenderOptions = {},
): TelegramHandlerDeps {
  return {
    engine: app.engine,
    sender: new TelegramSender(app.store, port, app.logger, senderOptions),
    port,
    translator: app.translator,
    defaultLocale: app.config.defaultLocale,
    logger: app.logger,
    botUsername,
  };
}
