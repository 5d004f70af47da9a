import type { Logger } from "../../app.ts";
import type { Locale, Translator } from "../../i18n.ts";
import { errorDescription, type TelegramPort } from "./port.ts";

/** Commands shown in Telegram's menu, per language: the Vietnamese menu uses the Vietnamese aliases. */
const MENU: Record<Locale, string[]> = {
  vi: ["baocao", "huy", "trangthai", "mytickets", "contacts", "profile", "lang", "help"],
  en: ["report", "cancel", "status", "mytickets", "contacts", "profile", "lang", "help"],
};

/** Registers the localized command menus; a failure is logged and never stops the bot. */
export async function registerCommands(
  port: TelegramPort,
  t: Translator,
  defaultLocale: Locale,
  logger: Logger,
): Promise<void> {
  const menu = (locale: Locale) =>
    MENU[locale].map((command) => ({ command, description: t.t(locale, `common:commands.${command}`) }));
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
