/** The roster's job kinds, apart from their handlers so the desk can list them without an import cycle. */

/** Moves a ticket's page chain on when nobody acknowledged the last page in time. */
export const PAGE_JOB = "page_next";
/** Warns a unit's admins and leads, days before an alert period, of the hours its roster leaves uncovered. */
export const PERIOD_GAPS_JOB = "alert_period_gaps";
