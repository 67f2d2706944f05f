import type { NormalizedEvent } from "../events/types.ts";
import { computeCulprit, computeMetadata, computeTitle, mainException } from "../events/title.ts";
import { computeEventTags, computeUserKey } from "../events/tags.ts";
import { computeFallbackGroupings, computeGroupingDetails, groupingWithDefault, type GroupingConfig } from "../grouping/mechanisms.ts";
import { markInAppFrames } from "../grouping/mark-in-app.ts";
import type { PreparedEvent } from "./types.ts";

/** A prepared event with the event it was prepared from; `payload` is its JSON text. */
export type PreparedEventWithSource = PreparedEvent & { payload: string; event: NormalizedEvent };

/**
 * Everything about an event that needs no database: grouping (with the keys earlier rules gave
 * it), title, culprit, tags, the affected user. Pure apart from filling derived contexts/tags into
 * the event and marking its frames in-app as the project's stack-trace rules say. The event is
 * serialised once, as the payload.
 */
export function prepareEvent(event: NormalizedEvent, groupingConfig: GroupingConfig): PreparedEventWithSource {
  // earlier rules' keys first: lt-v1's {{ function }} read the frames as the SDK marked them
  const earlier = computeFallbackGroupings(event, groupingConfig);
  const details = computeGroupingDetails(event, groupingConfig);
  markInAppFrames(details.default.stacks);
  // a fingerprint's {{ function }} names the crash frame, which the marking may have moved
  const grouping = event.fingerprint ? groupingWithDefault(event, details.default.key) : details.grouping;
  const fallbackGroupings = earlier.filter((g) => g.hash !== grouping.hash);
  const userKey = computeUserKey(event);
  const tags = computeEventTags(event, userKey);
  event.tags = tags;
  const exc = mainException(event);
  const traceId = event.contexts?.trace?.trace_id;
  const prepared: PreparedEventWithSource = {
    eventId: event.event_id,
    timestampSec: event.timestamp,
    receivedAtSec: event.received,
    type: event.type,
    level: event.level,
    platform: event.platform,
    title: computeTitle(event),
    culprit: computeCulprit(event),
    metadata: computeMetadata(event),
    grouping,
    environment: event.environment,
    isUnhandled: exc?.mechanism?.handled === false,
    tags,
    payload: JSON.stringify(event),
    event,
  };
  if (fallbackGroupings.length) prepared.fallbackGroupings = fallbackGroupings;
  if (event.release) prepared.release = event.release;
  if (userKey) prepared.userKey = userKey;
  if (typeof traceId === "string" && /^[0-9a-f]{32}$/i.test(traceId)) prepared.traceId = traceId.toLowerCase();
  return prepared;
}
