/**
 * The error classes of node-zalo-bot 0.1.6 (codes EFATAL, EPARSE, EZALO), so code written for that SDK can
 * test `error.code` unchanged. Unlike the SDK, no error here carries axios' config or request objects: the
 * bot token sits in the URL path, and those objects would put it into every log line that prints the error.
 */
export class BaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = new.target.name;
  }

  /** What a logger or JSON.stringify sees: the safe fields only. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** The call never got an answer from Zalo (no token, network failure, timeout, cancelled). */
export class FatalError extends BaseError {
  constructor(message: string) {
    super("EFATAL", message);
  }
}

/** Zalo (or a proxy before it) answered with a body that is not JSON, e.g. an nginx HTML 429 page. */
export class ParseError extends BaseError {
  constructor(
    message: string,
    /** `{ status, body }`: the HTTP status and the start of the body. */
    readonly response: { status: number; body: string },
  ) {
    super("EPARSE", message);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), response: this.response };
  }
}

/** The body Zalo answers every call with. */
export interface ZaloEnvelope {
  ok: boolean;
  result?: unknown;
  description?: string;
  error_code?: number | string;
}

/** Zalo answered `ok:false`: message "EZALO: <error_code> <description>", `.response` is the body. */
export class ZaloError extends BaseError {
  /** The HTTP status it came with (Zalo answers some errors with 200). */
  readonly status: number;
  constructor(
    readonly response: ZaloEnvelope,
    status: number,
  ) {
    super("EZALO", `${response.error_code ?? status} ${response.description ?? ""}`.trim());
    this.status = status;
  }

  /** Zalo's error code as a number (it has been seen as a string). */
  get errorCode(): number | undefined {
    const code = Number(this.response.error_code);
    return Number.isFinite(code) ? code : undefined;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, response: this.response };
  }
}

/** Removes the token (as written and URL-encoded) from a text; every message and log line goes through it. */
export function redactToken(text: string, token: string | undefined): string {
  if (!token) return text;
  let out = text.split(token).join("<token>");
  const encoded = encodeURIComponent(token);
  if (encoded !== token) out = out.split(encoded).join("<token>");
  return out;
}
