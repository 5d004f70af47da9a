import type { ServerResponse } from "node:http";

/** Telegram lets a bot download files up to 20 MB (getFile refuses bigger ones). */
export const BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/**
 * The files of the fake Bot API, as Telegram serves them to a bot: getFile answers a file_path (400 "file is
 * too big" over 20 MB, 400 for an unknown id), and the file server gives the bytes of a known path (404 else).
 */
export class FakeBotFiles {
  /** Files by file_id: their bytes and the size Telegram announces (the bytes' length unless said). */
  private readonly files = new Map<string, { bytes: Buffer; size: number; path: string }>();

  add(bytes: Buffer, options: { size?: number; path?: string } = {}): { fileId: string; uniqueId: string } {
    const n = this.files.size + 1;
    const fileId = `fake-file-${n}-${bytes.length}`;
    this.files.set(fileId, {
      bytes,
      size: options.size ?? bytes.length,
      path: options.path ?? `documents/file_${n}.bin`,
    });
    return { fileId, uniqueId: `uniq-${n}` };
  }

  /** The getFile answer: an HTTP status and Telegram's JSON body. */
  getFile(body: Record<string, unknown>): [number, unknown] {
    const id = String(body.file_id ?? "");
    const file = this.files.get(id);
    const bad = (what: string): [number, unknown] => [
      400,
      { ok: false, error_code: 400, description: `Bad Request: ${what}` },
    ];
    if (!file) return bad("invalid file_id");
    if (file.size > BOT_DOWNLOAD_LIMIT) return bad("file is too big");
    return [
      200,
      {
        ok: true,
        result: { file_id: id, file_unique_id: `uniq-${id}`, file_size: file.size, file_path: file.path },
      },
    ];
  }

  /** Answers a download of `path` (undefined: the token was wrong); true when the bytes were sent. */
  serve(res: ServerResponse, path: string | undefined): boolean {
    const file = path === undefined ? undefined : [...this.files.values()].find((f) => f.path === path);
    if (!file) {
      const text = JSON.stringify({ ok: false, error_code: 404, description: "Not Found" });
      res.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return false;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.bytes.length });
    res.end(file.bytes);
    return true;
  }
}
