import { REPORT_WALK } from "../test/fixtures/report-walk.ts";

/**
 * One full incident report as a reporter types it (the tests' scripted report), after `/start`. Choices are
 * typed as numbers, as in the terminal. The detection time is "hôm qua 08:30" so that it is never in the
 * future, whatever the hour the bench runs at.
 */
const DETECTED_AT = REPORT_WALK.indexOf("hôm nay 08:30");
if (DETECTED_AT < 0) throw new Error("REPORT_WALK no longer answers the detection time with 'hôm nay 08:30'");

export const REPORT_SCRIPT: readonly string[] = [
  "/start",
  ...REPORT_WALK.map((line, i) => (i === DETECTED_AT ? "hôm qua 08:30" : line)),
];

/** `/start` and then `n` free-text answers, for the conversation-length variant. */
export function textScript(n: number): string[] {
  return ["/start", ...Array.from({ length: n }, (_, i) => `Câu trả lời số ${i + 1} cho biểu mẫu`)];
}
