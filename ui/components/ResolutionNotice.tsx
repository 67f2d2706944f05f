import type { ApiResolutionCheck } from "../../src/contract/index.ts";
import { formatDateTime, formatRelativeTime } from "../format.ts";

/**
 * "Confirm the alert stops": for an issue resolved in a release, says plainly whether any event
 * arrived from the fix release or a newer one, and since when none has.
 */
export function ResolutionNotice(props: { resolution: ApiResolutionCheck }) {
  const r = props.resolution;
  const now = Date.now();
  const scope = r.type === "inRelease" ? `${r.release} or later` : `a release newer than ${r.release}`;
  const what = r.type === "inRelease" ? `Resolved in ${r.release}` : `Resolved in the next release after ${r.release}`;
  return (
    <div class="notice notice-ok resolution-notice" role="status" data-testid="resolution-notice">
      <strong>{what}</strong> {formatRelativeTime(r.resolvedAt, now)}.{" "}
      {r.lastFixedReleaseEvent === null
        ? <>No events from {scope} have arrived: none since it was resolved ({formatDateTime(r.quietSince)}).</>
        : <>{r.fixedReleaseEventCount} event{r.fixedReleaseEventCount === 1 ? "" : "s"} from {scope}, the last {formatRelativeTime(r.lastFixedReleaseEvent.at, now)} in {r.lastFixedReleaseEvent.release}, before the resolution; none since {formatDateTime(r.quietSince)}.</>}
      {" "}
      {r.lastOlderReleaseEvent
        ? <>Older releases still send events (the last {formatRelativeTime(r.lastOlderReleaseEvent.at, now)}, from {r.lastOlderReleaseEvent.release}); those do not reopen it.</>
        : <>No events from older releases either.</>}
    </div>
  );
}
