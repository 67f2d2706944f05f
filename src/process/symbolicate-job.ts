import type { GroupingConfig } from "../grouping/mechanisms.ts";
import type { Symbolicator } from "../sourcemaps/symbolicate.ts";
import { prepareEvent } from "./prepare-event.ts";
import type { IngestJob } from "./types.ts";

/**
 * Symbolicates a job's JavaScript events before they are committed, so grouping, title and culprit
 * use the original frames ("the same bug in two builds stays one issue"). An event that changed
 * is prepared again; its minified grouping goes along as a fallback (before the keys of earlier
 * rules), so events that arrived before the source map keep their issue. Events without
 * candidate frames or uploads cost one cached check.
 */
export function createJobSymbolicator(symbolicator: Symbolicator): (job: IngestJob, grouping: GroupingConfig) => Promise<void> {
  return async (job, grouping) => {
    for (let i = 0; i < job.events.length; i++) {
      const prepared = job.events[i]!;
      const result = await symbolicator.symbolicate(job.projectId, prepared.event);
      if (!result || (result.resolved === 0 && result.unresolved === 0)) continue;
      const again = prepareEvent(prepared.event, grouping);
      if (again.grouping.hash !== prepared.grouping.hash) {
        const candidates = [prepared.grouping, ...(again.fallbackGroupings ?? []), ...(prepared.fallbackGroupings ?? [])];
        const seen = new Set([again.grouping.hash]);
        again.fallbackGroupings = candidates.filter((g) => !seen.has(g.hash) && seen.add(g.hash));
      }
      job.events[i] = again;
    }
  };
}
