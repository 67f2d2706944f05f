/**
 * In-memory per-issue counters for the spike and users-affected triggers, fed after each commit
 * (src/process/decide-alerts.ts) at the cost of an array increment per event. They start empty at each process start,
 * so after a restart a window fills up again before it can fire: a restart can delay a spike
 * alert, never invent one. The issue's baseline comes from the stored hourly counts instead.
 */
export class IssueRateCounters {
  private readonly issues = new Map<number, _IssueCounters>();
  private sinceSweep = 0;

  /** Counts one event of `issueId` at `nowSec` (and its user, when the project has a users rule). */
  record(issueId: number, nowSec: number, userKey: string | undefined, trackUsers: boolean): void {
    let c = this.issues.get(issueId);
    if (!c) {
      c = { minutes: new Float64Array(MINUTES), counts: new Uint32Array(MINUTES), users: undefined, lastSeen: nowSec, usersCache: undefined };
      this.issues.set(issueId, c);
    }
    c.lastSeen = nowSec;
    const minute = Math.floor(nowSec / 60);
    const slot = minute % MINUTES;
    if (c.minutes[slot] !== minute) {
      c.minutes[slot] = minute;
      c.counts[slot] = 0;
    }
    c.counts[slot]! += 1;
    if (trackUsers && userKey) {
      c.users ??= new Map();
      const known = c.users.delete(userKey); // re-insert: the map stays ordered by last sight
      c.users.set(userKey, nowSec);
      if (!known) c.usersCache = undefined; // a new user changes the count now, not in a second
      if (c.users.size > MAX_USERS_PER_ISSUE) c.users.delete(c.users.keys().next().value!);
    }
    if (++this.sinceSweep >= SWEEP_EVERY) this._sweep(nowSec);
  }

  /** Events of `issueId` in the last `windowMinutes` whole minutes, the current one included. */
  eventsInWindow(issueId: number, nowSec: number, windowMinutes: number): number {
    const c = this.issues.get(issueId);
    if (!c) return 0;
    const minute = Math.floor(nowSec / 60);
    let total = 0;
    for (let m = minute - Math.min(windowMinutes, MINUTES) + 1; m <= minute; m++) {
      const slot = ((m % MINUTES) + MINUTES) % MINUTES;
      if (c.minutes[slot] === m) total += c.counts[slot]!;
    }
    return total;
  }

  /** Distinct users of `issueId` seen in the last `windowMinutes` (recomputed at most once a second). */
  usersInWindow(issueId: number, nowSec: number, windowMinutes: number): number {
    const c = this.issues.get(issueId);
    if (!c?.users) return 0;
    const key = `${Math.floor(nowSec)}:${windowMinutes}`;
    if (c.usersCache?.key === key) return c.usersCache.count;
    const since = nowSec - windowMinutes * 60;
    let count = 0;
    for (const seen of c.users.values()) if (seen >= since) count++;
    c.usersCache = { key, count };
    return count;
  }

  /** When `userKey` was last seen on `issueId` (seconds), if it is remembered. */
  userLastSeen(issueId: number, userKey: string): number | undefined {
    return this.issues.get(issueId)?.users?.get(userKey);
  }

  // --- Internal ---

  /** Forgets issues quiet for a day and users older than the longest users window. */
  private _sweep(nowSec: number): void {
    this.sinceSweep = 0;
    for (const [id, c] of this.issues) {
      if (c.lastSeen < nowSec - 86_400) {
        this.issues.delete(id);
        continue;
      }
      if (c.users) for (const [user, seen] of c.users) {
        if (seen >= nowSec - 86_400) break; // ordered by last sight: the rest are newer
        c.users.delete(user);
      }
    }
  }
}

/** Minute buckets kept per issue: the longest spike window. */
const MINUTES = 60;
const MAX_USERS_PER_ISSUE = 100_000;
const SWEEP_EVERY = 50_000;

interface _IssueCounters {
  minutes: Float64Array;
  counts: Uint32Array;
  users: Map<string, number> | undefined;
  lastSeen: number;
  usersCache: { key: string; count: number } | undefined;
}
