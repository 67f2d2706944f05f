import type { SessionAggregate, SessionStatus, SessionUpdate } from "./parse.ts";

/**
 * Merging session updates by `sid` into counters (pure). A session is counted once, in the hour it
 * started, by its worst outcome so far: healthy < errored < abnormal < crashed. It counts on the
 * first update seen for its sid, `init` or not: keeping the sid's state dedupes SDK retries, and a
 * lost or late init update does not lose the session. Health only rises,
 * so the counters do not depend on the order updates arrive in; status and duration follow the
 * highest `seq` (the latest update carries the full state).
 */
export const HEALTHY = 0;
export const ERRORED = 1;
export const ABNORMAL = 2;
export const CRASHED = 3;
export type SessionHealth = typeof HEALTHY | typeof ERRORED | typeof ABNORMAL | typeof CRASHED;

/** What is kept per session between its updates. Attributes are fixed by the first update. */
export interface SessionState {
  release: string;
  environment: string;
  did: string | null;
  /** epoch hour the session started in: the bucket it counts in */
  hour: number;
  health: SessionHealth;
  status: SessionStatus;
  seq: number;
  duration: number | null;
}

/** Additions to one (release, environment, hour) bucket; `errored` excludes abnormal and crashed. */
export interface SessionCounts {
  sessions: number;
  errored: number;
  abnormal: number;
  crashed: number;
}

/** A user (`did`) touched by a session update: seen in `hour`, and crashed there when `crashed`. */
export interface UserTouch {
  release: string;
  environment: string;
  did: string;
  hour: number;
  crashed: boolean;
}

/** The health an update reports: a crash or abnormal end, else errored when errors > 0. */
export function healthOf(status: SessionStatus, errors: number): SessionHealth {
  if (status === "crashed") return CRASHED;
  if (status === "abnormal") return ABNORMAL;
  return status === "errored" || errors > 0 ? ERRORED : HEALTHY;
}

/**
 * The session's state after `update` and what changes in its bucket: a new session adds 1 to
 * `sessions` (and to its health's column); a worse outcome moves it from one column to another.
 * @example mergeSessionUpdate(undefined, {status: "ok", errors: 0, …}).counts // {sessions: 1, errored: 0, …}
 */
export function mergeSessionUpdate(prev: SessionState | undefined, update: SessionUpdate): { next: SessionState; counts: SessionCounts; user?: UserTouch } {
  const counts: SessionCounts = { sessions: 0, errored: 0, abnormal: 0, crashed: 0 };
  const reported = healthOf(update.status, update.errors);
  let next: SessionState;
  if (!prev) {
    next = {
      release: update.release, environment: update.environment, did: update.did ?? null, hour: epochHour(update.started),
      health: reported, status: update.status, seq: update.seq, duration: update.duration ?? null,
    };
    counts.sessions = 1;
    _add(counts, reported, 1);
  } else {
    const health = Math.max(prev.health, reported) as SessionHealth;
    const isLatest = update.seq >= prev.seq;
    next = {
      ...prev,
      did: prev.did ?? update.did ?? null,
      health,
      status: isLatest ? update.status : prev.status,
      seq: Math.max(prev.seq, update.seq),
      duration: isLatest ? update.duration ?? prev.duration : prev.duration,
    };
    if (health !== prev.health) {
      _add(counts, prev.health, -1);
      _add(counts, health, 1);
    }
  }
  // the user is touched when the session is new, gains its did, or just crashed (nothing else moves its marks)
  const touchesUser = next.did !== null && (!prev || prev.did !== next.did || (next.health === CRASHED && prev.health !== CRASHED));
  const user = touchesUser ? { release: next.release, environment: next.environment, did: next.did!, hour: next.hour, crashed: next.health === CRASHED } : undefined;
  return user ? { next, counts, user } : { next, counts };
}

/** An aggregate entry's additions to its bucket (its total is the sum of its four outcomes). */
export function aggregateCounts(a: SessionAggregate): SessionCounts {
  return { sessions: a.exited + a.errored + a.abnormal + a.crashed, errored: a.errored, abnormal: a.abnormal, crashed: a.crashed };
}

export function epochHour(seconds: number): number {
  return Math.floor(seconds / 3600);
}

// --- Internal ---

function _add(counts: SessionCounts, health: SessionHealth, n: number): void {
  if (health === ERRORED) counts.errored += n;
  else if (health === ABNORMAL) counts.abnormal += n;
  else if (health === CRASHED) counts.crashed += n;
}
