import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliTimeout } from "../support/cli-budget.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-admin-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI as an operator would, on a database of its own. */
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: join(dir, "bot.db") },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

// Eight CLI runs below, each a real operator command.
describe("incident-bot contacts export|import, audit export", { timeout: cliTimeout(8) }, () => {
  it("exports, refuses a broken file naming line and field, dry-runs, imports, and writes the audit as CSV", () => {
    const file = join(dir, "contacts.yaml");
    expect(cli("contacts", "export", file).code).toBe(0);
    const exported = readFileSync(file, "utf8");
    writeFileSync(file, exported.replace("024.3640.4421", "024.3640.4999").replace("ir@vncert.vn", "ir@"));
    const broken = cli("contacts", "import", file);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/có 1 lỗi, chưa thay đổi gì/);
    expect(broken.err).toMatch(
      /dòng \d+ · contacts\[4\]\.emails\[0\]: «ir@» không phải là địa chỉ thư điện tử hợp lệ/,
    );

    writeFileSync(file, exported.replace("024.3640.4421", "024.3640.4999"));
    const dry = cli("contacts", "import", "--dry-run", file);
    expect(dry.out).toContain("phones: «024.3640.4421» → «024.3640.4999»");
    expect(cli("contacts", "list").out).toContain("024.3640.4421");
    expect(cli("contacts", "import", file).out).toContain("Đã nhập và lưu");
    expect(cli("contacts", "list").out).toContain("024.3640.4999");

    const csv = join(dir, "audit.csv");
    expect(cli("audit", "export", csv).out).toContain("Wrote 2 audit entries");
    expect(readFileSync(csv, "utf8")).toMatch(
      /^\uFEFFid,at,actor,action,subject,outcome,details\r\n1,.*,cli,contact\.update,vncert,ok,/,
    );
  });
});
