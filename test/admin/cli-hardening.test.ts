import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.ts";
import { cliTimeout } from "../support/cli-budget.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-cli-hard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, "data");
const dbPath = join(dataDir, "bot.db");

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: dbPath },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const mode = (path: string) => statSync(path).mode & 0o777;

// Each describe's limit is for its test with the most CLI runs (four here, two for backup, one for imports).
describe("files holding personal data are the owner's only", { timeout: cliTimeout(4) }, () => {
  it("the data folder is 0700 and the database, -wal and -shm are 0600, even with a permissive umask", () => {
    const old = process.umask(0o022);
    try {
      const db = openDatabase(join(dir, "fresh", "inner", "bot.db"));
      db.prepare("CREATE TABLE IF NOT EXISTS t (x)").run();
      db.prepare("INSERT INTO t VALUES (1)").run();
      expect(mode(join(dir, "fresh", "inner"))).toBe(0o700);
      for (const suffix of ["", "-wal", "-shm"]) {
        expect(mode(join(dir, "fresh", "inner", `bot.db${suffix}`)), suffix || "db").toBe(0o600);
      }
      db.close();
    } finally {
      process.umask(old);
    }
  });

  it("an existing world-readable database is tightened when opened", () => {
    const path = join(dir, "old.db");
    new Database(path).close();
    const db = openDatabase(path);
    expect(mode(path)).toBe(0o600);
    db.close();
  });

  it("backups, contacts export and audit export are written 0600", () => {
    const backup = join(dir, "copy.db");
    expect(cli("migrate").code).toBe(0);
    expect(cli("backup", backup).code).toBe(0);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(dbPath)).toBe(0o600);
    expect(mode(backup)).toBe(0o600);
    const yaml = join(dir, "contacts.yaml");
    expect(cli("contacts", "export", yaml).code).toBe(0);
    expect(mode(yaml)).toBe(0o600);
    const csv = join(dir, "audit.csv");
    expect(cli("audit", "export", csv).code).toBe(0);
    expect(mode(csv)).toBe(0o600);
  });
});

describe("incident-bot backup", { timeout: cliTimeout(2) }, () => {
  it("a DATABASE_PATH with no database behind it is refused, not backed up as an empty database", () => {
    const target = join(dir, "from-nowhere.db");
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "backup", target], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATABASE_PATH: join(dir, "typo", "bot.db"),
      },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(/DATABASE_PATH/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(dir, "typo"))).toBe(false);
  });

  it("refuses to overwrite an existing file unless --force", () => {
    const target = join(dir, "existing.db");
    writeFileSync(target, "precious");
    const refused = cli("backup", target);
    expect(refused.code).toBe(1);
    expect(refused.err.trim().split("\n")).toHaveLength(1);
    expect(refused.err).toContain("--force");
    expect(readFileSync(target, "utf8")).toBe("precious");
    const forced = cli("backup", "--force", target);
    expect(forced.code).toBe(0);
    expect(readFileSync(target).subarray(0, 15).toString()).toBe("SQLite format 3");
  });

  it("a directory, a missing folder or an unusable target get one clear line and exit 1, no stack trace", () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    for (const target of [folder, join(dir, "missing", "x.db")]) {
      const run = cli("backup", "--force", target);
      expect(run.code, target).toBe(1);
      expect(run.err.trim().split("\n"), run.err).toHaveLength(1);
      expect(run.err).not.toMatch(/\bat \S+ \(/);
      expect(run.err).toContain(target);
    }
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it("a database that is not a database gets one clear line", () => {
    const notDb = join(dir, "not-a-db");
    writeFileSync(notDb, "x".repeat(4096));
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "backup", join(dir, "b2.db")], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: notDb },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
    expect(run.stderr).toContain(notDb);
  });
});

describe("incident-bot contacts import: hostile files", { timeout: cliTimeout(1) }, () => {
  it("a YAML alias bomb is refused with a line-numbered error, not a crash", () => {
    const bomb = join(dir, "bomb.yaml");
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    lines.push("contacts: *l");
    writeFileSync(bomb, `${lines.join("\n")}\n`);
    const run = cli("contacts", "import", bomb);
    expect(run.code).toBe(1);
    expect(run.err).not.toMatch(/ReferenceError|\bat \S+ \(/);
    expect(run.err).toMatch(/dòng \d+/);
  });

  it("a file over 5 MB is refused before it is parsed", () => {
    const big = join(dir, "big.yaml");
    writeFileSync(big, `contacts: []\n# ${"x".repeat(5 * 1024 * 1024)}\n`);
    const run = cli("contacts", "import", big);
    expect(run.code).toBe(1);
    expect(run.err.trim().split("\n")).toHaveLength(1);
    expect(run.err).toMatch(/5 MB/);
  });

  it("a pipe or a device, which stat reports as empty, is read no further than 5 MB and refused", () => {
    // stdin here is a pipe (stat size 0), like /dev/zero or `<(…)`: a size check on stat lets it through and the
    // whole stream is read (/dev/zero: gigabytes until the machine runs out of memory).
    const run = spawnSync(
      "sh",
      [
        "-c",
        'yes x | head -c 6291456 | "$0" --import tsx src/cli.ts contacts import /dev/stdin',
        process.execPath,
      ],
      {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: dbPath },
        encoding: "utf8",
        // Killed before the test's own limit, so a read that never ends fails here with the output so far.
        timeout: cliTimeout(1) - 5_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(/5 MB/);
  });
});
