import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../e2e/telegram-harness.ts";
import { WALL_CLOCK_REPORT_WALK } from "../fixtures/report-walk.ts";
import { startZaloStack, type ZaloStack, ZaloUser } from "./zalo-harness.ts";

describe("Zalo evidence end to end (fake Zalo server hosting the image as its CDN)", () => {
  let stack: ZaloStack;
  let evidenceDir: string;
  beforeAll(async () => {
    evidenceDir = mkdtempSync(join(tmpdir(), "zalo-evidence-"));
    stack = await startZaloStack("polling", { EVIDENCE_DIR: evidenceDir });
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  it("a photo sent during the report is stored under EVIDENCE_DIR after the submission, by the hash of the served bytes, and the receipt on Zalo carries it", async () => {
    const user = new ZaloUser(stack, "e1b2c3d4e5f60718293e");
    await user.say("/start");
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from("ransom note\n".repeat(200)),
    ]);
    const hash = createHash("sha256").update(bytes).digest("hex");
    const walk = WALL_CLOCK_REPORT_WALK;
    for (const [i, line] of walk.entries()) {
      // At the description, which invites a screenshot: the photo, then the text.
      if (i === 4) {
        await user.send({ type: "image", photo_url: stack.fake.hostImage(bytes) });
        expect(user.lastText()).toContain("1 tệp");
        // Attached to the report in progress; nothing is fetched before the ticket exists.
        expect(stack.fake.cdnDownloads).toBe(0);
      }
      await user.say(line);
    }
    const ticketId = /SC-\d{4}-\d{6}/.exec(user.texts().join("\n"))?.[0] ?? "";
    expect(ticketId).not.toBe("");
    const [incident] = stack.app.store.incidentsByReporter("zalo", user.id, 5);
    expect(incident?.ticketId).toBe(ticketId);

    // The persisted job downloads it after the commit (the app's own scheduler runs it).
    const receipt = await waitFor(
      () => user.texts().find((t) => t.includes("SHA-256")),
      "the receipt on Zalo",
      10_000,
    );
    expect(receipt).toContain(hash);
    expect(receipt).toContain(ticketId);
    expect(receipt).not.toMatch(/<\/?code>/);
    expect(stack.fake.cdnDownloads).toBe(1);
    const [row] = stack.app.store.evidence.ofIncident(incident?.id ?? 0);
    expect(row).toMatchObject({ status: "stored", channel: "zalo", sha256: hash, size: bytes.length });
    const kept = readFileSync(join(evidenceDir, hash.slice(0, 2), hash));
    expect(createHash("sha256").update(kept).digest("hex")).toBe(hash);
    expect(kept.equals(bytes)).toBe(true);
  }, 60_000);
});
