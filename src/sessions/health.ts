/**
 * Release health figures from pre-aggregated counts (pure), as Sentry defines them:
 * crash-free sessions % = 100 × (1 − crashed / total); crash-free users % = 100 × (1 − users with
 * a crashed session / users). Percentages are null when there is nothing to divide by.
 */

/** Session and user counts of one release (and environment) over a window. */
export interface SessionTotals {
  sessions: number;
  /** errored but neither abnormal nor crashed */
  errored: number;
  abnormal: number;
  crashed: number;
  /** distinct users (`did`) with a session in the window */
  users: number;
  /** of those, the ones with a crashed session in the window */
  crashedUsers: number;
}

export interface ReleaseHealth extends SessionTotals {
  crashFreeSessions: number | null;
  crashFreeUsers: number | null;
  /** sessions − errored − abnormal − crashed */
  healthy: number;
}

export const EMPTY_TOTALS: SessionTotals = { sessions: 0, errored: 0, abnormal: 0, crashed: 0, users: 0, crashedUsers: 0 };

export function computeHealth(t: SessionTotals): ReleaseHealth {
  return {
    ...t,
    crashFreeSessions: t.sessions > 0 ? _percent(1 - t.crashed / t.sessions) : null,
    crashFreeUsers: t.users > 0 ? _percent(1 - t.crashedUsers / t.users) : null,
    healthy: Math.max(0, t.sessions - t.errored - t.abnormal - t.crashed),
  };
}

/** Adds b into a (for summing environments or buckets). */
export function addTotals(a: SessionTotals, b: SessionTotals): SessionTotals {
  return {
    sessions: a.sessions + b.sessions, errored: a.errored + b.errored, abnormal: a.abnormal + b.abnormal, crashed: a.crashed + b.crashed,
    users: a.users + b.users, crashedUsers: a.crashedUsers + b.crashedUsers,
  };
}

// --- Internal ---

function _percent(ratio: number): number {
  // keep four decimals: 99.9871 reads better than 99.98712938…
  return Math.round(Math.max(0, ratio) * 1_000_000) / 10_000;
}
