/**
 * Per-project event quota over fixed one-minute windows. Pure apart from its counters; the caller
 * passes the time. Returns the seconds to wait when over quota, else 0.
 */
export class ProjectQuota {
  private windows = new Map<number, { start: number; count: number }>();

  private readonly perMinute: number;

  constructor(perMinute: number) {
    this.perMinute = perMinute;
  }

  /** Counts `events` against the project; returns retry-after seconds (0 = accepted). */
  take(projectId: number, events: number, nowMs: number): number {
    if (this.perMinute <= 0 || events === 0) return 0;
    const start = Math.floor(nowMs / 60_000) * 60_000;
    let w = this.windows.get(projectId);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(projectId, w);
    }
    if (w.count + events > this.perMinute) return Math.max(1, Math.ceil((start + 60_000 - nowMs) / 1000));
    w.count += events;
    return 0;
  }
}
