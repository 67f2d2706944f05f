/**
 * Brute-force brake for password sign-in: after 10 failed attempts for one email, or 50 from one
 * client address (several people may share one NAT), within 15 minutes, further attempts are
 * refused until the window has passed. Pure apart from its counters; the caller passes the time.
 * Bounded memory.
 */
export class LoginThrottle {
  private failures = new Map<string, { count: number; windowStart: number }>();
  private readonly limits = { ip: 50, email: 10 };
  private readonly windowMs = 15 * 60_000;

  /** Seconds to wait before this client or email may try again; 0 = may try now. */
  retryAfter(clientIp: string, email: string, now: number): number {
    let wait = 0;
    for (const key of _keys(clientIp, email)) {
      const entry = this.failures.get(key);
      const limit = key.startsWith("ip:") ? this.limits.ip : this.limits.email;
      if (entry && now - entry.windowStart < this.windowMs && entry.count >= limit) {
        wait = Math.max(wait, Math.ceil((entry.windowStart + this.windowMs - now) / 1000));
      }
    }
    return wait;
  }

  recordFailure(clientIp: string, email: string, now: number): void {
    if (this.failures.size > 10_000) this.prune(now);
    for (const key of _keys(clientIp, email)) {
      const entry = this.failures.get(key);
      if (!entry || now - entry.windowStart >= this.windowMs) this.failures.set(key, { count: 1, windowStart: now });
      else entry.count++;
    }
  }

  recordSuccess(clientIp: string, email: string): void {
    for (const key of _keys(clientIp, email)) this.failures.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.failures) if (now - entry.windowStart >= this.windowMs) this.failures.delete(key);
    if (this.failures.size > 10_000) this.failures.clear();
  }
}

// --- Internal ---

function _keys(clientIp: string, email: string): string[] {
  return [`ip:${clientIp}`, `email:${email.toLowerCase()}`];
}
