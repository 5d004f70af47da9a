import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PizZip from "pizzip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportInitialReport } from "../../src/delivery/documents/export.ts";
import { EVIDENCE_JOB, evidenceJobKey, evidenceRetention } from "../../src/evidence/index.ts";
import { applyPurge, planPurge } from "../../src/retention/purge.ts";
import { waitFor } from "../e2e/telegram-harness.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";
import { type EvidenceStack, evidenceStack, REPORTER } from "./stack.ts";

const DUTY_CHAT = "-100200";
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let dir: string;
let fake: FakeBotApi;
let stacks: EvidenceStack[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "incident-evidence-"));
  stacks = [];
});
afterEach(async () => {
  for (const s of stacks) await s.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof FakeBotApi.start>[0] = {}, env: Record<string, string> = {}) {
  fake ??= await FakeBotApi.start({ limits: false, ...options });
  const s = evidenceStack(dir, fake, env);
  stacks.push(s);
  const at = s.now().toISOString();
  for (const contact of ["vncert", "ncsc", "provincial"])
    s.app.store.bindChat(contact, "telegram", DUTY_CHAT, "test", at);
  return s;
}

/** Texts the reporter's chat shows (copies have none). */
const reporterTexts = () => fake.visible(REPORTER).map((m) => m.text ?? "");
const ticketOf = (s: EvidenceStack) => {
  const [incident] = s.app.store.incidentsByReporter("telegram", String(REPORTER), 5);
  if (!incident) throw new Error("no ticket was submitted");
  return incident;
};
/** Runs the due jobs and waits until the downloads they started are settled. */
async function fire(s: EvidenceStack): Promise<void> {
  s.scheduler.runDue();
  await s.keeper.drain();
}
const storedFiles = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

describe("evidence kept (Telegram, fake Bot API)", () => {
  it("the receipt's hash is the SHA-256 of the bytes Telegram served; the file is kept 0600 under its hash and copied to the duty chat", async () => {
    fake = await FakeBotApi.start({ limits: false });
    const s = await start();
    const bytes = Buffer.from(
      "2026-11-21 08:31 sshd: Failed password for root from 203.0.113.5\n".repeat(50),
    );
    const file = fake.addFile(bytes);
    const fileMessage = await s.sendDocument(file, "auth.log");
    await s.walk({ confidential: false });
    const incident = ticketOf(s);
    // The ticket exists before any download was tried: the network is used only after the commit.
    expect(fake.stats.fileDownloads).toBe(0);
    expect(s.app.store.job(evidenceJobKey(incident.id, 0))?.kind).toBe(EVIDENCE_JOB);

    await fire(s);
    const hash = sha256(bytes);
    const receipt = await waitFor(
      () => reporterTexts().find((t) => t.includes("SHA-256")),
      "the receipt in the reporter's chat",
    );
    expect(receipt).toContain(`<code>${hash}</code>`);
    expect(receipt).toContain("auth.log");
    expect(receipt).toContain(incident.ticketId);

    const [row] = s.app.store.evidence.ofIncident(incident.id);
    expect(row).toMatchObject({ status: "stored", sha256: hash, size: bytes.length, name: "auth.log" });
    const kept = join(s.evidenceDir, row?.path ?? "");
    expect(readFileSync(kept).equals(bytes)).toBe(true);
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    expect(statSync(s.evidenceDir).mode & 0o777).toBe(0o700);

    // The duty chat gets the hash and the file itself (a copy of the reporter's message, not a re-upload).
    await waitFor(
      () => fake.visible(DUTY_CHAT).some((m) => m.copyOf?.messageId === fileMessage),
      "the file copied into the duty chat",
    );
    const copy = fake.visible(DUTY_CHAT).find((m) => m.copyOf);
    expect(copy?.copyOf).toEqual({ fromChatId: String(REPORTER), messageId: fileMessage });
    expect(fake.visible(DUTY_CHAT).some((m) => m.text?.includes(hash))).toBe(true);

    // /trangthai lists the file with its name, type, size and hash.
    await s.update({ text: `/trangthai ${incident.ticketId}` });
    const status = await waitFor(
      () => reporterTexts().find((t) => t.includes("Tệp chứng cứ")),
      "the evidence list in /trangthai",
    );
    expect(status).toContain("auth.log");
    expect(status).toContain("text/plain");
    expect(status).toContain(hash);

    // The Mẫu 03 document made afterwards (report export) lists the kept file with its hash under I7.
    const rc = { t: s.app.translator, locale: "vi" as const, timeZone: "Asia/Ho_Chi_Minh" };
    const out = join(dir, "mau03.docx");
    exportInitialReport(s.app.store, incident.ticketId, { out }, rc, undefined);
    const xml = (new PizZip(readFileSync(out)).file("word/document.xml")?.asText() ?? "").replace(
      /<[^>]+>/g,
      "",
    );
    expect(xml).toContain(`auth.log (${bytes.length} B, SHA-256: ${hash})`);
  });

  it("a download that fails twice then succeeds yields one stored file and one receipt", async () => {
    fake = await FakeBotApi.start({ limits: false, fileFaultFor: (n) => (n <= 2 ? "500" : undefined) });
    const s = await start();
    const bytes = randomBytes(4096);
    await s.sendDocument(fake.addFile(bytes), "capture.pcap", "application/vnd.tcpdump.pcap");
    await s.walk({ confidential: false });
    const incident = ticketOf(s);

    await fire(s);
    expect(s.app.store.evidence.ofIncident(incident.id)[0]?.status).toBe("pending");
    // Not again before the backoff is over.
    await fire(s);
    expect(fake.stats.fileDownloads).toBe(1);
    for (let i = 0; i < 2; i++) {
      s.advance(10 * 60_000);
      await fire(s);
    }
    expect(fake.stats.fileDownloads).toBe(3);
    const rows = s.app.store.evidence.ofIncident(incident.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "stored", attempts: 3, sha256: sha256(bytes) });
    expect(storedFiles(s.evidenceDir)).toHaveLength(1);
    expect(s.app.store.job(evidenceJobKey(incident.id, 0))?.status).toBe("done");

    // Later passes change nothing: one receipt.
    s.advance(60 * 60_000);
    await fire(s);
    await waitFor(() => reporterTexts().some((t) => t.includes(sha256(bytes))), "the receipt");
    await s.app.dispatcher.flushAll();
    expect(reporterTexts().filter((t) => t.includes("SHA-256"))).toHaveLength(1);
  });

  it("a file over the limit is refused with a clear message; the ticket and the other files are kept", async () => {
    fake = await FakeBotApi.start({ limits: false });
    const s = await start({}, { EVIDENCE_MAX_BYTES: "10000" });
    const big = randomBytes(30_000);
    const small = Buffer.from("screenshot stand-in");
    await s.sendDocument(fake.addFile(big), "memory.dmp", "application/octet-stream");
    await s.sendDocument(fake.addFile(small), "note.txt");
    await s.walk({ confidential: false });
    const incident = ticketOf(s);

    await fire(s);
    const refusal = await waitFor(
      () => reporterTexts().find((t) => t.includes("memory.dmp") && t.includes("dung lượng tối đa")),
      "the refusal",
    );
    expect(refusal).toContain(incident.ticketId);
    expect(refusal).toMatch(/9[,.]8 KB/);
    const rows = s.app.store.evidence.ofIncident(incident.id);
    expect(rows.map((r) => r.status)).toEqual(["refused", "stored"]);
    expect(rows[1]?.sha256).toBe(sha256(small));
    expect(storedFiles(s.evidenceDir)).toHaveLength(1);
    // Nothing else lost: the ticket stands, its answers keep both files, the small one got its receipt.
    expect(s.app.store.incidentByTicket(incident.ticketId)?.answers.files).toHaveLength(2);
    await waitFor(() => reporterTexts().some((t) => t.includes(sha256(small))), "the small file's receipt");
  });

  it("a file over Telegram's 20 MB is refused by getFile (never downloaded), and the reporter is told", async () => {
    fake = await FakeBotApi.start({ limits: false });
    const s = await start();
    await s.sendDocument(fake.addFile(Buffer.from("x"), { size: 25 * 1024 * 1024 }), "disk.img");
    await s.walk({ confidential: false });
    await fire(s);
    expect(fake.stats.fileDownloads).toBe(0);
    const row = s.app.store.evidence.ofIncident(ticketOf(s).id)[0];
    expect(row?.status).toBe("refused");
    await waitFor(
      () =>
        reporterTexts().find(
          (t) => t.includes("disk.img") && /dung lượng tối đa|size limit|larger than/.test(t),
        ),
      "the refusal",
    );
  });

  it("a restart in the middle of a download loses nothing: the persisted job fetches the file after the start", async () => {
    fake = await FakeBotApi.start({ limits: false, fileFaultFor: (n) => (n === 1 ? "drop" : undefined) });
    const first = await start();
    const bytes = randomBytes(2048);
    await first.sendDocument(fake.addFile(bytes), "malware-sample.zip", "application/zip");
    await first.walk({ confidential: false });
    const incident = ticketOf(first);
    first.scheduler.runDue();
    await waitFor(() => fake.stats.fileDownloads === 1, "the download to start");
    // The process stops while the download hangs.
    await first.close();
    stacks = [];

    const second = await start();
    expect(second.app.store.evidence.ofIncident(incident.id)[0]?.status).toBe("pending");
    expect(second.app.store.job(evidenceJobKey(incident.id, 0))?.status).toBe("pending");
    second.advance(10 * 60_000);
    await fire(second);
    const rows = second.app.store.evidence.ofIncident(incident.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "stored", sha256: sha256(bytes) });
    await waitFor(
      () => reporterTexts().some((t) => t.includes(sha256(bytes))),
      "the receipt after the restart",
    );
    await second.app.dispatcher.flushAll();
    expect(reporterTexts().filter((t) => t.includes("SHA-256"))).toHaveLength(1);
  });

  it("a confidential report's files and hashes never reach a group chat", async () => {
    fake = await FakeBotApi.start({ limits: false });
    const s = await start();
    const bytes = Buffer.from("confidential log line\n");
    await s.sendDocument(fake.addFile(bytes), "secret.log");
    await s.walk({ confidential: true });
    await fire(s);
    await waitFor(() => reporterTexts().some((t) => t.includes(sha256(bytes))), "the receipt");
    await s.app.dispatcher.fanOut();
    await s.app.dispatcher.flushAll();
    const group = fake.visible(DUTY_CHAT);
    // The group is live (the ticket was posted there), and yet no file or hash of this report reached it.
    expect(group.some((m) => (m.text ?? "").includes(ticketOf(s).ticketId))).toBe(true);
    expect(group.some((m) => m.copyOf)).toBe(false);
    expect(
      group.some((m) => (m.text ?? "").includes(sha256(bytes)) || (m.text ?? "").includes("secret.log")),
    ).toBe(false);
  });
});

describe("the [TBSC] evidence e-mail", () => {
  it("once every file is settled, each organisation's mailbox gets the files under the size limit attached and every file listed with its hash", async () => {
    fake = await FakeBotApi.start({ limits: false });
    const s = await start({}, { SMTP_URL: "smtp://127.0.0.1:9", EVIDENCE_EMAIL_MAX_BYTES: "3000" });
    const small = Buffer.from("small log\n".repeat(100));
    const big = randomBytes(5000);
    await s.sendDocument(fake.addFile(small), "small.log");
    await s.sendDocument(fake.addFile(big), "big.bin", "application/octet-stream");
    await s.walk({ confidential: false });
    const incident = ticketOf(s);
    const evidenceMails = () =>
      s.app.db
        .prepare(
          "SELECT chat_id, payload FROM outbox WHERE channel = 'email' AND idempotency_key LIKE 'email:evidence:%'",
        )
        .all() as Array<{ chat_id: string; payload: string }>;
    expect(evidenceMails()).toHaveLength(0);
    await fire(s);

    const mails = evidenceMails();
    expect(mails.length).toBeGreaterThan(0);
    const routed = incident.routing.destinations.map((d) => d.contactId);
    for (const mail of mails) expect(routed).toContain(mail.chat_id);
    const payload = JSON.parse(mails[0]?.payload ?? "{}") as {
      subject: string;
      text: string;
      attachments?: Array<{ filename: string; contentType: string; content: string }>;
    };
    expect(payload.subject.startsWith("[TBSC]")).toBe(true);
    expect(payload.subject).toContain(incident.ticketId);
    expect(payload.attachments).toHaveLength(1);
    expect(payload.attachments?.[0]?.filename).toBe("01-small.log");
    expect(Buffer.from(payload.attachments?.[0]?.content ?? "", "base64").equals(small)).toBe(true);
    expect(payload.text).toContain(sha256(small));
    expect(payload.text).toContain(sha256(big));
    expect(payload.text).toMatch(/big\.bin.*không đính kèm/);
  });
});

describe("evidence retention (RETENTION_EVIDENCE_DAYS)", () => {
  it("purge --dry-run counts and changes nothing; the purge deletes the rows and the kept file once the days are over", async () => {
    fake = await FakeBotApi.start({ limits: false });
    const s = await start();
    const bytes = Buffer.from("old evidence\n");
    await s.sendDocument(fake.addFile(bytes), "old.log");
    await s.walk({ confidential: false });
    await fire(s);
    const incident = ticketOf(s);
    const kept = s.app.store.evidence.ofIncident(incident.id)[0];
    expect(kept?.status).toBe("stored");
    const options = {
      retention: {
        outboxDays: undefined,
        conversationDays: undefined,
        evidenceDays: 30,
        incidentDays: undefined,
      },
      evidence: evidenceRetention(s.app.store, s.keeper.files),
    };
    const early = new Date(s.now().getTime() + 29 * 86_400_000);
    expect(planPurge(s.app.store, options, early).evidence.items).toBe(0);
    const late = new Date(s.now().getTime() + 31 * 86_400_000);
    expect(planPurge(s.app.store, options, late).evidence.items).toBe(1);
    expect(s.app.store.evidence.ofIncident(incident.id)).toHaveLength(1);
    expect(storedFiles(s.evidenceDir)).toHaveLength(1);

    expect(applyPurge(s.app.store, options, late, "test").evidence.items).toBe(1);
    expect(s.app.store.evidence.ofIncident(incident.id)).toHaveLength(0);
    expect(storedFiles(s.evidenceDir)).toHaveLength(0);
    // The ticket itself follows its own setting (off here).
    expect(s.app.store.incidentByTicket(incident.ticketId)).toBeDefined();
  });
});
