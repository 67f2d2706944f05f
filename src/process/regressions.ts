import { compareReleases, type ReleaseRef } from "../releases/order.ts";
import type { ResolutionType } from "../store/model/resolutions.ts";

/**
 * How a resolved issue was resolved (Sentry's `statusDetails`): plainly, in a release (`inRelease`),
 * or in the next release (`inNextRelease`, anchored to the project's latest release at the time).
 */
export interface Resolution {
  type: ResolutionType;
  release: ReleaseRef;
}

/**
 * Whether an event on a resolved issue reopens it (pure). A plain resolution reopens on any event.
 * Resolved in release X: an event from a release older than X does not reopen it (the fix has not
 * reached it); one from X or newer is a regression. Resolved in the next release after B: only an
 * event from a release newer than B is. An event without release always reopens, as in Sentry.
 * @example isRegression({ type: "in_release", release: v("web@1.2.0") }, v("web@1.1.9")) // false
 */
export function isRegression(resolution: Resolution | undefined, eventRelease: ReleaseRef | undefined): boolean {
  if (!resolution || !eventRelease) return true;
  const cmp = compareReleases(eventRelease, resolution.release);
  return resolution.type === "in_release" ? cmp >= 0 : cmp > 0;
}
