import { serializeEvent } from "../../src/api/serialize/events.ts";
import { normalizeEvent } from "../../src/events/normalize.ts";
import { prepareEvent } from "../../src/process/prepare-event.ts";
import { collectEventFacts, type EventFacts } from "../../src/explain/event-facts.ts";
import type { SuspectCommitView } from "../../src/releases/load-suspect-commits.ts";
import { DEFAULT_GROUPING_CONFIG } from "../../src/grouping/mechanisms.ts";
import { analyseOffline } from "../../src/explain/offline-analyser.ts";
import type { Issue } from "../../src/store/types.ts";

/** The fixed "now" of the Explain tests (seconds): events happen at it, breadcrumbs just before. */
export const EXPLAIN_NOW = 1_795_850_000;

/** A raw SDK event through the real pipeline (normalise → prepare → the event API's serialiser) into the offline analyser. */
export function analyseRawEvent(raw: Record<string, unknown>, issue: Partial<Issue> = {}) {
  return analyseOffline(rawEventFacts(raw, issue));
}

/** What Explain knows of a raw SDK event, through the same pipeline. */
export function rawEventFacts(raw: Record<string, unknown>, issue: Partial<Issue> = {}, suspects: SuspectCommitView[] = []): EventFacts {
  const event = normalizeEvent({ event_id: "a".repeat(32), timestamp: EXPLAIN_NOW, ...raw }, { receivedAtMs: EXPLAIN_NOW * 1000, newEventId: () => "b".repeat(32) });
  const prepared = prepareEvent(event, DEFAULT_GROUPING_CONFIG);
  const apiEvent = serializeEvent(
    { id: 1, projectId: 1, issueId: 7, eventId: prepared.eventId, timestampSec: prepared.timestampSec, receivedAtSec: prepared.receivedAtSec, event },
    { title: prepared.title, culprit: prepared.culprit },
  );
  const fullIssue: Issue = {
    id: 7, projectId: 1, shortId: 1, title: prepared.title, culprit: prepared.culprit, type: "error", level: "error", platform: String(raw.platform ?? "javascript"),
    metadata: prepared.metadata, status: "unresolved", substatus: "new", isUnhandled: false, firstSeenSec: EXPLAIN_NOW - 600, lastSeenSec: EXPLAIN_NOW,
    firstRelease: null, lastRelease: null, eventCount: 3, userCount: 2, statusChangedAtSec: null, regressedAtSec: null,
    groupingKey: "", groupingMechanism: "lt-v1", ...issue,
  };
  return collectEventFacts(apiEvent, fullIssue, suspects);
}
