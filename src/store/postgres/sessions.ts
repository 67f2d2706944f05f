import type { SessionStatus } from "../../sessions/parse.ts";
import { aggregateCounts, epochHour, mergeSessionUpdate, type SessionCounts, type SessionHealth, type SessionState, type UserTouch } from "../../sessions/merge.ts";
import type { SessionBucket, SessionHealthRow, SessionReleaseBucket } from "../model/sessions.ts";
import type { WritePlan } from "../write-plan.ts";
import { pgStatement, type PgDb, type PgExecutor } from "./pg-db.ts";
import { sortedByKey } from "./ingest-counters.ts";

/** Hours of session states to keep: Relay drops sessions started more than 5 days ago, plus a day (as on SQLite). */
const STATE_RETENTION_HOURS = 6 * 24;

/** Hours a user's latest session is remembered: the longest health window (90 days) plus a day. */
const USER_RETENTION_HOURS = 91 * 24;

/** Rows one prune statement deletes at most; the next write continues when more were due. */
export const SESSION_PRUNE_BATCH = 5_000;

/**
 * The write side of release health on PostgreSQL, run inside the ingest writer's transaction with
 * every session part of a plan. The merge (src/sessions/merge.ts) reads a session's state and a
 * user's marks and writes them back, so two nodes must not merge the same sid or user at once:
 * each key is locked first with a transaction advisory lock (released at commit), sids before
 * users, each set in hash order, so writers queue instead of losing an update (a row lock cannot
 * stand in: the state of a new session has no row yet). Then one upsert per table in key order.
 */
export function createPgSessionWriter() {
  let prunedAtHour = 0;

  return async function writeSessions(tx: PgExecutor, parts: WritePlan["sessions"]): Promise<void> {
    // 1. the states of every sid of the plan, locked
    const sids = [...new Map(parts.flatMap((p) => p.updates.map((u) => [_sidKey(p.projectId, u.sid), { projectId: p.projectId, sid: u.sid }]))).values()];
    await _lock(tx, sids.map((s) => _sidKey(s.projectId, s.sid)));
    const states = new Map<string, SessionState>();
    if (sids.length) {
      const rows = await tx.rows(`SELECT s.* FROM session_states s JOIN unnest($1::bigint[], $2::text[]) AS k(project_id, sid)
        ON s.project_id = k.project_id AND s.sid = k.sid`, [sids.map((s) => s.projectId), sids.map((s) => s.sid)]);
      for (const row of rows) states.set(_sidKey(Number(row.project_id), String(row.sid)), _state(row));
    }
    // 2. merge in order, into per-bucket deltas (a batch touches few buckets) and the users touched
    const deltas = new Map<string, Delta>();
    const bucket = (projectId: number, release: string, environment: string, hour: number): Delta => {
      const key = JSON.stringify([projectId, release, environment, hour]);
      let d = deltas.get(key);
      if (!d) deltas.set(key, d = { projectId, release, environment, hour, sessions: 0, errored: 0, abnormal: 0, crashed: 0, userMarks: 0, crashedUserMarks: 0 });
      return d;
    };
    const changedStates = new Map<string, { projectId: number; sid: string; state: SessionState }>();
    const touches: { projectId: number; user: UserTouch }[] = [];
    const releases = new Map<string, { projectId: number; release: string; nowSec: number }>();
    for (const part of parts) {
      const { projectId } = part;
      for (const update of part.updates) {
        const key = _sidKey(projectId, update.sid);
        const { next, counts, user } = mergeSessionUpdate(states.get(key), update);
        states.set(key, next);
        changedStates.set(key, { projectId, sid: update.sid, state: next });
        _addCounts(bucket(projectId, next.release, next.environment, next.hour), counts);
        if (user) touches.push({ projectId, user });
      }
      for (const agg of part.aggregates) {
        const hour = epochHour(agg.started);
        _addCounts(bucket(projectId, agg.release, agg.environment, hour), aggregateCounts(agg));
        if (agg.did) touches.push({ projectId, user: { release: agg.release, environment: agg.environment, did: agg.did, hour, crashed: agg.crashed > 0 } });
      }
      // a release named only by sessions is a release too, dated by the first job that names it
      for (const d of deltas.values()) {
        const key = JSON.stringify([d.projectId, d.release]);
        if (!releases.has(key)) releases.set(key, { projectId: d.projectId, release: d.release, nowSec: part.receivedAtMs / 1000 });
      }
    }
    // 3. the users touched, locked and read, then their marks moved in order
    const changedUsers = await _touchUsers(tx, touches, bucket);
    // 4. one upsert per table, in key order
    await _putStates(tx, [...changedStates.values()]);
    await _addBuckets(tx, [...deltas.values()]);
    await _putUsers(tx, changedUsers);
    await _addReleases(tx, [...releases.values()]);
    // 5. once an hour, forget the states of sessions too old to be updated (bounded; continued by the next write)
    const hour = epochHour(Math.max(...parts.map((p) => p.receivedAtMs)) / 1000);
    if (hour > prunedAtHour && (await _pruneOnce(tx, hour))) prunedAtHour = hour;
  };
}

/** The read side: health per release and environment over a window ending now, and hourly series. */
export function createPgSessionQueries(db: PgDb) {
  const stmt = {
    health: pgStatement("sessions.health", `SELECT project_id, release, environment, sum(sessions) AS sessions, sum(errored) AS errored,
        sum(abnormal) AS abnormal, sum(crashed) AS crashed, sum(user_marks) AS users, sum(crashed_user_marks) AS crashed_users
      FROM session_hourly WHERE project_id = ANY($1::bigint[]) AND hour >= $2
      GROUP BY project_id, release, environment ORDER BY release COLLATE "C", environment COLLATE "C"`),
    buckets: pgStatement("sessions.buckets", `SELECT release, environment, hour, sessions, errored, abnormal, crashed FROM session_hourly
      WHERE project_id = $1 AND hour >= $2 ORDER BY release COLLATE "C", environment COLLATE "C", hour`),
    series: pgStatement("sessions.series", `SELECT hour, sum(sessions) AS sessions, sum(errored) AS errored, sum(abnormal) AS abnormal, sum(crashed) AS crashed
      FROM session_hourly WHERE project_id = $1 AND release = $2 AND hour >= $3 GROUP BY hour ORDER BY hour`),
    seriesAll: pgStatement("sessions.seriesAll", `SELECT hour, sum(sessions) AS sessions, sum(errored) AS errored, sum(abnormal) AS abnormal, sum(crashed) AS crashed
      FROM session_hourly WHERE project_id = $1 AND hour >= $2 GROUP BY hour ORDER BY hour`),
  };
  return {
    /** Totals per (release, environment) of the given projects, in the order given, for sessions started since `sinceHour`. */
    async sessionHealth(projectIds: readonly number[], sinceHour: number): Promise<SessionHealthRow[]> {
      if (projectIds.length === 0) return [];
      const rows = await db.rows(stmt.health, [projectIds, sinceHour]);
      return projectIds.flatMap((projectId) => rows.filter((r) => Number(r.project_id) === projectId).map((r) => ({
        projectId, release: String(r.release), environment: String(r.environment), sessions: Number(r.sessions), errored: Number(r.errored),
        abnormal: Number(r.abnormal), crashed: Number(r.crashed), users: Number(r.users), crashedUsers: Number(r.crashed_users),
      })));
    },
    sessionBuckets: async (projectId: number, sinceHour: number): Promise<SessionReleaseBucket[]> =>
      (await db.rows(stmt.buckets, [projectId, sinceHour])).map((r) => ({
        release: String(r.release), environment: String(r.environment), hour: Number(r.hour), sessions: Number(r.sessions),
        errored: Number(r.errored), abnormal: Number(r.abnormal), crashed: Number(r.crashed),
      })),
    async sessionSeries(projectId: number, release: string | undefined, sinceHour: number): Promise<SessionBucket[]> {
      const rows = release === undefined ? await db.rows(stmt.seriesAll, [projectId, sinceHour]) : await db.rows(stmt.series, [projectId, release, sinceHour]);
      return rows.map((r) => ({ hour: Number(r.hour), sessions: Number(r.sessions), errored: Number(r.errored), abnormal: Number(r.abnormal), crashed: Number(r.crashed) }));
    },
  };
}

// --- Internal ---

interface Delta extends SessionCounts {
  projectId: number;
  release: string;
  environment: string;
  hour: number;
  userMarks: number;
  crashedUserMarks: number;
}

interface UserRow { projectId: number; release: string; environment: string; did: string; lastHour: number; crashedHour: number | null }

const _sidKey = (projectId: number, sid: string) => JSON.stringify(["sid", projectId, sid]);
const _userKey = (projectId: number, u: { release: string; environment: string; did: string }) => JSON.stringify(["user", projectId, u.release, u.environment, u.did]);

/** Transaction advisory locks on the keys' 64-bit hashes, taken in hash order. */
async function _lock(tx: PgExecutor, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.run(`SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest($1::text[]) AS key ORDER BY 1) AS keys`, [keys]);
}

/** What SQLite's _touchUser does per touch, over the rows of every user touched (read once, locked). */
async function _touchUsers(tx: PgExecutor, touches: readonly { projectId: number; user: UserTouch }[],
  bucket: (projectId: number, release: string, environment: string, hour: number) => Delta): Promise<UserRow[]> {
  if (touches.length === 0) return [];
  const keys = [...new Map(touches.map((t) => [_userKey(t.projectId, t.user), t])).values()];
  await _lock(tx, keys.map((t) => _userKey(t.projectId, t.user)));
  const rows = await tx.rows(`SELECT u.* FROM session_users u JOIN unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS k(project_id, release, environment, did)
    ON u.project_id = k.project_id AND u.release = k.release AND u.environment = k.environment AND u.did = k.did`,
  [keys.map((t) => t.projectId), keys.map((t) => t.user.release), keys.map((t) => t.user.environment), keys.map((t) => t.user.did)]);
  const users = new Map<string, { lastHour: number | undefined; crashedHour: number | null }>();
  for (const r of rows) {
    users.set(_userKey(Number(r.project_id), { release: String(r.release), environment: String(r.environment), did: String(r.did) }),
      { lastHour: Number(r.last_hour), crashedHour: r.crashed_hour === null ? null : Number(r.crashed_hour) });
  }
  const changed = new Map<string, UserRow>();
  for (const { projectId, user: u } of touches) {
    const key = _userKey(projectId, u);
    const row = users.get(key) ?? { lastHour: undefined, crashedHour: null };
    let touched = false;
    if (row.lastHour === undefined || u.hour > row.lastHour) {
      if (row.lastHour !== undefined) bucket(projectId, u.release, u.environment, row.lastHour).userMarks -= 1;
      bucket(projectId, u.release, u.environment, u.hour).userMarks += 1;
      row.lastHour = u.hour;
      touched = true;
    }
    if (u.crashed && (row.crashedHour === null || u.hour > row.crashedHour)) {
      if (row.crashedHour !== null) bucket(projectId, u.release, u.environment, row.crashedHour).crashedUserMarks -= 1;
      bucket(projectId, u.release, u.environment, u.hour).crashedUserMarks += 1;
      row.crashedHour = u.hour;
      touched = true;
    }
    users.set(key, row);
    if (touched) changed.set(key, { projectId, release: u.release, environment: u.environment, did: u.did, lastHour: row.lastHour!, crashedHour: row.crashedHour });
  }
  return [...changed.values()];
}

async function _putStates(tx: PgExecutor, changed: { projectId: number; sid: string; state: SessionState }[]): Promise<void> {
  if (changed.length === 0) return;
  const rows = sortedByKey(changed, (c) => [c.projectId, c.sid]);
  const s = rows.map((r) => r.state);
  // the attributes (release, environment, hour) are fixed by the first update, as on SQLite
  await tx.run(`INSERT INTO session_states (project_id, sid, release, environment, did, hour, health, status, seq, duration)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::bigint[], $10::float8[])
    ON CONFLICT (project_id, sid) DO UPDATE SET did = excluded.did, health = excluded.health, status = excluded.status, seq = excluded.seq,
      duration = excluded.duration`,
  [rows.map((r) => r.projectId), rows.map((r) => r.sid), s.map((x) => x.release), s.map((x) => x.environment), s.map((x) => x.did), s.map((x) => x.hour),
    s.map((x) => x.health), s.map((x) => x.status), s.map((x) => x.seq), s.map((x) => x.duration)]);
}

async function _addBuckets(tx: PgExecutor, deltas: Delta[]): Promise<void> {
  if (deltas.length === 0) return;
  const rows = sortedByKey(deltas, (d) => [d.projectId, d.release, d.environment, d.hour]);
  await tx.run(`INSERT INTO session_hourly AS h (project_id, release, environment, hour, sessions, errored, abnormal, crashed, user_marks, crashed_user_marks)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
    ON CONFLICT (project_id, release, environment, hour) DO UPDATE SET sessions = h.sessions + excluded.sessions, errored = h.errored + excluded.errored,
      abnormal = h.abnormal + excluded.abnormal, crashed = h.crashed + excluded.crashed, user_marks = h.user_marks + excluded.user_marks,
      crashed_user_marks = h.crashed_user_marks + excluded.crashed_user_marks`,
  [rows.map((d) => d.projectId), rows.map((d) => d.release), rows.map((d) => d.environment), rows.map((d) => d.hour), rows.map((d) => d.sessions),
    rows.map((d) => d.errored), rows.map((d) => d.abnormal), rows.map((d) => d.crashed), rows.map((d) => d.userMarks), rows.map((d) => d.crashedUserMarks)]);
}

async function _putUsers(tx: PgExecutor, changed: UserRow[]): Promise<void> {
  if (changed.length === 0) return;
  const rows = sortedByKey(changed, (u) => [u.projectId, u.release, u.environment, u.did]);
  await tx.run(`INSERT INTO session_users (project_id, release, environment, did, last_hour, crashed_hour)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[])
    ON CONFLICT (project_id, release, environment, did) DO UPDATE SET last_hour = excluded.last_hour, crashed_hour = excluded.crashed_hour`,
  [rows.map((u) => u.projectId), rows.map((u) => u.release), rows.map((u) => u.environment), rows.map((u) => u.did), rows.map((u) => u.lastHour),
    rows.map((u) => u.crashedHour)]);
}

/** Organization releases (and their projects) for the releases sessions name; existing ones are kept as they are. */
async function _addReleases(tx: PgExecutor, releases: { projectId: number; release: string; nowSec: number }[]): Promise<void> {
  if (releases.length === 0) return;
  const values = [releases.map((r) => r.projectId), releases.map((r) => r.release), releases.map((r) => r.nowSec)];
  await tx.run(`INSERT INTO org_releases (organization_id, version, date_created)
    SELECT p.organization_id, v.version, v.now FROM unnest($1::bigint[], $2::text[], $3::float8[]) WITH ORDINALITY AS v(project_id, version, now, n)
    JOIN projects p ON p.id = v.project_id ORDER BY p.organization_id, v.version, v.n
    ON CONFLICT (organization_id, version) DO NOTHING`, values);
  await tx.run(`INSERT INTO org_release_projects (release_id, project_id)
    SELECT r.id, p.id FROM unnest($1::bigint[], $2::text[], $3::float8[]) AS v(project_id, version, now)
    JOIN projects p ON p.id = v.project_id JOIN org_releases r ON r.organization_id = p.organization_id AND r.version = v.version
    ORDER BY r.id, p.id ON CONFLICT DO NOTHING`, values);
}

/**
 * Deletes session states and users too old to matter, a bounded batch of each; true when nothing
 * more was due. One node at a time (a try-lock): the others skip and try on their next write.
 */
async function _pruneOnce(tx: PgExecutor, hour: number): Promise<boolean> {
  const got = await tx.first<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended('lighttrace:session-prune', 0)) AS ok");
  if (!got?.ok) return false;
  const states = await tx.run(`DELETE FROM session_states WHERE ctid = ANY(ARRAY(SELECT ctid FROM session_states WHERE hour < $1 LIMIT $2))`,
    [hour - STATE_RETENTION_HOURS, SESSION_PRUNE_BATCH]);
  // a user's marks stay in their (old) hour, outside every window; the row is only needed to move them
  const users = await tx.run(`DELETE FROM session_users WHERE ctid = ANY(ARRAY(SELECT ctid FROM session_users WHERE last_hour < $1 LIMIT $2))`,
    [hour - USER_RETENTION_HOURS, SESSION_PRUNE_BATCH]);
  return states < SESSION_PRUNE_BATCH && users < SESSION_PRUNE_BATCH;
}

function _addCounts(d: Delta, c: SessionCounts): void {
  d.sessions += c.sessions;
  d.errored += c.errored;
  d.abnormal += c.abnormal;
  d.crashed += c.crashed;
}

function _state(r: Record<string, unknown>): SessionState {
  return {
    release: String(r.release), environment: String(r.environment), did: r.did === null ? null : String(r.did), hour: Number(r.hour),
    health: Number(r.health) as SessionHealth, status: r.status as SessionStatus, seq: Number(r.seq), duration: r.duration === null ? null : Number(r.duration),
  };
}
