/**
 * Fetching a reporter's file over HTTP: bounded in size and time, so a huge or endless answer can neither fill
 * the memory nor hold the evidence worker. What a failure means for the retry policy is decided here once, and
 * the messages never carry the URL (a Telegram file URL contains the bot token).
 */

/** Why a download did not give the bytes; `tooLarge` and `permanent` are not retried, `transient` is. */
export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(
    readonly kind: "tooLarge" | "permanent" | "transient",
    /** A short code for the logs and the evidence row (no URL, no token). */
    readonly code: string,
    /** The size the server announced or the bytes already read, when the file was too large. */
    readonly size?: number,
  ) {
    super(code);
  }
}

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Refuse anything but https (a Zalo image URL); the Bot API root may be http on a local server. */
  httpsOnly?: boolean;
  /** Cuts the download (the program is stopping). */
  signal?: AbortSignal | undefined;
}

/** The bytes at `url`, or a DownloadError. Server errors and network failures are transient; 4xx are not. */
export async function download(url: string, limits: DownloadLimits): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DownloadError("permanent", "bad_url");
  }
  const allowed = limits.httpsOnly ? ["https:"] : ["https:", "http:"];
  if (!allowed.includes(parsed.protocol)) throw new DownloadError("permanent", "not_https");
  let response: Response;
  try {
    response = await fetch(parsed, {
      signal: limits.signal
        ? AbortSignal.any([AbortSignal.timeout(limits.timeoutMs), limits.signal])
        : AbortSignal.timeout(limits.timeoutMs),
      // A redirect may lead off https: where https is required, the final address is checked below.
      redirect: "follow",
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    throw new DownloadError("transient", timedOut ? "timeout" : "network");
  }
  if (limits.httpsOnly && !response.url.startsWith("https:")) {
    await response.body?.cancel();
    throw new DownloadError("permanent", "not_https");
  }
  if (!response.ok) {
    await response.body?.cancel();
    const transient = response.status >= 500 || response.status === 429 || response.status === 408;
    throw new DownloadError(transient ? "transient" : "permanent", `http_${response.status}`);
  }
  const announced = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(announced) && announced > limits.maxBytes) {
    await response.body?.cancel();
    throw new DownloadError("tooLarge", "too_large", announced);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        total += chunk.byteLength;
        // A server that lied about the length (or gave none) is cut off at the limit.
        if (total > limits.maxBytes) throw new DownloadError("tooLarge", "too_large", total);
        chunks.push(chunk);
      }
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    throw new DownloadError("transient", timedOut ? "timeout" : "cut");
  }
  return Buffer.concat(chunks, total);
}
