import type {
  ReleaseChanges, ReleaseCommit, ReleaseCommitFile, ReleaseDeploy, ReleaseRecord, ReleaseStore,
} from "../model/releases.ts";
import { pgStatement, type PgDb, type PgExecutor } from "./pg-db.ts";

/**
 * Organization releases with their projects, commits, head refs and deploys on PostgreSQL, as on
 * SQLite (src/store/sqlite/releases.ts). A record is read in three statements whatever the number
 * of releases (summary columns, projects, authors), not one round trip per field and release.
 * Creating a version is `INSERT … ON CONFLICT DO NOTHING`, so two nodes (or two CI jobs) creating
 * it at once make one release, and the later one fills it.
 */
export function createPgReleaseQueries(db: PgDb): ReleaseStore {
  const stmt = {
    idByVersion: pgStatement("releases.idByVersion", "SELECT id FROM org_releases WHERE organization_id = $1 AND version = $2"),
    deploys: pgStatement("releases.deploys", "SELECT * FROM release_deploys WHERE release_id = $1 ORDER BY date_finished DESC, id DESC"),
    commits: pgStatement("releases.commits", "SELECT * FROM release_commits WHERE release_id = $1 ORDER BY position"),
    files: pgStatement("releases.files", `SELECT f.commit_row_id, f.path, f.change_type FROM release_commit_files f
      JOIN release_commits c ON c.id = f.commit_row_id WHERE c.release_id = $1 ORDER BY f.commit_row_id, f.path`),
  };

  const byVersion = async (q: PgExecutor, organizationId: number, version: string): Promise<ReleaseRecord | undefined> => {
    const row = await q.first<{ id: number }>(stmt.idByVersion, [organizationId, version]);
    return row ? (await _records(q, [row.id]))[0] : undefined;
  };

  return {
    async upsertRelease(input) {
      return db.transaction(async (tx) => {
        const inserted = await tx.first<{ id: number }>(`INSERT INTO org_releases (organization_id, version, ref, url, date_created, date_started, date_released)
          VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organization_id, version) DO NOTHING RETURNING id`,
        [input.organizationId, input.version, input.ref ?? null, input.url ?? null, input.now, input.dateStarted ?? null, input.dateReleased ?? null]);
        let id: number;
        if (inserted) {
          id = inserted.id;
          await _addProjects(tx, id, input.projectIds);
        } else {
          // READ COMMITTED: this statement sees the row the conflicting writer committed
          id = (await tx.first<{ id: number }>(`SELECT id FROM org_releases WHERE organization_id = $1 AND version = $2 FOR UPDATE`,
            [input.organizationId, input.version]))!.id;
          await _applyChanges(tx, id, input);
        }
        return { release: (await _records(tx, [id]))[0]!, created: Boolean(inserted) };
      });
    },
    async updateRelease(organizationId, version, changes) {
      return db.transaction(async (tx) => {
        const existing = await tx.first<{ id: number }>("SELECT id FROM org_releases WHERE organization_id = $1 AND version = $2 FOR UPDATE", [organizationId, version]);
        if (!existing) return undefined;
        await _applyChanges(tx, existing.id, changes);
        return (await _records(tx, [existing.id]))[0];
      });
    },
    getRelease: (organizationId, version) => byVersion(db, organizationId, version),
    async listReleases(organizationId, opts) {
      const rows = opts.projectId === undefined
        ? await db.rows<{ id: number }>("SELECT id FROM org_releases WHERE organization_id = $1 ORDER BY date_created DESC, id DESC LIMIT $2 OFFSET $3",
          [organizationId, opts.limit, opts.offset])
        : await db.rows<{ id: number }>(`SELECT r.id FROM org_releases r JOIN org_release_projects rp ON rp.release_id = r.id
            WHERE r.organization_id = $1 AND rp.project_id = $2 ORDER BY r.date_created DESC, r.id DESC LIMIT $3 OFFSET $4`,
          [organizationId, opts.projectId, opts.limit, opts.offset]);
      return _records(db, rows.map((r) => r.id));
    },
    async previousReleaseWithCommits(organizationId, version) {
      const row = await db.first<{ id: number }>(`SELECT r.id FROM org_releases r WHERE r.organization_id = $1 AND r.version <> $2
        AND EXISTS (SELECT 1 FROM release_commits c WHERE c.release_id = r.id) ORDER BY r.date_created DESC, r.id DESC LIMIT 1`, [organizationId, version]);
      return row ? (await _records(db, [row.id]))[0] : undefined;
    },
    async listReleaseCommits(releaseId) {
      const files = new Map<number, ReleaseCommitFile[]>();
      for (const f of await db.rows(stmt.files, [releaseId])) {
        const list = files.get(Number(f.commit_row_id)) ?? [];
        list.push({ path: String(f.path), type: String(f.change_type) });
        files.set(Number(f.commit_row_id), list);
      }
      return (await db.rows(stmt.commits, [releaseId])).map((row) => ({ ..._commit(row), files: files.get(Number(row.id)) ?? [] }));
    },
    listReleaseHeadCommits: async (releaseId) =>
      (await db.rows("SELECT * FROM release_head_commits WHERE release_id = $1 ORDER BY repository", [releaseId]))
        .map((h) => ({ repository: String(h.repository), commit: String(h.commit_id), previousCommit: _str(h.previous_commit_id) })),
    addDeploy: async (releaseId, d) => _deploy((await db.first(`INSERT INTO release_deploys (release_id, environment, name, url, date_started, date_finished)
      VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`, [releaseId, d.environment, d.name, d.url, d.dateStarted, d.dateFinished]))!),
    listDeploys: async (releaseId) => (await db.rows(stmt.deploys, [releaseId])).map(_deploy),
    async deleteRelease(releaseId) {
      // projects, commits (and their files), refs and deploys go with it (ON DELETE CASCADE)
      await db.run("DELETE FROM org_releases WHERE id = $1", [releaseId]);
    },
  };
}

// --- Internal ---

type Row = Record<string, unknown>;

const _str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const _num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function _addProjects(tx: PgExecutor, releaseId: number, projectIds: readonly number[]): Promise<void> {
  if (projectIds.length === 0) return;
  await tx.run(`INSERT INTO org_release_projects (release_id, project_id) SELECT $1, p FROM unnest($2::bigint[]) AS p ORDER BY p
    ON CONFLICT DO NOTHING`, [releaseId, [...new Set(projectIds)]]);
}

/** What SQLite's applyChanges does: fill the given fields, add projects, replace commits and refs when given. */
async function _applyChanges(tx: PgExecutor, id: number, changes: ReleaseChanges): Promise<void> {
  await tx.run(`UPDATE org_releases SET ref = coalesce($2, ref), url = coalesce($3, url), date_started = coalesce($4, date_started),
    date_released = coalesce($5, date_released), status = coalesce($6, status) WHERE id = $1`,
  [id, changes.ref ?? null, changes.url ?? null, changes.dateStarted ?? null, changes.dateReleased ?? null, changes.status ?? null]);
  await _addProjects(tx, id, changes.projectIds ?? []);
  if (changes.commits) {
    await tx.run("DELETE FROM release_commits WHERE release_id = $1", [id]);
    // a repeated commit id is ignored, and so are its files (the first mention wins)
    const seen = new Set<string>();
    const commits = changes.commits.map((c, position) => ({ ...c, position })).filter((c) => !seen.has(c.id) && Boolean(seen.add(c.id)));
    if (commits.length) {
      const inserted = await tx.rows<{ id: number; commit_id: string }>(`INSERT INTO release_commits (release_id, position, commit_id, repository, message,
          author_name, author_email, timestamp)
        SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[]) RETURNING id, commit_id`,
      [id, commits.map((c) => c.position), commits.map((c) => c.id), commits.map((c) => c.repository), commits.map((c) => c.message),
        commits.map((c) => c.authorName), commits.map((c) => c.authorEmail), commits.map((c) => c.timestampSec)]);
      const rowOf = new Map(inserted.map((r) => [r.commit_id, r.id]));
      const files = new Map<string, { rowId: number; path: string; type: string }>();
      for (const c of commits) {
        for (const f of c.files) {
          const key = `${c.id}\u0000${f.path}`;
          if (!files.has(key)) files.set(key, { rowId: rowOf.get(c.id)!, path: f.path, type: f.type });
        }
      }
      const list = [...files.values()];
      if (list.length) {
        await tx.run(`INSERT INTO release_commit_files (commit_row_id, path, change_type) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
          [list.map((f) => f.rowId), list.map((f) => f.path), list.map((f) => f.type)]);
      }
    }
  }
  if (changes.headCommits) {
    await tx.run("DELETE FROM release_head_commits WHERE release_id = $1", [id]);
    // a repository named twice keeps its last ref, as SQLite's upsert per row does
    const heads = [...new Map(changes.headCommits.map((h) => [h.repository, h])).values()];
    if (heads.length) {
      await tx.run(`INSERT INTO release_head_commits (release_id, repository, commit_id, previous_commit_id)
        SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])`,
      [id, heads.map((h) => h.repository), heads.map((h) => h.commit), heads.map((h) => h.previousCommit)]);
    }
  }
}

/** Full records of the given releases, in the given order (ids that do not exist are left out). */
async function _records(q: PgExecutor, ids: readonly number[]): Promise<ReleaseRecord[]> {
  if (ids.length === 0) return [];
  // one after another: inside a transaction `q` is one connection, which runs one query at a time
  const rows = await q.rows(`SELECT r.*,
        (SELECT min(x.first_event) FROM org_release_projects rp JOIN releases x ON x.project_id = rp.project_id AND x.version = r.version
          WHERE rp.release_id = r.id) AS first_event,
        (SELECT max(x.last_event) FROM org_release_projects rp JOIN releases x ON x.project_id = rp.project_id AND x.version = r.version
          WHERE rp.release_id = r.id) AS last_event,
        (SELECT count(*) FROM org_release_projects rp JOIN issues i ON i.project_id = rp.project_id AND i.first_release = r.version
          WHERE rp.release_id = r.id) AS new_groups,
        (SELECT count(*) FROM release_commits c WHERE c.release_id = r.id) AS commit_count,
        (SELECT count(*) FROM release_deploys d WHERE d.release_id = r.id) AS deploy_count,
        to_jsonb(fc) AS first_commit, to_jsonb(ld) AS last_deploy
      FROM org_releases r
      LEFT JOIN LATERAL (SELECT * FROM release_commits c WHERE c.release_id = r.id ORDER BY c.position LIMIT 1) fc ON true
      LEFT JOIN LATERAL (SELECT * FROM release_deploys d WHERE d.release_id = r.id ORDER BY d.date_finished DESC, d.id DESC LIMIT 1) ld ON true
      WHERE r.id = ANY($1::bigint[])`, [ids]);
  const projects = await q.rows(`SELECT rp.release_id, p.id, p.slug, p.name, p.platform FROM org_release_projects rp JOIN projects p ON p.id = rp.project_id
      WHERE rp.release_id = ANY($1::bigint[]) ORDER BY p.slug`, [ids]);
  // distinct authors (by email, else name) as their first commit names them, in commit order, 50 per release
  const authors = await q.rows(`SELECT release_id, author_name, author_email FROM (
        SELECT release_id, author_name, author_email, position, row_number() OVER (PARTITION BY release_id ORDER BY position) AS n FROM (
          SELECT DISTINCT ON (release_id, coalesce(author_email, author_name)) release_id, author_name, author_email, position FROM release_commits
          WHERE release_id = ANY($1::bigint[]) AND (author_email IS NOT NULL OR author_name IS NOT NULL)
          ORDER BY release_id, coalesce(author_email, author_name), position) AS firsts) AS numbered
      WHERE n <= 50 ORDER BY release_id, position`, [ids]);
  const projectsOf = _groupBy(projects, (p) => ({ id: Number(p.id), slug: String(p.slug), name: String(p.name), platform: _str(p.platform) }));
  const authorsOf = _groupBy(authors, (a) => ({ name: _str(a.author_name), email: _str(a.author_email) }));
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [{
      id,
      organizationId: Number(row.organization_id),
      version: String(row.version),
      ref: _str(row.ref),
      url: _str(row.url),
      dateCreated: Number(row.date_created),
      dateStarted: _num(row.date_started),
      dateReleased: _num(row.date_released),
      status: row.status === "archived" ? "archived" : "open",
      projects: projectsOf.get(id) ?? [],
      firstEvent: _num(row.first_event),
      lastEvent: _num(row.last_event),
      newGroups: Number(row.new_groups),
      commitCount: Number(row.commit_count),
      lastCommit: row.first_commit ? _commit(row.first_commit as Row) : null,
      deployCount: Number(row.deploy_count),
      lastDeploy: row.last_deploy ? _deploy(row.last_deploy as Row) : null,
      authors: authorsOf.get(id) ?? [],
    } satisfies ReleaseRecord];
  });
}

function _groupBy<T>(rows: readonly Row[], map: (row: Row) => T): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const id = Number(row.release_id);
    const list = out.get(id) ?? [];
    list.push(map(row));
    out.set(id, list);
  }
  return out;
}

function _commit(row: Row): ReleaseCommit {
  return {
    id: String(row.commit_id), repository: _str(row.repository), message: _str(row.message), authorName: _str(row.author_name),
    authorEmail: _str(row.author_email), timestampSec: _num(row.timestamp),
  };
}

function _deploy(row: Row): ReleaseDeploy {
  return {
    id: Number(row.id), environment: String(row.environment), name: _str(row.name), url: _str(row.url),
    dateStarted: _num(row.date_started), dateFinished: Number(row.date_finished),
  };
}
