import { createInterface } from "node:readline";
import type { App } from "../../app.ts";
import { Scheduler } from "../../delivery/scheduler.ts";
import { TerminalChannel } from "./terminal-channel.ts";

/** Runs the interactive terminal chat until end of input (Ctrl+D). */
export async function runTerminalChat(
  app: App,
  input = process.stdin,
  output = process.stdout,
): Promise<void> {
  const locale = app.config.defaultLocale;
  const channel = new TerminalChannel(app.engine, app.store, app.translator, locale);
  const print = (lines: string[]) => {
    for (const line of lines) output.write(`\n${line}\n`);
    output.write("\n> ");
  };
  output.write(`${app.translator.t(locale, "common:terminal.banner")}\n`);
  // Messages committed but not shown before a crash come first; then resume or start the report.
  const leftover = channel.drain();
  const hasDraft = app.store.conversation("terminal", "local") !== undefined;
  print([...leftover, ...channel.handleLine(hasDraft ? "/report" : "/start")]);
  const scheduler = new Scheduler(app.engine, app.store, app.logger, () => print(channel.drain()));
  scheduler.start();
  const rl = createInterface({ input, terminal: false });
  try {
    for await (const line of rl) print(channel.handleLine(line));
  } finally {
    scheduler.stop();
  }
}
