import type pg from "pg";

/** What a take answers (the same shape as src/api/attempt-limiter.ts's AttemptVerdict). */
export type PgAttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Fixed-window attempt counters shared by every node (the login throttle's AttemptLimiter on
 * PostgreSQL): one `cluster_attempts` row per key. A take upserts the keys in key order (so two
 * takes never deadlock), which locks their rows and restarts ended windows, checks every limit,
 * and counts the attempt on all keys or none, in one transaction: N nodes together allow exactly
 * a key's limit, not N times it.
 */
export class PgAttemptCounters {
  private readonly pool: pg.Pool;
  private takesSincePrune = 0;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async take(keys: readonly { key: string; limit: number }[], nowMs: number, windowMs: number): Promise<PgAttemptVerdict> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ key: string; window_start_ms: number; used: number }>(
        `INSERT INTO cluster_attempts AS a (key, window_start_ms, used)
           SELECT k, $2, 0 FROM unnest($1::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i
         ON CONFLICT (key) DO UPDATE SET
           window_start_ms = CASE WHEN $2 - a.window_start_ms >= $3 THEN $2 ELSE a.window_start_ms END,
           used = CASE WHEN $2 - a.window_start_ms >= $3 THEN 0 ELSE a.used END
         RETURNING key, window_start_ms, used`,
        [sorted.map((k) => k.key), nowMs, windowMs],
      );
      let retryAfterMs = 0;
      for (const row of rows) {
        const limit = sorted.find((k) => k.key === row.key)!.limit;
        if (row.used >= limit) retryAfterMs = Math.max(retryAfterMs, row.window_start_ms + windowMs - nowMs, 1);
      }
      if (retryAfterMs > 0) {
        await client.query("ROLLBACK");
        return { allowed: false, retryAfterMs };
      }
      await client.query("UPDATE cluster_attempts SET used = used + 1 WHERE key = ANY($1::text[])", [sorted.map((k) => k.key)]);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    // rows of ended windows are kept until some later take clears them, a few at a time
    if (++this.takesSincePrune >= 100) {
      this.takesSincePrune = 0;
      await this.pool.query("DELETE FROM cluster_attempts WHERE window_start_ms < $1", [nowMs - windowMs]).catch(() => undefined);
    }
    return { allowed: true };
  }

  async giveBack(keys: readonly string[], nowMs: number, windowMs: number): Promise<void> {
    await this.pool.query(
      "UPDATE cluster_attempts SET used = used - 1 WHERE key = ANY($1::text[]) AND $2 - window_start_ms < $3 AND used > 0",
      [[...keys], nowMs, windowMs],
    );
  }
}

/**
 * Error events per (project, minute) counted by every node: one upsert per admitted request of a
 * project with a per-minute limit, which returns the minute's total across nodes. The row lock
 * orders concurrent requests, so the total is exact. Rows of past minutes are deleted now and then.
 */
export class PgMinuteCounters {
  private readonly pool: pg.Pool;
  private addsSincePrune = 0;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Adds `n` (negative: gives events back) and returns the minute's new total. */
  async add(projectId: number, minute: number, n: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `INSERT INTO cluster_minute_counts AS c (project_id, minute, n) VALUES ($1, $2, $3)
       ON CONFLICT (project_id, minute) DO UPDATE SET n = c.n + excluded.n RETURNING n`,
      [projectId, minute, n],
    );
    if (++this.addsSincePrune >= 1_000) {
      this.addsSincePrune = 0;
      await this.pool.query("DELETE FROM cluster_minute_counts WHERE minute < $1", [minute - 10]).catch(() => undefined);
    }
    return rows[0]!.n;
  }
}

/**
 * Events per (issue, minute) and the users of each issue with their last sighting, as every node
 * committed them, for the spike and users-affected triggers: a batch's counts
 * are added after its commit (one multi-row upsert, keys in order so two nodes never deadlock),
 * and read once per batch for the issues it touches. Rows older than the longest window (60
 * minutes) are deleted now and then.
 */
export class PgIssueMinuteCounters {
  private readonly pool: pg.Pool;
  private addsSincePrune = 0;
  private userAddsSincePrune = 0;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async read(issueIds: readonly number[], sinceMinute: number): Promise<Map<number, Map<number, number>>> {
    const { rows } = await this.pool.query<{ issue_id: number; minute: number; n: number }>(
      "SELECT issue_id, minute, n FROM cluster_issue_minutes WHERE issue_id = ANY($1::bigint[]) AND minute >= $2",
      [[...issueIds], sinceMinute],
    );
    const byIssue = new Map<number, Map<number, number>>();
    for (const r of rows) {
      let minutes = byIssue.get(Number(r.issue_id));
      if (!minutes) byIssue.set(Number(r.issue_id), (minutes = new Map()));
      minutes.set(Number(r.minute), Number(r.n));
    }
    return byIssue;
  }

  async readUsers(issueIds: readonly number[], sinceSec: readonly number[], users: readonly { issueId: number; userKey: string }[]): Promise<{ counts: Map<number, number[]>; lastSeen: Map<string, number> }> {
    const counts = new Map<number, number[]>();
    if (sinceSec.length > 0) {
      const { rows } = await this.pool.query<{ issue_id: number; i: number; n: number }>(
        `SELECT u.issue_id, w.i, count(*) AS n FROM cluster_issue_users u
           JOIN unnest($2::double precision[]) WITH ORDINALITY AS w(since, i) ON u.last_seen >= w.since
         WHERE u.issue_id = ANY($1::bigint[]) GROUP BY u.issue_id, w.i`,
        [[...issueIds], [...sinceSec]],
      );
      for (const id of issueIds) counts.set(id, sinceSec.map(() => 0));
      for (const r of rows) counts.get(Number(r.issue_id))![Number(r.i) - 1] = Number(r.n);
    }
    const lastSeen = new Map<string, number>();
    if (users.length > 0) {
      const { rows } = await this.pool.query<{ issue_id: number; user_key: string; last_seen: number }>(
        `SELECT u.issue_id, u.user_key, u.last_seen FROM cluster_issue_users u
           JOIN unnest($1::bigint[], $2::text[]) AS b(issue_id, user_key) ON u.issue_id = b.issue_id AND u.user_key = b.user_key`,
        [users.map((u) => u.issueId), users.map((u) => u.userKey)],
      );
      for (const r of rows) lastSeen.set(`${Number(r.issue_id)}:${r.user_key}`, Number(r.last_seen));
    }
    return { counts, lastSeen };
  }

  async addUsers(users: readonly { issueId: number; userKey: string; seenSec: number }[]): Promise<void> {
    const sorted = [...users].sort((a, b) => a.issueId - b.issueId || (a.userKey < b.userKey ? -1 : a.userKey > b.userKey ? 1 : 0));
    await this.pool.query(
      `INSERT INTO cluster_issue_users AS c (issue_id, user_key, last_seen)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::double precision[])
       ON CONFLICT (issue_id, user_key) DO UPDATE SET last_seen = GREATEST(c.last_seen, excluded.last_seen)`,
      [sorted.map((u) => u.issueId), sorted.map((u) => u.userKey), sorted.map((u) => u.seenSec)],
    );
    if (++this.userAddsSincePrune >= 500) {
      this.userAddsSincePrune = 0;
      // the longest users window is a day
      const newest = Math.max(...sorted.map((u) => u.seenSec));
      await this.pool.query("DELETE FROM cluster_issue_users WHERE last_seen < $1", [newest - 86_400]).catch(() => undefined);
    }
  }

  async add(counts: readonly { issueId: number; minute: number; n: number }[]): Promise<void> {
    const sorted = [...counts].sort((a, b) => a.issueId - b.issueId || a.minute - b.minute);
    await this.pool.query(
      `INSERT INTO cluster_issue_minutes AS c (issue_id, minute, n)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
       ON CONFLICT (issue_id, minute) DO UPDATE SET n = c.n + excluded.n`,
      [sorted.map((c) => c.issueId), sorted.map((c) => c.minute), sorted.map((c) => c.n)],
    );
    if (++this.addsSincePrune >= 500) {
      this.addsSincePrune = 0;
      const newest = Math.max(...sorted.map((c) => c.minute));
      await this.pool.query("DELETE FROM cluster_issue_minutes WHERE minute < $1", [newest - 61]).catch(() => undefined);
    }
  }
}
