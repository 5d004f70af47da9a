// A process that only opens the app on a database file and closes it: `await app.close()` must settle even
// though nothing else keeps the process alive (the checkpoint worker is unref'd while it runs).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, createLogger } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-close-child-"));
const app = createApp(
  parseConfig({ DATABASE_PATH: join(dir, "bot.db"), LOG_LEVEL: "silent" }),
  createLogger("silent"),
);
await app.close();
rmSync(dir, { recursive: true });
console.log("closed");
