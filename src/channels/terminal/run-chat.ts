import { createInterface } from "node:readline";
import type { App } from "../../app.ts";
import { TerminalChannel } from "./terminal-channel.ts";

/** Runs the interactive terminal chat until end of input (Ctrl+D). */
export async function runTerminalChat(
  app: App,
  input = process.stdin,
  output = process.stdout,
): Promise<void> {
  const locale = app.config.defaultLocale;
  const channel = new TerminalChannel(app, (text) => output.write(`\n${text}\n`), locale);
  output.write(`${app.translator.t(locale, "common:terminal.banner")}\n`);
  // Messages committed but not shown before a crash come first (the dispatcher's first pass); then timers run.
  await app.start();
  const hasDraft = app.store.conversation("terminal", "local") !== undefined;
  await channel.handleLine(hasDraft ? "/report" : "/start");
  output.write("\n> ");
  const rl = createInterface({ input, terminal: false });
  for await (const line of rl) {
    await channel.handleLine(line);
    output.write("\n> ");
  }
}
