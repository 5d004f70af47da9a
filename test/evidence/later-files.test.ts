import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVIDENCE_JOB, evidenceJobKey } from "../../src/evidence/index.ts";
import { waitFor } from "../e2e/telegram-harness.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";
import { startMailbox } from "../support/mailbox.ts";
import { type EvidenceStack, evidenceStack, REPORTER } from "./stack.ts";

// Files sent after the submission are evidence like the report's own: the reporter's answer to a duty officer's
// relayed question here (the final report's documents: test/e2e/final-report.e2e.test.ts).

const DUTY_CHAT = -100210;
const OFFICER = 7301;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
/** The reply marker of a message the assistant sent (the normalizer keeps replies to the bot only). */
const toBot = (messageId: number) => ({
  reply_to_message: { message_id: messageId, from: { id: 1, is_bot: true, first_name: "Bot" } },
});

let dir: string;
let fake: FakeBotApi;
let stack: EvidenceStack | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "incident-later-files-"));
  fake = await FakeBotApi.start({ limits: false });
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const reporterTexts = () => fake.visible(REPORTER).map((m) => m.text ?? "");

/** The duty chat bound for the three units, a report filed and its duty posts delivered; returns the ticket. */
async function fileTicket(s: EvidenceStack) {
  stack = s;
  const at = s.now().toISOString();
  for (const contact of ["vncert", "ncsc", "provincial"])
    s.app.store.bindChat(contact, "telegram", String(DUTY_CHAT), "test", at);
  await s.walk({ confidential: false });
  const [incident] = s.app.store.incidentsByReporter("telegram", String(REPORTER), 5);
  if (!incident) throw new Error("no ticket");
  await s.app.dispatcher.fanOut();
  await s.app.dispatcher.flushAll();
  return incident;
}

/** The duty chat acknowledges and resolves the ticket (typed commands, the summary as a reply to the prompt). */
async function resolveTicket(s: EvidenceStack, ticketId: string) {
  await s.updateFrom(DUTY_CHAT, OFFICER, { text: `/tiepnhan ${ticketId}` });
  await s.updateFrom(DUTY_CHAT, OFFICER, { text: `/daxuly ${ticketId}` });
  const prompt = await waitFor(
    () => fake.visible(DUTY_CHAT).find((m) => m.text?.includes("tóm tắt kết quả xử lý")),
    "the resolve prompt",
  );
  await s.updateFrom(DUTY_CHAT, OFFICER, {
    text: "Đã gỡ mã độc, khôi phục từ bản sao lưu",
    ...toBot(prompt.messageId),
  });
  expect(s.app.store.incidentByTicket(ticketId)?.status).toBe("resolved");
}

/** The reporter starts the final report and answers its three parts and the owner's address. */
async function startFinalReport(s: EvidenceStack, ticketId: string) {
  await s.update({ text: `/ketthuc ${ticketId}` });
  await s.update({ text: "Mã độc lây qua tệp đính kèm thư điện tử, mã hóa 3 máy trạm" });
  await s.update({ text: "Cách ly máy nhiễm, khôi phục từ bản sao lưu, đổi mật khẩu" });
  await s.update({ text: "Lọc tệp đính kèm tại cổng thư, sao lưu hằng ngày ra ngoài mạng" });
  await s.update({ text: "chu-quan@laichau.gov.vn" });
}

async function fire(s: EvidenceStack): Promise<void> {
  s.scheduler.runDue();
  await s.keeper.drain();
  await s.app.dispatcher.fanOut();
  await s.app.dispatcher.flushAll();
}

describe("a file the reporter sends after the submission (an answer to a duty officer)", () => {
  it("is recorded on the ticket, downloaded by its job, hashed, receipted, e-mailed to the units and listed in /trangthai", async () => {
    const s = evidenceStack(dir, fake, { SMTP_URL: "smtp://127.0.0.1:9" });
    const incident = await fileTicket(s);

    // The officer asks by the typed command, then answers the prompt with the question.
    await s.updateFrom(DUTY_CHAT, OFFICER, { text: `/hoithem ${incident.ticketId}` });
    const prompt = await waitFor(
      () => fake.visible(DUTY_CHAT).find((m) => m.text?.includes("câu hỏi gửi người báo cáo")),
      "the ask prompt in the duty chat",
    );
    await s.updateFrom(DUTY_CHAT, OFFICER, {
      text: "Đề nghị gửi ảnh chụp màn hình thông báo đòi tiền chuộc",
      ...toBot(prompt.messageId),
    });
    const question = await waitFor(
      () => fake.visible(REPORTER).find((m) => m.text?.includes("đòi tiền chuộc")),
      "the question relayed to the reporter",
    );

    const bytes = Buffer.from("PNG stand-in: ransom note screenshot\n".repeat(40));
    const file = fake.addFile(bytes);
    await s.update({
      document: {
        file_id: file.fileId,
        file_unique_id: file.uniqueId,
        file_name: "ransom-note.png",
        mime_type: "image/png",
      },
      caption: "Ảnh màn hình",
      ...toBot(question.messageId),
    });
    // Recorded in the answer's own transaction, fetched only after the commit.
    const [row] = s.app.store.evidence.ofIncident(incident.id);
    expect(row).toMatchObject({ status: "pending", name: "ransom-note.png", mime: "image/png" });
    expect(s.app.store.job(evidenceJobKey(incident.id, row?.position ?? -1))?.kind).toBe(EVIDENCE_JOB);
    expect(fake.stats.fileDownloads).toBe(0);

    await fire(s);
    const hash = sha256(bytes);
    const stored = s.app.store.evidence.ofIncident(incident.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: "stored", sha256: hash, size: bytes.length });
    expect(readFileSync(join(s.evidenceDir, stored[0]?.path ?? "")).equals(bytes)).toBe(true);
    const receipt = await waitFor(
      () => reporterTexts().find((t) => t.includes("SHA-256")),
      "the receipt in the reporter's chat",
    );
    expect(receipt).toContain(`<code>${hash}</code>`);
    expect(receipt).toContain(incident.ticketId);
    // The duty chat has the file (the relay's copy) and its hash line, not a second copy.
    await waitFor(() => fake.visible(DUTY_CHAT).some((m) => m.text?.includes(hash)), "the hash line");
    expect(fake.visible(DUTY_CHAT).filter((m) => m.copyOf)).toHaveLength(1);

    await s.update({ text: `/trangthai ${incident.ticketId}` });
    const status = await waitFor(
      () => reporterTexts().find((t) => t.includes("Tệp chứng cứ")),
      "the evidence list in /trangthai",
    );
    expect(status).toContain("ransom-note.png");
    expect(status).toContain(hash);

    // Each unit the ticket went to by e-mail gets the file as a "[TBSC]" follow-up, attached, with its hash.
    const followUps = laterMails(s, incident.ticketId);
    const units = incident.routing.destinations
      .map((d) => s.app.store.contact(d.contactId))
      .filter((c) => c?.active && c.emails.length > 0);
    expect(units.length).toBeGreaterThan(0);
    expect(followUps).toHaveLength(units.length);
    for (const mail of followUps) {
      expect(mail.subject).toMatch(/^\[TBSC\] Bổ sung tệp chứng cứ cho phiếu SC-/);
      expect(mail.text).toContain(hash);
      expect(Buffer.from(mail.attachments?.[0]?.content ?? "", "base64").equals(bytes)).toBe(true);
    }
  });
});

/** The follow-up e-mails of files sent after the submission (one per file and unit, keyed by the file). */
function laterMails(s: EvidenceStack, ticketId: string) {
  return (
    s.app.db
      .prepare(
        "SELECT idempotency_key AS key, payload FROM outbox WHERE channel = 'email' AND idempotency_key LIKE ?",
      )
      .all(`email:evidence:${ticketId}:%:%`) as Array<{ key: string; payload: string }>
  ).map(
    (r) =>
      JSON.parse(r.payload) as {
        subject: string;
        text: string;
        attachments?: Array<{ filename: string; content: string }>;
      },
  );
}

describe("the final report's attached files", () => {
  it("are kept as evidence; the [TBSC] e-mail waits for them, attaches those within EVIDENCE_EMAIL_MAX_BYTES and lists every one with its hash", async () => {
    const s = evidenceStack(dir, fake, { SMTP_URL: "smtp://127.0.0.1:9", EVIDENCE_EMAIL_MAX_BYTES: "3000" });
    const incident = await fileTicket(s);
    await resolveTicket(s, incident.ticketId);
    await startFinalReport(s, incident.ticketId);
    const small = Buffer.from("progress report\n".repeat(100));
    const big = Buffer.alloc(5000, 7);
    await s.sendDocument(fake.addFile(small), "tien-do.txt");
    await s.sendDocument(fake.addFile(big), "nhat-ky.bin", "application/octet-stream");
    await s.update({ text: "Xong" });
    await s.update({ text: "1" }); // send
    expect(reporterTexts().join("\n")).toContain("trợ lý sẽ không nhắc việc về báo cáo này nữa");

    const finalMails = () =>
      (
        s.app.db
          .prepare("SELECT chat_id, payload FROM outbox WHERE idempotency_key LIKE 'final-email:%'")
          .all() as Array<{ chat_id: string; payload: string }>
      ).map((r) => ({
        recipient: r.chat_id,
        ...(JSON.parse(r.payload) as {
          text: string;
          attachments: Array<{ filename: string; content: string }>;
        }),
      }));
    // Filed, its files recorded after the report's own places, and no e-mail before they are settled.
    const rows = s.app.store.evidence.ofIncident(incident.id);
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ["tien-do.txt", "pending"],
      ["nhat-ky.bin", "pending"],
    ]);
    expect(finalMails()).toEqual([]);

    await fire(s);
    // The final report's documents go with the final report, not as follow-ups of their own.
    expect(laterMails(s, incident.ticketId)).toEqual([]);
    const mails = finalMails();
    // Rule R7's recipients with an address, and the owner's.
    expect(mails.map((m) => m.recipient).sort()).toEqual(["owner", "vncert"]);
    for (const mail of mails) {
      const names = mail.attachments.map((a) => a.filename);
      expect(names).toEqual([
        `${incident.ticketId}-bao-cao-ket-thuc.docx`,
        `${incident.ticketId}-bao-cao-ket-thuc.pdf`,
        "01-tien-do.txt",
      ]);
      expect(Buffer.from(mail.attachments[2]?.content ?? "", "base64").equals(small)).toBe(true);
      expect(mail.text).toContain(sha256(small));
      expect(mail.text).toMatch(new RegExp(`nhat-ky\\.bin.*${sha256(big)}.*không đính kèm`));
    }
    // Each file's receipt went to the chat the report was filed from, with its hash.
    await waitFor(
      () =>
        reporterTexts().some((t) => t.includes(sha256(small))) &&
        reporterTexts().some((t) => t.includes(sha256(big))),
      "both receipts",
    );
    // A later settlement (a retried pass) sends nothing twice.
    s.advance(60 * 60_000);
    await fire(s);
    expect(finalMails()).toHaveLength(2);
  });
});

describe("a final report without files", () => {
  it("is e-mailed from the reporter's own update: its mailboxes are handed to the e-mail sender with the chat", async () => {
    const mailbox = await startMailbox();
    try {
      const s = evidenceStack(dir, fake, { SMTP_URL: `smtp://127.0.0.1:${mailbox.port}` });
      const incident = await fileTicket(s);
      await resolveTicket(s, incident.ticketId);
      await startFinalReport(s, incident.ticketId);
      const before = mailbox.mails.length;
      await s.update({ text: "Xong" }); // no files
      await s.update({ text: "1" }); // send
      expect(reporterTexts().join("\n")).toContain("trợ lý sẽ không nhắc việc về báo cáo này nữa");
      // No retry loop runs in this stack and nothing is flushed here: only the update's hand-over sends them.
      const finals = await waitFor(
        () => {
          const found = mailbox.mails.slice(before).filter((m) => m.raw.includes("bao-cao-ket-thuc.docx"));
          return found.length >= 2 && found;
        },
        "the final report's e-mails",
        5000,
      );
      expect(finals.flatMap((m) => m.to).sort()).toEqual(["chu-quan@laichau.gov.vn", "ir@vncert.vn"]);
    } finally {
      await mailbox.close();
    }
  });
});
