import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVIDENCE_JOB, evidenceJobKey } from "../../src/evidence/index.ts";
import { waitFor } from "../e2e/telegram-harness.ts";
import { FakeBotApi } from "../support/fake-bot-api.ts";
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

async function fire(s: EvidenceStack): Promise<void> {
  s.scheduler.runDue();
  await s.keeper.drain();
  await s.app.dispatcher.fanOut();
  await s.app.dispatcher.flushAll();
}

describe("a file the reporter sends after the submission (an answer to a duty officer)", () => {
  it("is recorded on the ticket, downloaded by its job, hashed, receipted to the reporter and listed in /trangthai", async () => {
    const s = evidenceStack(dir, fake);
    stack = s;
    const at = s.now().toISOString();
    for (const contact of ["vncert", "ncsc", "provincial"])
      s.app.store.bindChat(contact, "telegram", String(DUTY_CHAT), "test", at);
    await s.walk({ confidential: false });
    const [incident] = s.app.store.incidentsByReporter("telegram", String(REPORTER), 5);
    if (!incident) throw new Error("no ticket");
    await s.app.dispatcher.fanOut();
    await s.app.dispatcher.flushAll();

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
  });
});
