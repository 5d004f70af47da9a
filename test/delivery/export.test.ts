import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document, Packer, Paragraph } from "docx";
import PizZip from "pizzip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/conversation/engine.ts";
import { createTranslator } from "../../src/i18n.ts";
import { openDatabase } from "../../src/store/db.ts";
import { Store } from "../../src/store/store.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-report-export-"));
const dbPath = join(dir, "bot.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let ticketId = "";

/** Files the standard report into a database file, as the running bot would, and closes it. */
beforeAll(() => {
  const db = openDatabase(dbPath);
  const engine = new Engine({
    store: new Store(db),
    translator: createTranslator("vi"),
    timeZone: "Asia/Ho_Chi_Minh",
    defaultLocale: "vi",
    drafts: { reminderMs: 86_400_000, expiryMs: 86_400_000 },
  });
  let seq = 0;
  const at = new Date("2026-11-21T03:00:00Z");
  const send = (text: string) =>
    engine.handle({
      channel: "telegram",
      chatId: "1001",
      userId: "1001",
      chatType: "private",
      languageCode: "vi",
      dedupeKey: `u${++seq}`,
      at,
      payload: { kind: "text", text },
    });
  engine.handle({
    channel: "telegram",
    chatId: "1001",
    userId: "1001",
    chatType: "private",
    languageCode: "vi",
    dedupeKey: "start",
    at,
    payload: { kind: "command", command: "start", args: "" },
  });
  for (const line of REPORT_WALK) ticketId = send(line).ticketId ?? ticketId;
  db.close();
  if (!ticketId) throw new Error("the walk did not file a ticket");
});

/** Runs the CLI as an operator would, with only the given environment. */
function cli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_PATH: dbPath, ...env },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const mode = (file: string) => statSync(file).mode & 0o777;
const docxText = (file: string) =>
  (new PizZip(readFileSync(file)).file("word/document.xml")?.asText() ?? "").replace(/<[^>]+>/g, "");

describe("incident-bot report export", { timeout: 60_000 }, () => {
  it("writes the PDF, readable by its owner only", () => {
    const out = join(dir, "report.pdf");
    const run = cli(["report", "export", ticketId, "--format", "pdf", "--out", out]);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toContain(ticketId);
    expect(mode(out)).toBe(0o600);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", out, "-"]).toString("utf8");
    expect(text).toContain(ticketId);
    expect(text).toContain("Nguyễn Văn An");
  });

  it("writes the DOCX (format from the file name), narrowing an existing file to 0600", () => {
    const out = join(dir, "report.docx");
    writeFileSync(out, "old");
    chmodSync(out, 0o644);
    const run = cli(["report", "export", ticketId.toLowerCase(), "--out", out]);
    expect(run.code).toBe(0);
    expect(mode(out)).toBe(0o600);
    const text = docxText(out);
    expect(text).toContain(ticketId);
    expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  });

  it("fills the admin's own template from TEMPLATE_DIR", async () => {
    const templates = join(dir, "templates");
    mkdirSync(templates);
    const own = new Document({ sections: [{ children: [new Paragraph("MẪU RIÊNG {ticketId} – {B1}")] }] });
    writeFileSync(join(templates, "mau03.docx"), await Packer.toBuffer(own));
    const out = join(dir, "own.docx");
    expect(cli(["report", "export", ticketId, "--out", out], { TEMPLATE_DIR: templates }).code).toBe(0);
    expect(docxText(out)).toBe(`MẪU RIÊNG ${ticketId} – Nguyễn Văn An`);
  });

  it("refuses an unknown ticket and an unknown format, writing nothing", () => {
    const out = join(dir, "none.pdf");
    const unknown = cli(["report", "export", "SC-2026-999999", "--out", out]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("No ticket SC-2026-999999");
    const badFormat = cli(["report", "export", ticketId, "--out", join(dir, "report.odt")]);
    expect(badFormat.code).toBe(1);
    expect(badFormat.err).toContain("--format docx or pdf");
    expect(() => statSync(out)).toThrow();
  });
});
