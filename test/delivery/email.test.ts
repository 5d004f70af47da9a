import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app.ts";
import {
  createEmailTransport,
  domainOf,
  EMAIL_CHANNEL,
  type EmailPayload,
  enqueueTicketEmail,
  renderTicketEmail,
} from "../../src/delivery/email.ts";
import { EmailSender } from "../../src/delivery/email-sender.ts";
import type { Contact } from "../../src/domain/contacts.ts";
import { createTranslator } from "../../src/i18n.ts";
import type { RoutedTicket } from "../../src/messages.ts";
import type { RenderContext } from "../../src/present/incident.ts";
import type { OutboxRow } from "../../src/store/store.ts";
import { createHarness } from "../engine/harness.ts";
import { REPORT_WALK } from "../fixtures/report-walk.ts";
import { type Mailbox, startMailbox } from "../support/mailbox.ts";

// ── a received message, decoded the way a mail client would ─────────────────────────────────────────────

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitHeaders(raw: string): Part {
  const at = raw.indexOf("\r\n\r\n");
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? "" : raw.slice(at + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i] ?? "";
    const hex = soft.slice(i + 1, i + 3);
    if (c === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, "utf8"));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=); whitespace between two of them is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(data, "base64").toString("utf8")
        : decodeQuotedPrintable(data.replace(/_/g, " ")).toString("utf8"),
    );
}

function decodeBody(part: Part): string {
  return decodeTransfer(part).replace(/\r\n/g, "\n");
}

function decodeTransfer(part: Part): string {
  const encoding = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(part.body).toString("utf8");
  return part.body;
}

/** The text/* leaves of a MIME tree, by content type. */
function leaves(part: Part, out = new Map<string, string>()): Map<string, string> {
  const type = part.headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith("multipart/") && boundary) {
    const chunks = part.body.split(`--${boundary}`).slice(1);
    for (const chunk of chunks) {
      if (chunk.startsWith("--")) break;
      leaves(splitHeaders(chunk.replace(/^\r\n/, "")), out);
    }
  } else {
    out.set(type.split(";")[0]?.trim().toLowerCase() ?? "", decodeBody(part));
  }
  return out;
}

function parseMessage(raw: string) {
  const root = splitHeaders(raw);
  const parts = leaves(root);
  return {
    subject: decodeWords(root.headers.get("subject") ?? ""),
    messageId: root.headers.get("message-id") ?? "",
    to: root.headers.get("to") ?? "",
    from: root.headers.get("from") ?? "",
    autoSubmitted: root.headers.get("auto-submitted") ?? "",
    text: parts.get("text/plain") ?? "",
    html: parts.get("text/html") ?? "",
  };
}

// ── a real SMTP server on the loopback, scripted per test ───────────────────────────────────────────────

const servers: Mailbox[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A local SMTP server, closed after the test. */
async function openMailbox(): Promise<Mailbox> {
  const box = await startMailbox();
  servers.push(box);
  return box;
}

// ── tickets filed through the real engine and store ─────────────────────────────────────────────────────

const rc = (locale: "vi" | "en" = "vi"): RenderContext => ({
  t: createTranslator("vi"),
  locale,
  timeZone: "Asia/Ho_Chi_Minh",
});

/** Files the standard report (with some answers replaced, by position in REPORT_WALK); returns its ticket. */
function fileTicket(replace: Record<number, string> = {}) {
  const h = createHarness();
  h.command("start");
  let ticketId = "";
  REPORT_WALK.forEach((line, i) => {
    ticketId = h.text(replace[i] ?? line).ticketId ?? ticketId;
  });
  const incident = h.store.incidentByTicket(ticketId);
  if (!incident) throw new Error("the walk did not file a ticket");
  const routed = h.store
    .duePending("duty", "9999")
    .map((row) => row.payload as RoutedTicket)
    .find((r) => r.contactId === "vncert");
  const contact = h.store.contact("vncert");
  if (!routed || !contact) throw new Error("the ticket was not routed to VNCERT/CC");
  return { h, store: h.store, incident, routed, contact, at: h.now().toISOString() };
}

const emailRows = (t: ReturnType<typeof fileTicket>) => {
  t.store.flushSentMarks(); // sent marks otherwise wait for a group commit
  return t.store.db
    .prepare("SELECT id, status, attempts, last_error FROM outbox WHERE channel = ? ORDER BY id")
    .all(EMAIL_CHANNEL) as Array<{ id: number; status: string; attempts: number; last_error: string | null }>;
};

function senderFor(
  t: ReturnType<typeof fileTicket>,
  port: number,
  options: { maxAttempts?: number; deadLetters?: Array<{ row: OutboxRow; error: string }> } = {},
) {
  let now = new Date(t.h.now().getTime() + 1000);
  const sender = new EmailSender(
    t.store,
    createEmailTransport(`smtp://127.0.0.1:${port}`),
    createLogger("silent"),
    {
      from: FROM,
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: 1000,
      clock: () => now,
      onDeadLetter: (row, error) => options.deadLetters?.push({ row, error }),
    },
  );
  return {
    sender,
    /** Moves the sender's clock past any backoff. */
    later: () => {
      now = new Date(now.getTime() + 3_600_000);
    },
  };
}

const FROM = "Trợ lý báo cáo sự cố <baocao@laichau.gov.vn>";

const VI_FIELDS = [
  "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG",
  "Mẫu số 03 – Ban hành kèm theo Thông tư số 20/2017/TT-BTTTT",
  "Kính gửi: Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam (VNCERT/CC)",
  "Tên tổ chức/cá nhân báo cáo sự cố (*): Sở Khoa học và Công nghệ tỉnh Lai Châu",
  "Địa chỉ (*): Tầng 3, Khu hành chính tỉnh, TP Lai Châu",
  "Họ và tên (*): Nguyễn Văn An",
  "Chức vụ: Chuyên viên",
  "Điện thoại (*): 0912 345 678",
  "Thư điện tử (*): an.nv@laichau.gov.vn",
  "Tên đơn vị vận hành hệ thống thông tin (*): Sở KH&CN tỉnh Lai Châu",
  "Cơ quan chủ quản: UBND tỉnh Lai Châu",
  "Tên hệ thống bị sự cố: Cổng thông tin điện tử tỉnh laichau.gov.vn",
  "Phân loại cấp độ của hệ thống thông tin (nếu có): Cấp độ 3",
  "Nhiều máy trạm báo nhiễm virus, phần mềm diệt virus không xử lý được, máy chủ chạy chậm",
  "Ngày phát hiện sự cố (*): 21/11/2026",
  "Thời gian phát hiện (giờ, phút) (*): 08:30",
  "F. HIỆN TRẠNG SỰ CỐ (*)\n  Đang diễn ra",
  "G. CÁCH THỨC PHÁT HIỆN (*)\n  Kiểm tra nhật ký hệ thống; Người dùng phản ánh",
  "H. ĐÃ GỬI THÔNG BÁO SỰ CỐ CHO (*)\n  Chưa thông báo cho ai",
  "Các thông tin cung cấp trong thông báo sự cố này đều phải được giữ bí mật: Có",
  "K. THỜI GIAN THỰC HIỆN BÁO CÁO SỰ CỐ (*)\n  21/11/2026 10:00",
  // Severity with its reasons, why this contact receives it, and the legal deadline (detection + 5 days).
  "Mức độ (đánh giá sơ bộ): Cao",
  "Sự cố đã xác nhận (bị xâm phạm, gián đoạn dịch vụ hoặc lộ dữ liệu) trên hệ thống thông tin cấp độ 3.",
  "Đơn vị cho biết sự cố vượt quá khả năng tự xử lý",
  "Thông báo sự cố, Báo cáo ban đầu (Mẫu 03) – theo quy tắc R1, R2",
  "Hạn thông báo theo Thông tư 20/2017 (5 ngày kể từ khi phát hiện): 26/11/2026 08:30",
];

describe("ticket e-mail: delivery over SMTP", () => {
  it("arrives with a [TBSC] subject and the Mẫu 03 fields in both parts", async () => {
    const box = await openMailbox();
    const t = fileTicket();
    expect(enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at)).toBe(true);
    const { sender } = senderFor(t, box.port);
    await sender.flushAll();

    expect(box.mails).toHaveLength(1);
    const mail = parseMessage(box.mails[0]?.raw ?? "");
    expect(mail.subject).toBe(
      `[TBSC] ${t.incident.ticketId} – Mức độ Cao – Nhiễm mã độc (virus, trojan, botnet) – Sở Khoa học và Công nghệ tỉnh Lai Châu`,
    );
    expect(mail.to).toContain("ir@vncert.vn");
    expect(mail.from).toContain("baocao@laichau.gov.vn");
    expect(mail.autoSubmitted).toBe("auto-generated");
    for (const field of VI_FIELDS) expect(mail.text).toContain(field);
    // The HTML part carries the same content, escaped.
    expect(mail.html).toContain('<html lang="vi">');
    expect(mail.html).toContain("Nguyễn Văn An");
    expect(mail.html).toContain("Sở KH&amp;CN tỉnh Lai Châu");
    expect(mail.html).toContain("26/11/2026 08:30");
    expect(mail.html).toContain("BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG");
    expect(emailRows(t)).toMatchObject([{ status: "sent", attempts: 1 }]);
  });

  it("a temporary rejection (451) is retried: the message arrives once, with the same Message-ID", async () => {
    const box = await openMailbox();
    box.deferNext = 1;
    const t = fileTicket();
    enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at, {
      messageIdDomain: domainOf(FROM),
    });
    const deadLetters: Array<{ row: OutboxRow; error: string }> = [];
    const { sender, later } = senderFor(t, box.port, { deadLetters });

    await sender.flushAll();
    expect(box.attempts).toHaveLength(1);
    expect(box.mails).toHaveLength(0);
    expect(emailRows(t)).toMatchObject([{ status: "pending", attempts: 1 }]);
    expect(emailRows(t)[0]?.last_error).toContain("451");

    await sender.flushAll(); // not due yet: backoff
    expect(box.attempts).toHaveLength(1);

    later();
    await sender.flushAll();
    await sender.flushAll(); // already sent: nothing more goes out
    expect(box.mails).toHaveLength(1);
    expect(box.attempts).toHaveLength(2);
    const [first, second] = box.attempts.map((m) => parseMessage(m.raw));
    expect(first?.messageId).toMatch(/^<email\.SC-2026-000001\.vncert\.[0-9a-f]{20}@laichau\.gov\.vn>$/);
    expect(second?.messageId).toBe(first?.messageId);
    // The retry is the same message, byte for byte (date and MIME boundaries are fixed at enqueue).
    expect(box.attempts[1]?.raw).toBe(box.attempts[0]?.raw);
    expect(emailRows(t)).toMatchObject([{ status: "sent", attempts: 2 }]);
    expect(deadLetters).toEqual([]);
  });

  it("a permanent rejection (550) is dead-lettered at once and reported, never retried", async () => {
    const box = await openMailbox();
    box.rejectRecipients = true;
    const t = fileTicket();
    enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at);
    const deadLetters: Array<{ row: OutboxRow; error: string }> = [];
    const { sender, later } = senderFor(t, box.port, { deadLetters });

    await sender.flushAll();
    later();
    await sender.flushAll();
    expect(box.attempts).toHaveLength(0);
    expect(emailRows(t)).toMatchObject([{ status: "dead", attempts: 1 }]);
    // The stored error names the reply but not the address the server echoed back.
    expect(emailRows(t)[0]?.last_error).toContain("550");
    expect(emailRows(t)[0]?.last_error).not.toContain("vncert.vn");
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.row.idempotencyKey).toBe(`email:${t.incident.ticketId}:vncert`);
    expect(deadLetters[0]?.error).toContain("550");
    expect(deadLetters[0]?.error).not.toContain("vncert.vn");
  });

  it("an unreachable server is retried with backoff, then dead-lettered after maxAttempts", async () => {
    const box = await openMailbox();
    const port = box.port;
    await box.close(); // nothing listens there any more: connection refused
    servers.splice(servers.indexOf(box), 1);
    const t = fileTicket();
    enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at);
    const deadLetters: Array<{ row: OutboxRow; error: string }> = [];
    const { sender, later } = senderFor(t, port, { maxAttempts: 3, deadLetters });

    await sender.flushAll();
    expect(emailRows(t)).toMatchObject([{ status: "pending", attempts: 1 }]);
    later();
    await sender.flushAll();
    expect(emailRows(t)).toMatchObject([{ status: "pending", attempts: 2 }]);
    expect(deadLetters).toEqual([]);
    later();
    await sender.flushAll();
    expect(emailRows(t)).toMatchObject([{ status: "dead", attempts: 3 }]);
    expect(deadLetters).toHaveLength(1);
  });

  it("start() delivers queued e-mails on its own; stop() and drain() end it cleanly", async () => {
    const box = await openMailbox();
    const t = fileTicket();
    enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at);
    const { sender } = senderFor(t, box.port);
    sender.start(10);
    try {
      await expect.poll(() => box.mails.length, { timeout: 5000, interval: 20 }).toBe(1);
    } finally {
      sender.stop();
      await sender.drain();
    }
    expect(emailRows(t)).toMatchObject([{ status: "sent" }]);
  });
});

describe("ticket e-mail: queueing", () => {
  it("a contact without an e-mail address gets no row", () => {
    const t = fileTicket();
    const noMail: Contact = { ...t.contact, emails: [] };
    expect(enqueueTicketEmail(t.store, t.incident, t.routed, noMail, rc(), t.at)).toBe(false);
    expect(emailRows(t)).toEqual([]);
  });

  it("queueing the same ticket for the same contact twice leaves one row", () => {
    const t = fileTicket();
    expect(enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at)).toBe(true);
    expect(enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at)).toBe(false);
    expect(emailRows(t)).toHaveLength(1);
  });

  it("the row is addressed to the contact and carries the rendered message", () => {
    const t = fileTicket();
    enqueueTicketEmail(t.store, t.incident, t.routed, t.contact, rc(), t.at);
    const row = t.store.duePending(EMAIL_CHANNEL, "9999")[0];
    expect(row?.chatId).toBe("vncert");
    expect(row?.idempotencyKey).toBe(`email:${t.incident.ticketId}:vncert`);
    const payload = row?.payload as EmailPayload;
    expect(payload).toMatchObject({ kind: "email", to: ["ir@vncert.vn"], ticketId: t.incident.ticketId });
    expect(payload.subject.startsWith("[TBSC] ")).toBe(true);
    expect(payload.messageId).toMatch(/^<.+@incident-bot\.invalid>$/);
  });

  it("takes the Message-ID domain from the From address when there is one", () => {
    expect(domainOf(FROM)).toBe("laichau.gov.vn");
    expect(domainOf("baocao@so-khcn.laichau.gov.vn")).toBe("so-khcn.laichau.gov.vn");
    expect(domainOf("incident-bot")).toBeUndefined();
  });
});

describe("ticket e-mail: rendering", () => {
  it("escapes user text in the HTML part; the text part keeps it as typed", () => {
    const script = `<script>alert("x")</script> máy chủ web bị chèn mã lạ & chuyển hướng`;
    const t = fileTicket({
      0: "<b>Cổng</b> laichau.gov.vn", // system
      4: script, // description
      25: "Sở <i>KH</i> & CN Lai Châu", // organisation (profile)
    });
    const mail = renderTicketEmail(t.incident, t.routed, t.contact, rc());
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).not.toContain("<b>Cổng</b>");
    expect(mail.html).not.toContain("<i>KH</i>");
    expect(mail.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(mail.html).toContain("&lt;b&gt;Cổng&lt;/b&gt; laichau.gov.vn");
    expect(mail.html).toContain("Sở &lt;i&gt;KH&lt;/i&gt; &amp; CN Lai Châu");
    // Plain text is not markup: it shows exactly what was typed, not entities.
    expect(mail.text).toContain(script);
    expect(mail.subject).toContain("Sở <i>KH</i> & CN Lai Châu");
  });

  it("keeps the subject on one line whatever the reporter typed", () => {
    const t = fileTicket({ 25: "Sở Khoa học\nvà Công nghệ   Lai Châu" });
    const { subject } = renderTicketEmail(t.incident, t.routed, t.contact, rc());
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.endsWith("– Sở Khoa học và Công nghệ Lai Châu")).toBe(true);
  });

  it("renders in English when the deployment's locale is English, with the same [TBSC] prefix", () => {
    const t = fileTicket();
    const mail = renderTicketEmail(t.incident, t.routed, t.contact, rc("en"));
    expect(mail.subject).toBe(
      `[TBSC] ${t.incident.ticketId} – Severity High – Malware infection (virus, trojan, botnet) – Sở Khoa học và Công nghệ tỉnh Lai Châu`,
    );
    expect(mail.text).toContain("INITIAL INCIDENT REPORT");
    expect(mail.text).toContain("Full name (*): Nguyễn Văn An");
    expect(mail.text).toContain(
      "Notification deadline under Circular 20/2017 (5 days from detection): 26/11/2026 08:30",
    );
    expect(mail.text).not.toContain("Họ và tên");
    expect(mail.html).toContain('<html lang="en">');
  });
});
