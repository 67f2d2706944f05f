import type { Grouping } from "../grouping/mechanisms.ts";
import type { EventMetadata } from "../events/title.ts";
import type { Level } from "../events/types.ts";
import type { TraceSegment } from "../traces/parse-trace-items.ts";
import type { SessionAggregate, SessionUpdate } from "../sessions/parse.ts";
import type { ParsedCheckIn } from "../monitors/check-in.ts";
import type { ParsedFeedback } from "../feedback/parse.ts";

/** An event with everything computed that needs no database: what processing plans the batch with. */
export interface PreparedEvent {
  eventId: string;
  /** when it happened (clock drift corrected) */
  timestampSec: number;
  /** when the server received it (the job's `receivedAtMs`, in seconds) */
  receivedAtSec: number;
  type: "error" | "default";
  level: Level;
  platform: string;
  title: string;
  culprit: string;
  metadata: EventMetadata;
  grouping: Grouping;
  /**
   * Groupings that identify the same issue too, tried in order when `grouping` finds none: a
   * symbolicated event's minified grouping (a new issue claims it too), then the keys earlier
   * rules gave the event (`lookupOnly`: lt-v1, the project's previous stack-trace rules).
   */
  fallbackGroupings?: Grouping[];
  release?: string;
  environment: string;
  /** "id:…", "email:…", "ip:…" or "username:…": who was affected */
  userKey?: string;
  traceId?: string;
  isUnhandled: boolean;
  /** tag pairs to count on the issue (event tags plus derived ones) */
  tags: [string, string][];
  /**
   * The normalised event as the store keeps it: its JSON text, or that text encoded by
   * src/store/event-codec.ts (ingest workers encode it; the queue encodes text it is handed).
   */
  payload: Buffer | string;
  /** a monitor failure (src/process/monitor-checkins.ts): alert rules mail it as one, not as a new issue or regression */
  alertAs?: "monitor_failure";
}

/** What one ingest request hands processing; committed atomically with the batch it lands in. */
export interface IngestJob {
  projectId: number;
  events: PreparedEvent[];
  /** item types that are accepted but not processed yet, counted per type */
  itemCounts: Map<string, number>;
  /** when the server received the request (the injected Clock) */
  receivedAtMs: number;
  /** transactions and standalone spans, stored for the trace view (src/store/sqlite/traces.ts) */
  traces?: TraceSegment[];
  /** release health: `session` items (merged by sid) and `sessions` aggregates; not events, no quota */
  sessions?: SessionUpdate[];
  sessionAggregates?: SessionAggregate[];
  /** what the SDK says it dropped on its side (`client_report` items) */
  clientDiscards?: ClientDiscard[];
  /** cron monitor check-ins (`check_in` items), applied by src/process/monitor-checkins.ts before the job is queued */
  checkIns?: ParsedCheckIn[];
  /** user feedback (`feedback` and `user_report` items), stored by src/feedback/ before the request is answered */
  feedback?: ParsedFeedback[];
}

/** One `discarded_events` entry of a client report (docs/sentry-protocol.md §5). */
export interface ClientDiscard { reason: string; category: string; quantity: number }

export interface EventOutcome {
  eventId: string;
  issueId: number;
  isNewIssue: boolean;
  isRegression: boolean;
  isDuplicate: boolean;
}
