import type { NormalizedEvent } from "../events/types.ts";
import type { Symbolicator } from "../sourcemaps/symbolicate.ts";
import type { PreparedEvent } from "./types.ts";

/** A prepared event without its payload: what an ingest worker computed before symbolication. */
export type PreparedSummary = Omit<PreparedEvent, "payload">;

/**
 * Symbolicates an event before it is committed, so grouping, title and culprit use the original
 * frames ("the same bug in two builds stays one issue"). Ingest workers send back, as JSON, only
 * the events of projects with source maps that have JavaScript frames; this runs on the main
 * thread because the maps live in the store and their parsed form is cached once per process
 * (shared with the API's view-time retry) rather than once per worker. An event that changed is
 * prepared again by `prepare` (in a worker), which keeps the minified grouping as a fallback so
 * events that arrived before the source map keep their issue; an unchanged one keeps its summary
 * and goes on as JSON text (the queue encodes it).
 */
export function createJobSymbolicator(
  symbolicator: Symbolicator, prepare: (projectId: number, event: NormalizedEvent, before: PreparedSummary) => Promise<PreparedEvent>,
): (projectId: number, sourceJson: string, before: PreparedSummary) => Promise<PreparedEvent> {
  return async (projectId, sourceJson, before) => {
    const event = JSON.parse(sourceJson) as NormalizedEvent;
    const result = await symbolicator.symbolicate(projectId, event);
    if (!result || (result.resolved === 0 && result.unresolved === 0)) return { ...before, payload: sourceJson };
    return prepare(projectId, event, before);
  };
}
