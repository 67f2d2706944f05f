/** One counter an attempt is taken from: a client address or an email, with its allowance per window. */
export interface AttemptKey {
  key: string;
  /** attempts allowed per window */
  limit: number;
}

/** The answer to one attempt: allowed, or refused until a window ends. */
export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Fixed-window attempt counters by key: the state behind the login throttle. In memory here (one
 * process); a multi-node installation implements the same two calls on shared storage (e.g. one
 * PostgreSQL row per key: take = a conditional UPDATE … RETURNING in one transaction for all keys).
 */
export interface AttemptLimiter {
  /**
   * Takes one attempt from every key, all or none: refused, without counting, when any key has
   * already used its limit in its current window. A key's window starts at its first attempt and
   * lasts `windowMs`. Atomic: parallel calls never take more than a key's limit.
   */
  take(keys: readonly AttemptKey[], nowMs: number, windowMs: number): Promise<AttemptVerdict>;
  /** Gives one attempt back to each key whose window is still the one it was taken in (a successful sign-in). */
  giveBack(keys: readonly string[], nowMs: number, windowMs: number): Promise<void>;
}

/**
 * The in-process AttemptLimiter. Memory is bounded: past `maxKeys` it first forgets keys whose
 * window has ended; keys still inside their window are never dropped (dropping them would reset an
 * attacker's count), so when every tracked key is still live, attempts on new keys are refused
 * until the oldest window ends.
 */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly counts = new Map<string, { used: number; windowStartMs: number }>();
  private readonly maxKeys: number;

  constructor(maxKeys = 100_000) {
    this.maxKeys = maxKeys;
  }

  async take(keys: readonly AttemptKey[], nowMs: number, windowMs: number): Promise<AttemptVerdict> {
    const live = (key: string) => {
      const entry = this.counts.get(key);
      return entry && nowMs - entry.windowStartMs < windowMs ? entry : undefined;
    };
    let retryAfterMs = 0;
    for (const { key, limit } of keys) {
      const entry = live(key);
      if (entry && entry.used >= limit) retryAfterMs = Math.max(retryAfterMs, entry.windowStartMs + windowMs - nowMs);
    }
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    const fresh = keys.filter(({ key }) => !this.counts.has(key)).length;
    if (this.counts.size + fresh > this.maxKeys) {
      this.forgetEnded(nowMs, windowMs);
      if (this.counts.size + fresh > this.maxKeys) return { allowed: false, retryAfterMs: this.untilOldestEnds(nowMs, windowMs) };
    }
    for (const { key } of keys) {
      const entry = live(key);
      if (entry) entry.used++;
      else this.counts.set(key, { used: 1, windowStartMs: nowMs });
    }
    return { allowed: true };
  }

  async giveBack(keys: readonly string[], nowMs: number, windowMs: number): Promise<void> {
    for (const key of keys) {
      const entry = this.counts.get(key);
      if (entry && nowMs - entry.windowStartMs < windowMs && entry.used > 0) entry.used--;
    }
  }

  // --- Internal ---

  private forgetEnded(nowMs: number, windowMs: number): void {
    for (const [key, entry] of this.counts) if (nowMs - entry.windowStartMs >= windowMs) this.counts.delete(key);
  }

  private untilOldestEnds(nowMs: number, windowMs: number): number {
    let oldest = nowMs;
    for (const entry of this.counts.values()) oldest = Math.min(oldest, entry.windowStartMs);
    return Math.max(1000, oldest + windowMs - nowMs);
  }
}
