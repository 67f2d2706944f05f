/**
 * The envelope item types Sentry's SDKs and Relay know (docs/sentry-protocol.md §3, "Item types"),
 * plus the pseudo-type LightTrace counts session updates it refused as (`session.too_old`). Items
 * are counted per project and day by these names; any other name is counted as `other`, so a client
 * cannot add a counter row per made-up name.
 */
export const KNOWN_ITEM_TYPES: ReadonlySet<string> = new Set([
  "event", "transaction", "attachment", "session", "sessions", "client_report", "check_in", "feedback", "user_report",
  "span", "otel_span", "log", "otel_log", "otel_traces_data", "trace_metric", "statsd", "metric_buckets", "metric_meta",
  "profile", "profile_chunk", "profile_chunk_ui", "replay_event", "replay_recording", "replay_video",
  "security", "raw_security", "nel", "unreal_report", "form_data", "integration",
  "session.too_old",
]);

/** Longest item type accepted; Sentry's longest is 16 characters. */
export const MAX_ITEM_TYPE_CHARS = 64;

/** Up to this many unknown type names are reported per request (see buildEnvelopeJob). */
export const MAX_UNKNOWN_TYPES_PER_REQUEST = 5;

/** The name an item is counted under: its type when known, else "other". */
export function countedItemType(type: string): string {
  return KNOWN_ITEM_TYPES.has(type) ? type : "other";
}

/**
 * Remembers which unknown item types this process has seen, up to `maxNames`, so each is reported
 * once (an SDK newer than this server, a misbehaving client) without the list growing without bound.
 */
export class UnknownItemTypeSample {
  private readonly seen = new Set<string>();
  private readonly maxNames: number;

  constructor(maxNames = 50) {
    this.maxNames = maxNames;
  }

  /** True the first time `type` is noted, while the sample has room. */
  noteFirstSighting(type: string): boolean {
    if (this.seen.has(type) || this.seen.size >= this.maxNames) return false;
    this.seen.add(type);
    return true;
  }
}
