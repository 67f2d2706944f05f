import type { SessionAggregate, SessionStatus, SessionUpdate } from "../../sessions/parse.ts";
import { aggregateCounts, epochHour, mergeSessionUpdate, type SessionCounts, type SessionHealth, type SessionState, type UserTouch } from "../../sessions/merge.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { SessionHealthRow, SessionBucket, SessionReleaseBucket } from "../model/sessions.ts";

/** Hours of session states to keep: Relay drops sessions started more than 5 days ago, plus a day. */
const STATE_RETENTION_HOURS = 6 * 24;

/** Hours a user's latest session is remembered: the longest health window (90 days) plus a day. */
const USER_RETENTION_HOURS = 91 * 24;

/** The write side, called by the ingest writer inside its transaction for each job. */
export function createSessionWriter(db: SqliteDatabase) {
  const stmt = {
    getState: db.prepare("SELECT release, environment, did, hour, health, status, seq, duration FROM session_states WHERE project_id = ? AND sid = ?"),
    putState: db.prepare(`INSERT INTO session_states (project_id, sid, release, environment, did, hour, health, status, seq, duration)
      VALUES (@projectId, @sid, @release, @environment, @did, @hour, @health, @status, @seq, @duration)
      ON CONFLICT (project_id, sid) DO UPDATE SET did = excluded.did, health = excluded.health, status = excluded.status,
        seq = excluded.seq, duration = excluded.duration`),
    addCounts: db.prepare(`INSERT INTO session_hourly (project_id, release, environment, hour, sessions, errored, abnormal, crashed, user_marks, crashed_user_marks)
      VALUES (@projectId, @release, @environment, @hour, @sessions, @errored, @abnormal, @crashed, @userMarks, @crashedUserMarks)
      ON CONFLICT (project_id, release, environment, hour) DO UPDATE SET sessions = sessions + excluded.sessions,
        errored = errored + excluded.errored, abnormal = abnormal + excluded.abnormal, crashed = crashed + excluded.crashed,
        user_marks = user_marks + excluded.user_marks, crashed_user_marks = crashed_user_marks + excluded.crashed_user_marks`),
    getUser: db.prepare("SELECT last_hour, crashed_hour FROM session_users WHERE project_id = ? AND release = ? AND environment = ? AND did = ?"),
    putUser: db.prepare(`INSERT INTO session_users (project_id, release, environment, did, last_hour, crashed_hour) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (project_id, release, environment, did) DO UPDATE SET last_hour = excluded.last_hour, crashed_hour = excluded.crashed_hour`),
    prune: db.prepare("DELETE FROM session_states WHERE hour < ?"),
    pruneUsers: db.prepare("DELETE FROM session_users WHERE last_hour < ?"),
    // a release named only by sessions is a release too (as one named by an event, store/releases.ts)
    addRelease: db.prepare(`INSERT OR IGNORE INTO org_releases (organization_id, version, date_created)
      SELECT organization_id, @release, @now FROM projects WHERE id = @projectId`),
    addReleaseProject: db.prepare(`INSERT OR IGNORE INTO org_release_projects (release_id, project_id)
      SELECT r.id, p.id FROM projects p JOIN org_releases r ON r.organization_id = p.organization_id AND r.version = @release WHERE p.id = @projectId`),
  };

  let prunedAtHour = 0;

  return function writeSessions(projectId: number, updates: readonly SessionUpdate[], aggregates: readonly SessionAggregate[], receivedAtMs: number): void {
    // 1. merge into per-bucket deltas first: a batch of updates touches few buckets
    const deltas = new Map<string, Delta>();
    const bucket = (release: string, environment: string, hour: number): Delta => {
      const key = `${hour}\u0000${environment}\u0000${release}`;
      let d = deltas.get(key);
      if (!d) deltas.set(key, d = { release, environment, hour, sessions: 0, errored: 0, abnormal: 0, crashed: 0, userMarks: 0, crashedUserMarks: 0 });
      return d;
    };
    for (const update of updates) {
      const prev = _state(stmt.getState.get(projectId, update.sid));
      const { next, counts, user } = mergeSessionUpdate(prev, update);
      stmt.putState.run({ projectId, sid: update.sid, ...next });
      _addCounts(bucket(next.release, next.environment, next.hour), counts);
      if (user) _touchUser(user, projectId, stmt, bucket);
    }
    for (const agg of aggregates) {
      const hour = epochHour(agg.started);
      _addCounts(bucket(agg.release, agg.environment, hour), aggregateCounts(agg));
      if (agg.did) _touchUser({ release: agg.release, environment: agg.environment, did: agg.did, hour, crashed: agg.crashed > 0 }, projectId, stmt, bucket);
    }
    // 2. one upsert per touched bucket, and each release made known (INSERT OR IGNORE)
    const releases = new Set<string>();
    for (const d of deltas.values()) {
      stmt.addCounts.run({ projectId, ...d });
      releases.add(d.release);
    }
    for (const release of releases) {
      stmt.addRelease.run({ projectId, release, now: receivedAtMs / 1000 });
      stmt.addReleaseProject.run({ projectId, release });
    }
    // 3. once an hour, forget the states of sessions too old to be updated
    const hour = epochHour(receivedAtMs / 1000);
    if (hour > prunedAtHour) {
      prunedAtHour = hour;
      stmt.prune.run(hour - STATE_RETENTION_HOURS);
      // a user's marks stay in their (old) hour, outside every window; the row is only needed to move them
      stmt.pruneUsers.run(hour - USER_RETENTION_HOURS);
    }
  };
}

/** The read side: health per release and environment over a window ending now, and hourly series. */
export function createSessionQueries(db: SqliteDatabase) {
  const stmt = {
    health: db.prepare(`SELECT release, environment, sum(sessions) AS sessions, sum(errored) AS errored, sum(abnormal) AS abnormal,
        sum(crashed) AS crashed, sum(user_marks) AS users, sum(crashed_user_marks) AS crashed_users
      FROM session_hourly WHERE project_id = ? AND hour >= ? GROUP BY release, environment`),
    series: db.prepare(`SELECT hour, sum(sessions) AS sessions, sum(errored) AS errored, sum(abnormal) AS abnormal, sum(crashed) AS crashed
      FROM session_hourly WHERE project_id = ? AND release = ? AND hour >= ? GROUP BY hour ORDER BY hour`),
    buckets: db.prepare(`SELECT release, environment, hour, sessions, errored, abnormal, crashed FROM session_hourly
      WHERE project_id = ? AND hour >= ?`),
    seriesAll: db.prepare(`SELECT hour, sum(sessions) AS sessions, sum(errored) AS errored, sum(abnormal) AS abnormal, sum(crashed) AS crashed
      FROM session_hourly WHERE project_id = ? AND hour >= ? GROUP BY hour ORDER BY hour`),
  };
  return {
    /** Totals per (release, environment) of the given projects for sessions started since `sinceHour`. */
    sessionHealth(projectIds: readonly number[], sinceHour: number): SessionHealthRow[] {
      const out: SessionHealthRow[] = [];
      for (const projectId of projectIds) {
        for (const r of stmt.health.all(projectId, sinceHour) as Record<string, number | string>[]) {
          out.push({
            projectId, release: String(r.release), environment: String(r.environment), sessions: Number(r.sessions), errored: Number(r.errored),
            abnormal: Number(r.abnormal), crashed: Number(r.crashed), users: Number(r.users), crashedUsers: Number(r.crashed_users),
          });
        }
      }
      return out;
    },
    /** Every (release, environment, hour) bucket of the project since `sinceHour` (charts of many releases). */
    sessionBuckets(projectId: number, sinceHour: number): SessionReleaseBucket[] {
      return (stmt.buckets.all(projectId, sinceHour) as Record<string, unknown>[]).map((r) => ({
        release: String(r.release), environment: String(r.environment), hour: Number(r.hour), sessions: Number(r.sessions),
        errored: Number(r.errored), abnormal: Number(r.abnormal), crashed: Number(r.crashed),
      }));
    },
    /** Hourly session counts of one release (or all, when release is undefined) since `sinceHour`. */
    sessionSeries(projectId: number, release: string | undefined, sinceHour: number): SessionBucket[] {
      const rows = (release === undefined ? stmt.seriesAll.all(projectId, sinceHour) : stmt.series.all(projectId, release, sinceHour)) as Record<string, number>[];
      return rows.map((r) => ({ hour: r.hour!, sessions: r.sessions!, errored: r.errored!, abnormal: r.abnormal!, crashed: r.crashed! }));
    },
  };
}

// --- Internal ---

interface Delta extends SessionCounts {
  release: string;
  environment: string;
  hour: number;
  userMarks: number;
  crashedUserMarks: number;
}

function _addCounts(d: Delta, c: SessionCounts): void {
  d.sessions += c.sessions;
  d.errored += c.errored;
  d.abnormal += c.abnormal;
  d.crashed += c.crashed;
}

/** Moves the user's marks to the latest hour they were seen (and crashed) in. */
function _touchUser(
  u: UserTouch,
  projectId: number,
  stmt: { getUser: { get: (...a: unknown[]) => unknown }; putUser: { run: (...a: unknown[]) => unknown } },
  bucket: (release: string, environment: string, hour: number) => Delta,
): void {
  const row = stmt.getUser.get(projectId, u.release, u.environment, u.did) as { last_hour: number; crashed_hour: number | null } | undefined;
  let lastHour = row?.last_hour;
  let crashedHour = row?.crashed_hour ?? null;
  let changed = false;
  if (lastHour === undefined || u.hour > lastHour) {
    if (lastHour !== undefined) bucket(u.release, u.environment, lastHour).userMarks -= 1;
    bucket(u.release, u.environment, u.hour).userMarks += 1;
    lastHour = u.hour;
    changed = true;
  }
  if (u.crashed && (crashedHour === null || u.hour > crashedHour)) {
    if (crashedHour !== null) bucket(u.release, u.environment, crashedHour).crashedUserMarks -= 1;
    bucket(u.release, u.environment, u.hour).crashedUserMarks += 1;
    crashedHour = u.hour;
    changed = true;
  }
  if (changed) stmt.putUser.run(projectId, u.release, u.environment, u.did, lastHour, crashedHour);
}

function _state(row: unknown): SessionState | undefined {
  if (!row) return undefined;
  const r = row as Record<string, unknown>;
  return {
    release: String(r.release), environment: String(r.environment), did: r.did === null ? null : String(r.did), hour: Number(r.hour),
    health: Number(r.health) as SessionHealth, status: r.status as SessionStatus, seq: Number(r.seq), duration: r.duration === null ? null : Number(r.duration),
  };
}
