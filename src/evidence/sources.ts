import type { TelegramPort } from "../channels/telegram/port.ts";
import { errorCode, errorDescription } from "../channels/telegram/port.ts";
import { DownloadError, download } from "./download.ts";

/** What the worker asks a channel for: the bytes of one attached file, within the limits. */
export interface EvidenceSource {
  fetch(
    file: { fileRef: string },
    limits: { maxBytes: number; timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<Buffer>;
}

/** Telegram's own ceiling for a bot's download (getFile refuses bigger files: "file is too big"). */
export const TELEGRAM_DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Telegram: getFile gives a path valid for an hour, then GET {apiRoot}/file/bot{token}/{path}. The token is in
 * that URL, so it is built here and never leaves this function (errors carry codes, not the URL).
 */
export function telegramEvidenceSource(
  port: Pick<TelegramPort, "getFile">,
  apiRoot: string,
  token: string,
): EvidenceSource {
  return {
    async fetch(file, limits) {
      let info: { file_path?: string | undefined; file_size?: number | undefined };
      try {
        info = await port.getFile(file.fileRef);
      } catch (error) {
        const code = errorCode(error);
        if (code === 400 && /too big/i.test(errorDescription(error)))
          throw new DownloadError("tooLarge", "too_large");
        // 400 (a file id this bot cannot see) or 403 will not change; anything else may.
        if (code === 400 || code === 401 || code === 403 || code === 404)
          throw new DownloadError("permanent", `getFile_${code}`);
        throw new DownloadError("transient", code ? `getFile_${code}` : "getFile_network");
      }
      if (info.file_size !== undefined && info.file_size > limits.maxBytes)
        throw new DownloadError("tooLarge", "too_large", info.file_size);
      if (!info.file_path) throw new DownloadError("permanent", "no_file_path");
      const path = info.file_path.split("/").map(encodeURIComponent).join("/");
      return download(`${apiRoot.replace(/\/+$/, "")}/file/bot${token}/${path}`, limits);
    },
  };
}

/**
 * Zalo: the image message carries a CDN URL that needs no token; only https is fetched. `localHttp` (set when
 * the Zalo API root itself is plain http on this machine: a test server or a local stand-in) also lets plain
 * http through, for addresses on this machine only: a reporter's message can never make the bot fetch plain
 * http from elsewhere.
 */
export function zaloEvidenceSource(options: { localHttp?: boolean } = {}): EvidenceSource {
  return {
    fetch: (file, limits) =>
      download(file.fileRef, {
        ...limits,
        httpsOnly: !(options.localHttp === true && isLoopbackHttp(file.fileRef)),
      }),
  };
}

/** True for an http URL on this machine (127.0.0.1, ::1, localhost). */
export function isLoopbackHttp(address: string): boolean {
  try {
    const url = new URL(address);
    return url.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  } catch {
    return false;
  }
}
