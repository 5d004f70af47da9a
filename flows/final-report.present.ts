import type { finalReportMachine } from "./final-report.ts";
import type { StateViews } from "./present.ts";

/** How the final report's own prompt states are shown, keyed by the machine's state names. */
export const FINAL_REPORT_VIEWS: StateViews<typeof finalReportMachine> = {
  /** The report as it will be sent, with the initial report it closes (filled in, not asked). */
  confirm: (context, ui) => ({
    summary: [
      ui.t("final:confirm.reference", {
        ticketId: String(context.prefill.ticketId ?? ""),
        date: String(context.prefill.initialReportedAt ?? ""),
      }),
      ui.answers("final", context.answers),
    ].join("\n"),
  }),
};
