// Libraries put the request URL into their error messages, and the Bot API URL carries the token
// (`…/bot<TOKEN>/getUpdates`). Every string that may reach a log goes through here.

/** A Bot API token inside a URL path: `bot` + numeric bot id + `:` + secret. */
const BOT_TOKEN_IN_URL = /bot\d+:[A-Za-z0-9_-]+/g;
/** A bare Bot API token anywhere else in a message. */
const BARE_BOT_TOKEN = /\b\d{3,}:[A-Za-z0-9_-]{20,}/g;

export const REDACTED = "[redacted]";

/** Replaces the given secrets (tokens, webhook secret) and anything shaped like a Bot API token. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // A very short value would blank out ordinary words; such a value is no secret anyway.
    if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out.replace(BOT_TOKEN_IN_URL, `bot${REDACTED}`).replace(BARE_BOT_TOKEN, REDACTED);
}

/** An error's message, redacted: what the logs show of a library failure. */
export function errorText(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactSecrets(message, secrets);
}
