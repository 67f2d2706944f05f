import type { NormalizedEvent } from "../events/types.ts";
import { computeCulprit, computeMetadata, computeTitle, mainException } from "../events/title.ts";
import { computeEventTags, computeUserKey } from "../events/tags.ts";
import { computeGrouping } from "../grouping/fingerprint.ts";
import type { PreparedEvent } from "./types.ts";

/**
 * Everything about an event that needs no database: grouping, title, culprit, tags, the affected
 * user. Pure apart from filling derived contexts/tags into the event it is given.
 */
export function prepareEvent(event: NormalizedEvent): PreparedEvent {
  const grouping = computeGrouping(event);
  const userKey = computeUserKey(event);
  const tags = computeEventTags(event, userKey);
  event.tags = tags;
  const exc = mainException(event);
  const traceId = event.contexts?.trace?.trace_id;
  const prepared: PreparedEvent = {
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
    json: JSON.stringify(event),
    event,
  };
  if (event.release) prepared.release = event.release;
  if (userKey) prepared.userKey = userKey;
  if (typeof traceId === "string" && /^[0-9a-f]{32}$/i.test(traceId)) prepared.traceId = traceId.toLowerCase();
  return prepared;
}
