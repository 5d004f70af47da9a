import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message as the local SMTP server received it: the envelope's recipients and the raw MIME text. */
export interface Mail {
  to: string[];
  raw: string;
}

const smtpError = (message: string, responseCode: number) =>
  Object.assign(new Error(message), { responseCode });

/**
 * A local SMTP server on 127.0.0.1 (no TLS, no login) that keeps every message it accepts, in order, and refuses
 * what a test tells it to, as real servers do: set `deferNext` or `rejectRecipients` at any time. To be
 * unreachable (connection refused), close it and keep its port.
 */
export async function startMailbox() {
  const box = {
    /** Messages the server accepted. */
    mails: [] as Mail[],
    /** Every DATA the server read, accepted or deferred. */
    attempts: [] as Mail[],
    /** Answer the next n DATA commands with 451 (try again later), after reading them. */
    deferNext: 0,
    /** Answer every RCPT TO with 550 (no such user). */
    rejectRecipients: false,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      // Like real servers, the rejection names the address it refuses.
      callback(
        box.rejectRecipients ? smtpError(`<${address.address}>: Recipient address rejected`, 550) : null,
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        };
        box.attempts.push(mail);
        if (box.deferNext > 0) {
          box.deferNext--;
          callback(smtpError("Temporary local problem, try again later", 451));
          return;
        }
        box.mails.push(mail);
        callback(null);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(box, {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** What startMailbox gives: its port, what it received, its faults and close(). */
export type Mailbox = Awaited<ReturnType<typeof startMailbox>>;

/** A message's Subject header, unfolded and with its RFC 2047 encoded words decoded. */
export function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? "";
  return header
    .replace(/\r?\n[ \t]/g, " ")
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === "b"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
    );
}
