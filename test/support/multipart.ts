/** One part of a multipart/form-data body: its field name, its file name (a file) and its bytes. */
export interface FormPart {
  name: string;
  filename?: string;
  body: Buffer;
}

/** The parts of a multipart/form-data body (how bots upload files), for the fake Bot API servers. */
export function multipartParts(body: Buffer, contentType: string): FormPart[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(at + delimiter.length, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      const name = /[:;]\s*name="([^"]*)"/.exec(headers)?.[1] ?? "";
      const filename = /filename="?([^";\r\n]*)"?/.exec(headers)?.[1];
      // The part's bytes end with the CRLF that precedes the next delimiter.
      parts.push({
        name,
        ...(filename !== undefined ? { filename } : {}),
        body: part.subarray(headerEnd + 4, part.length - 2),
      });
    }
    at = next;
  }
  return parts;
}

/**
 * The file a sendDocument uploads: the "document" part itself (Telegraf), or the part its value
 * "attach://<name>" names (grammY), as Telegram reads it.
 */
export function uploadedFile(parts: readonly FormPart[], field = "document"): FormPart | undefined {
  const value = parts.find((p) => p.name === field);
  const attached = /^attach:\/\/(.+)$/.exec(
    value?.filename === undefined ? (value?.body.toString("utf8") ?? "") : "",
  )?.[1];
  return attached ? parts.find((p) => p.name === attached) : value;
}
