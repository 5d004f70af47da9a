import type { Logger } from "../../app.ts";
import { REPORTER_COMMANDS } from "../../conversation/commands.ts";
import type { Locale, Translator } from "../../i18n.ts";
import { errorDescription, type TelegramPort } from "./port.ts";

/** Registers the localized command menus; a failure is logged and never stops the bot. */
export async function registerCommands(
  port: TelegramPort,
  t: Translator,
  defaultLocale: Locale,
  logger: Logger,
): Promise<void> {
  const menu = (locale: Locale) =>
    // The Vietnamese menu shows the Vietnamese names, the English one the English names (both always work).
    REPORTER_COMMANDS.map((c) => ({
      command: c[locale],
      description: t.t(locale, `common:commands.${c.name}`),
    }));
  for (const [locale, languageCode] of [
    ["vi", "vi"],
    ["en", "en"],
    [defaultLocale, undefined],
  ] as const) {
    try {
      await port.setMyCommands(menu(locale), languageCode);
    } catch (error) {
      logger.warn(
        { err: errorDescription(error), languageCode },
        "setMyCommands failed; the bot runs without a menu",
      );
    }
  }
}
