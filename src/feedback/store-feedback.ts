import type { Store } from "../store/types.ts";
import type { ParsedFeedback } from "./parse.ts";

/**
 * Stores feedback of one project, each attached to the issue of the event it is about when that
 * event is stored (else unattached: the project's Feedback view lists it). Resolves after the
 * commit; feedback already stored (same project and id) is kept as it was.
 */
export async function storeFeedback(store: Store, projectId: number, items: readonly ParsedFeedback[]): Promise<number> {
  const rows = [];
  for (const f of items) {
    const about = f.associatedEventId ? await store.getEvent(projectId, f.associatedEventId) : undefined;
    rows.push({ projectId, issueId: about?.issueId ?? null, ...f });
  }
  return store.addFeedback(rows);
}
