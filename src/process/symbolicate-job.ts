import type { Symbolicator } from "../sourcemaps/symbolicate.ts";
import { prepareEvent } from "./prepare-event.ts";
import type { IngestJob } from "./types.ts";

/**
 * Symbolicates a job's JavaScript events before they are committed, so grouping, title and culprit
 * use the original frames ("the same bug in two builds stays one issue"). An event that changed
 * is prepared again; its minified grouping goes along as a fallback, so events that arrived
 * before the source map keep their issue. Events without candidate frames or uploads cost one
 * cached check.
 */
export function createJobSymbolicator(symbolicator: Symbolicator): (job: IngestJob) => Promise<void> {
  return async (job) => {
    for (let i = 0; i < job.events.length; i++) {
      const prepared = job.events[i]!;
      const result = await symbolicator.symbolicate(job.projectId, prepared.event);
      if (!result || (result.resolved === 0 && result.unresolved === 0)) continue;
      const again = prepareEvent(prepared.event);
      if (again.grouping.hash !== prepared.grouping.hash) again.fallbackGroupings = [prepared.grouping];
      job.events[i] = again;
    }
  };
}
