import type { Clock } from "../clock.ts";
import { computeGrouping } from "../grouping/mechanisms.ts";
import { groupingConfigFrom } from "../process/grouping-configs.ts";
import type { Logger } from "../logger.ts";
import type { StoredEvent, Store } from "../store/types.ts";
import type { Symbolicator } from "./symbolicate.ts";
import { addSourceLinks } from "./frame-links.ts";

/** What the event API shows of a stored event: symbolicated if its maps came later, with source links. */
export async function prepareEventForView(deps: { store: Store; symbolicator?: Symbolicator | undefined; clock: Clock }, stored: StoredEvent): Promise<void> {
  await symbolicateStoredEvent(deps, stored);
  await addSourceLinks(deps.store, stored.projectId, stored.event);
}

/**
 * Symbolicates a stored event for display when it arrived before its source maps (or they changed
 * since). When that resolves frames, the event's issue claims the grouping the resolved event has,
 * unless another issue has it: later events from any build then join this issue instead of
 * starting a new one. The stored event itself stays as received.
 */
export async function symbolicateStoredEvent(deps: { store: Store; symbolicator?: Symbolicator | undefined; clock: Clock }, stored: StoredEvent): Promise<void> {
  const { symbolicator } = deps;
  if (!symbolicator || !_needsSymbolication(stored)) return;
  const result = await symbolicator.symbolicate(stored.projectId, stored.event);
  if (result && result.resolved > 0) {
    const config = groupingConfigFrom(await deps.store.getGroupingSettings(stored.projectId), deps.clock.now() / 1000);
    await deps.store.addIssueGrouping(stored.projectId, stored.issueId, computeGrouping(stored.event, config), stored.receivedAtSec);
  }
}

/**
 * After an upload: the projects' recently seen issues symbolicate their latest event and claim
 * the resolved grouping, so the first event of a new build (grouped on original frames) finds the
 * issue that older, minified events of the same bug made. Bounded to the newest issues.
 */
export async function claimResolvedGroupings(
  deps: { store: Store; symbolicator: Symbolicator; logger: Logger; clock: Clock }, projectIds: number[], maxIssues = 200,
): Promise<number> {
  let claimed = 0;
  const issues = await deps.store.listIssues({ projectIds, tags: [], text: [], sort: "date", offset: 0, limit: maxIssues, nowMs: deps.clock.now() });
  for (const issue of issues) {
    if (issue.platform !== "javascript" && issue.platform !== "node") continue;
    const [latest] = await deps.store.listIssueEvents(issue.id, { offset: 0, limit: 1, newestFirst: true });
    if (!latest || !_needsSymbolication(latest)) continue;
    try {
      const result = await deps.symbolicator.symbolicate(latest.projectId, latest.event);
      if (result && result.resolved > 0) {
        const config = groupingConfigFrom(await deps.store.getGroupingSettings(latest.projectId), deps.clock.now() / 1000);
        await deps.store.addIssueGrouping(latest.projectId, issue.id, computeGrouping(latest.event, config), latest.receivedAtSec);
        claimed++;
      }
    } catch (err) {
      deps.logger.warn("could not symbolicate an earlier event after an upload", { issueId: issue.id, error: err });
    }
  }
  return claimed;
}

// --- Internal ---

/** Some in-app frame with a column was not resolved when the event was stored (no map then, or an error). */
function _needsSymbolication(stored: StoredEvent): boolean {
  const exceptions = stored.event.exception?.values ?? [];
  const stacks = [...exceptions.map((e) => e.stacktrace?.frames ?? []), stored.event.stacktrace?.frames ?? []];
  return stacks.some((frames) => frames.some((f) => {
    const data = f.data as { symbolicated?: boolean } | undefined;
    return f.in_app === true && data?.symbolicated !== true && typeof f.colno === "number";
  }));
}
