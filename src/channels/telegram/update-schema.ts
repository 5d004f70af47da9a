import type { Update } from "grammy/types";
import { z } from "zod";
import type { Logger } from "../../app.ts";

// The fields of a Bot API update this product reads, checked where the update enters (webhook body or polled
// batch). Telegram never sends anything else, but the webhook is reachable by anyone holding the secret, and
// one update the code cannot read must not become a 500 that Telegram retries for a day. Only the shape is
// checked: the original object is passed on untouched, with every field the schema does not name.

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const chat = z.object({ id: z.number().int(), type: z.string() });
const photoSize = z.object({
  file_id: z.string(),
  file_unique_id: z.string(),
  file_size: z.number().optional(),
});
const document = photoSize.extend({ file_name: z.string().optional(), mime_type: z.string().optional() });
const message = z.object({
  message_id: z.number().int(),
  date: z.number(),
  chat,
  from: user,
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(photoSize).optional(),
  document: document.optional(),
  reply_to_message: z.object({ message_id: z.number().int(), from: user.optional() }).optional(),
});
const callbackQuery = z.object({
  id: z.string(),
  from: user,
  data: z.string().optional(),
  message: z.object({ message_id: z.number().int(), chat }).optional(),
});
/** An update id is required: it is the dedupe key, and a missing one would make every such update "the same". */
const update = z.object({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: callbackQuery.optional(),
});

export type UpdateCheck = { ok: true; update: Update } | { ok: false; problems: string[] };

/** Checks the update's shape; the problems name fields and kinds of fault only, never values (personal data). */
export function checkUpdate(raw: unknown): UpdateCheck {
  const parsed = update.safeParse(raw);
  if (parsed.success) return { ok: true, update: raw as Update };
  return {
    ok: false,
    problems: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(update)"}: ${i.code}`),
  };
}

/**
 * Wraps an update handler so that a malformed update is logged (without its content) and dropped: the caller
 * answers 200, since Telegram would otherwise resend the same unreadable update until it expires.
 */
export function edgeChecked(
  logger: Logger,
  handle: (update: Update) => Promise<unknown>,
): (raw: unknown) => Promise<void> {
  return async (raw) => {
    const checked = checkUpdate(raw);
    if (!checked.ok) {
      logMalformed(logger, raw, checked.problems);
      return;
    }
    await handle(checked.update);
  };
}

/** Logs a refused update by its id (when it has a numeric one) and what was wrong, not by what it said. */
export function logMalformed(logger: Logger, raw: unknown, problems: string[]): void {
  const id = (raw as { update_id?: unknown } | null)?.update_id;
  logger.warn({ updateId: typeof id === "number" ? id : undefined, problems }, "malformed update ignored");
}
