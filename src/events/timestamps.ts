/**
 * Sentry timestamps arrive as seconds since the epoch (float) or as RFC 3339 strings; a string
 * without a zone is UTC. Returns seconds, or undefined when the value is not a timestamp.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(value);
  const ms = Date.parse(hasZone ? value : value + "Z");
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** Relay shifts event times only when the client clock is off by at least this much. */
export const MIN_CLOCK_DRIFT_SECONDS = 55 * 60;
/** Timestamps further in the future than this are replaced by the receive time (Relay: 60 s). */
export const MAX_SECONDS_IN_FUTURE = 60;
/** Timestamps older than this are replaced by the receive time (Relay: 30 days). */
export const MAX_SECONDS_IN_PAST = 30 * 24 * 3600;

/**
 * The correction to add to every client timestamp: receive time minus the envelope's `sent_at`
 * when they differ by at least 55 minutes, else 0 (small differences are network delay).
 */
export function computeClockDrift(receivedSeconds: number, sentAtSeconds: number | undefined): number {
  if (sentAtSeconds === undefined) return 0;
  const drift = receivedSeconds - sentAtSeconds;
  return Math.abs(drift) >= MIN_CLOCK_DRIFT_SECONDS ? drift : 0;
}

export function toIsoString(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}
