import type { StateViews } from "./present.ts";
import type { profileMachine } from "./profile.ts";

/** How the profile's own prompt states are shown, keyed by the machine's state names. */
export const PROFILE_VIEWS: StateViews<typeof profileMachine> = {
  /** The answers given, to confirm before saving. */
  confirm: (context, ui) => ({ summary: ui.answers("profile", context.answers) }),
};
