import type { NormalizedEvent } from "../events/types.ts";

/** An event as stored: its row id, owners and times (seconds since epoch), and the normalized payload. */
export interface StoredEvent {
  id: number;
  projectId: number;
  issueId: number;
  eventId: string;
  timestampSec: number;
  receivedAtSec: number;
  event: NormalizedEvent;
}
