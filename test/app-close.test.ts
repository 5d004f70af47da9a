import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp, createLogger } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";

describe("closing the app", () => {
  // The cause of a flaky ENOTEMPTY when a test removed the app's folder: the checkpoint worker still opened,
  // checkpointed and closed the database files after close() had returned.
  it("once close() resolves, nothing touches the database folder any more, so it can be removed at once", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), "incident-close-"));
      const app = createApp(
        parseConfig({ DATABASE_PATH: join(dir, "bot.db"), LOG_LEVEL: "silent" }),
        createLogger("silent"),
      );
      app.store.audit(new Date().toISOString(), "test", "test.write", "x", "ok", {});
      await app.close();
      const touched: string[] = [];
      const watcher = watch(dir, (event, name) => touched.push(`${event} ${name}`));
      await new Promise((resolve) => setTimeout(resolve, 400));
      watcher.close();
      expect(touched).toEqual([]);
      rmSync(dir, { recursive: true });
    }
  });

  it("close() settles in a process with nothing else to do (a script's last await does not hang or exit 13)", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "test/support/close-app.mts"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect({ status: run.status, out: run.stdout.trim() }).toEqual({ status: 0, out: "closed" });
  }, 90_000);
});
