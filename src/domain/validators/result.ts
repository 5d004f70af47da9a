import type { Reason } from "../severity-input.ts";

/** Outcome of a validator: the parsed value (maybe with non-blocking warnings) or one reason to ask again. */
export type ValidationResult<T> = { ok: true; value: T; warnings?: Reason[] } | { ok: false; error: Reason };

export function ok<T>(value: T, warnings: Reason[] = []): ValidationResult<T> {
  return warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value };
}

export function fail<T>(key: string, params?: Reason["params"]): ValidationResult<T> {
  return params ? { ok: false, error: { key, params } } : { ok: false, error: { key } };
}

export const REQUIRED = "validation:required";

// Inputs come from chat messages; anything far longer than a sane answer is rejected before any regex
// runs, so a pasted log file cannot make the bot spin.
export const MAX_SHORT_INPUT = 200;
export const MAX_LIST_INPUT = 20_000;
