import { MemoryAttemptLimiter, type AttemptLimiter } from "./attempt-limiter.ts";

/**
 * Brute-force brake for password sign-in: 10 attempts per email and 50 per client address (several
 * people may share one NAT) per 15 minutes. An attempt is counted before its password is checked,
 * so guesses sent in parallel count like guesses sent one by one; a successful sign-in gives its
 * attempt back but resets nothing. The counters live behind AttemptLimiter (in memory by default).
 */
export class LoginThrottle {
  private readonly limiter: AttemptLimiter;
  private readonly limits = { ip: 50, email: 10 };
  private readonly windowMs = 15 * 60_000;

  constructor(limiter: AttemptLimiter = new MemoryAttemptLimiter()) {
    this.limiter = limiter;
  }

  /** Counts an attempt; seconds to wait when a limit is used up (the attempt then was not counted), else 0. */
  async begin(clientIp: string, email: string, nowMs: number): Promise<number> {
    const [ip, mail] = _keys(clientIp, email);
    const verdict = await this.limiter.take([{ key: ip, limit: this.limits.ip }, { key: mail, limit: this.limits.email }], nowMs, this.windowMs);
    return verdict.allowed ? 0 : Math.ceil(verdict.retryAfterMs / 1000);
  }

  /** The attempt begun for this client and email signed in: it does not count against either limit. */
  async succeeded(clientIp: string, email: string, nowMs: number): Promise<void> {
    await this.limiter.giveBack(_keys(clientIp, email), nowMs, this.windowMs);
  }
}

// --- Internal ---

function _keys(clientIp: string, email: string): [string, string] {
  return [`ip:${clientIp}`, `email:${email.toLowerCase()}`];
}
