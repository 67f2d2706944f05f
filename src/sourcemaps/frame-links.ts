import type { Frame, NormalizedEvent } from "../events/types.ts";
import type { Store } from "../store/types.ts";
import { buildSourceLink, releaseCommit } from "./source-links.ts";

/**
 * Adds `source_link` (…/blob/<commit>/<path>#L<line>) to the event's in-app frames, from the
 * project's source-link settings and the commit of the event's release. Nothing without settings
 * or without a commit; frames whose path is outside the stack root get none.
 */
export async function addSourceLinks(store: Store, projectId: number, event: NormalizedEvent): Promise<void> {
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
  for (const exc of event.exception?.values ?? []) for (const frame of exc.stacktrace?.frames ?? []) link(frame);
  for (const frame of event.stacktrace?.frames ?? []) link(frame);
}
