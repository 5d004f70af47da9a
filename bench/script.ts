import { REPORT_WALK, withDetectedAt } from "../test/fixtures/report-walk.ts";

/**
 * One full incident report as a reporter types it (the tests' scripted report), after `/start`. Choices are
 * typed as numbers, as in the terminal. The detection time is "hôm qua 08:30" so that it is never in the
 * future, whatever the hour the bench runs at; not "bây giờ", so that both sides store the same answers.
 */
export const REPORT_SCRIPT: readonly string[] = ["/start", ...withDetectedAt(REPORT_WALK, "hôm qua 08:30")];

/** `/start` and then `n` free-text answers, for the conversation-length variant. */
export function textScript(n: number): string[] {
  return ["/start", ...Array.from({ length: n }, (_, i) => `Câu trả lời số ${i + 1} cho biểu mẫu`)];
}
