import type { Frame, NormalizedEvent } from "../events/types.ts";
import type { Store } from "../store/types.ts";
import { buildSourceLink, releaseCommit } from "./source-links.ts";

/**
 * Sets `source_link` (…/blob/<commit>/<path>#L<line>) on the event's in-app frames, from the
 * project's source-link settings and the commit of the event's release, and removes any other. Nothing without settings
 * or without a commit; frames whose path is outside the stack root get none.
 */
export async function addSourceLinks(store: Store, projectId: number, event: NormalizedEvent): Promise<void> {
  // links are built here, at view time, and never stored: a stored one came from an SDK (events
  // ingested before normalisation dropped them, or stack traces it does not normalise) and is not ours
  _forEachStoredFrame(event, (frame) => delete frame.source_link);
  const settings = await store.getSourceLinkSettings(projectId);
  if (!settings) return;
  const org = await store.getOrganization();
  const release = event.release && org ? await store.getRelease(org.id, event.release) : undefined;
  const heads = release ? await store.listReleaseHeadCommits(release.id) : [];
  const commit = releaseCommit(release, heads, settings.repository, event.release);
  if (!commit) return;
  const link = (frame: Frame) => {
    // a JavaScript frame that kept its minified position points into a bundle, not the repository
    if (frame.in_app !== true || typeof frame.lineno !== "number" || (frame.data as { symbolicated?: boolean } | undefined)?.symbolicated === false) return;
    for (const path of [frame.filename, frame.abs_path]) {
      const url = path ? buildSourceLink(settings, commit, path, frame.lineno) : undefined;
      if (url) {
        frame.source_link = url;
        return;
      }
    }
  };
  _forEachFrame(event, link);
}

// --- Internal ---

function _forEachFrame(event: NormalizedEvent, fn: (frame: Frame) => void): void {
  for (const exc of event.exception?.values ?? []) for (const frame of exc.stacktrace?.frames ?? []) fn(frame);
  for (const frame of event.stacktrace?.frames ?? []) fn(frame);
}

/** Every frame the event API may show: stack traces, the minified ones kept beside them, threads'. */
function _forEachStoredFrame(event: NormalizedEvent, fn: (frame: Frame) => void): void {
  const holders: Record<string, unknown>[] = [event, ...(event.exception?.values ?? []), ...(event.threads?.values ?? [])];
  for (const holder of holders) {
    for (const key of ["stacktrace", "raw_stacktrace"]) {
      const frames = (holder[key] as { frames?: unknown } | undefined)?.frames;
      if (Array.isArray(frames)) for (const frame of frames) if (frame && typeof frame === "object") fn(frame as Frame);
    }
  }
}
