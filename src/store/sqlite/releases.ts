import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { ReleaseStore, ReleaseInput, ReleaseChanges, ReleaseCommit, ReleaseCommitFile, ReleaseDeploy, ReleaseRecord } from "../model/releases.ts";

/** The SQLite ReleaseStore; statements prepared once. */
export function createReleaseStore(db: SqliteDatabase): ReleaseStore {
  const stmt = {
    byVersion: db.prepare("SELECT * FROM org_releases WHERE organization_id = ? AND version = ?"),
    byId: db.prepare("SELECT * FROM org_releases WHERE id = ?"),
    insert: db.prepare(`INSERT INTO org_releases (organization_id, version, ref, url, date_created, date_started, date_released)
      VALUES (@organizationId, @version, @ref, @url, @now, @dateStarted, @dateReleased)`),
    fill: db.prepare(`UPDATE org_releases SET ref = coalesce(@ref, ref), url = coalesce(@url, url),
      date_started = coalesce(@dateStarted, date_started), date_released = coalesce(@dateReleased, date_released) WHERE id = @id`),
    setStatus: db.prepare("UPDATE org_releases SET status = ? WHERE id = ?"),
    addProject: db.prepare("INSERT OR IGNORE INTO org_release_projects (release_id, project_id) VALUES (?, ?)"),
    projects: db.prepare(`SELECT p.id, p.slug, p.name, p.platform FROM org_release_projects rp JOIN projects p ON p.id = rp.project_id
      WHERE rp.release_id = ? ORDER BY p.slug`),
    eventRange: db.prepare(`SELECT min(r.first_event) AS first_event, max(r.last_event) AS last_event
      FROM org_release_projects rp JOIN releases r ON r.project_id = rp.project_id AND r.version = ? WHERE rp.release_id = ?`),
    newGroups: db.prepare(`SELECT count(*) FROM org_release_projects rp JOIN issues i ON i.project_id = rp.project_id AND i.first_release = ?
      WHERE rp.release_id = ?`).pluck(),
    deleteCommits: db.prepare("DELETE FROM release_commits WHERE release_id = ?"),
    insertCommit: db.prepare(`INSERT OR IGNORE INTO release_commits (release_id, position, commit_id, repository, message, author_name, author_email, timestamp)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    commits: db.prepare("SELECT * FROM release_commits WHERE release_id = ? ORDER BY position"),
    insertFile: db.prepare("INSERT OR IGNORE INTO release_commit_files (commit_row_id, path, change_type) VALUES (?, ?, ?)"),
    files: db.prepare(`SELECT f.commit_row_id, f.path, f.change_type FROM release_commit_files f JOIN release_commits c ON c.id = f.commit_row_id
      WHERE c.release_id = ? ORDER BY f.commit_row_id, f.path`),
    commitStats: db.prepare("SELECT count(*) AS n FROM release_commits WHERE release_id = ?").pluck(),
    firstCommit: db.prepare("SELECT * FROM release_commits WHERE release_id = ? ORDER BY position LIMIT 1"),
    authors: db.prepare(`SELECT author_name, author_email FROM release_commits WHERE release_id = ? AND (author_email IS NOT NULL OR author_name IS NOT NULL)
      GROUP BY coalesce(author_email, author_name) ORDER BY min(position) LIMIT 50`),
    deleteHeads: db.prepare("DELETE FROM release_head_commits WHERE release_id = ?"),
    insertHead: db.prepare(`INSERT INTO release_head_commits (release_id, repository, commit_id, previous_commit_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (release_id, repository) DO UPDATE SET commit_id = excluded.commit_id, previous_commit_id = excluded.previous_commit_id`),
    heads: db.prepare("SELECT * FROM release_head_commits WHERE release_id = ? ORDER BY repository"),
    insertDeploy: db.prepare(`INSERT INTO release_deploys (release_id, environment, name, url, date_started, date_finished)
      VALUES (?, ?, ?, ?, ?, ?)`),
    deployById: db.prepare("SELECT * FROM release_deploys WHERE id = ?"),
    deploys: db.prepare("SELECT * FROM release_deploys WHERE release_id = ? ORDER BY date_finished DESC, id DESC"),
    deployCount: db.prepare("SELECT count(*) FROM release_deploys WHERE release_id = ?").pluck(),
    deleteRelease: db.prepare("DELETE FROM org_releases WHERE id = ?"),
    list: db.prepare(`SELECT * FROM org_releases WHERE organization_id = ? ORDER BY date_created DESC, id DESC LIMIT ? OFFSET ?`),
    listForProject: db.prepare(`SELECT r.* FROM org_releases r JOIN org_release_projects rp ON rp.release_id = r.id
      WHERE r.organization_id = ? AND rp.project_id = ? ORDER BY r.date_created DESC, r.id DESC LIMIT ? OFFSET ?`),
    previousWithCommits: db.prepare(`SELECT r.* FROM org_releases r WHERE r.organization_id = ? AND r.version <> ?
      AND EXISTS (SELECT 1 FROM release_commits c WHERE c.release_id = r.id) ORDER BY r.date_created DESC, r.id DESC LIMIT 1`),
  };

  const record = (r: unknown): ReleaseRecord => {
    const row = r as Row;
    const id = Number(row.id);
    const version = String(row.version);
    const range = stmt.eventRange.get(version, id) as Row;
    const first = stmt.firstCommit.get(id);
    const lastDeploy = stmt.deploys.get(id);
    return {
      id,
      organizationId: Number(row.organization_id),
      version,
      ref: _str(row.ref),
      url: _str(row.url),
      dateCreated: Number(row.date_created),
      dateStarted: _num(row.date_started),
      dateReleased: _num(row.date_released),
      status: row.status === "archived" ? "archived" : "open",
      projects: (stmt.projects.all(id) as Row[]).map((p) => ({ id: Number(p.id), slug: String(p.slug), name: String(p.name), platform: _str(p.platform) })),
      firstEvent: _num(range.first_event),
      lastEvent: _num(range.last_event),
      newGroups: Number(stmt.newGroups.get(version, id)),
      commitCount: Number(stmt.commitStats.get(id)),
      lastCommit: first ? _commit(first) : null,
      deployCount: Number(stmt.deployCount.get(id)),
      lastDeploy: lastDeploy ? _deploy(lastDeploy) : null,
      authors: (stmt.authors.all(id) as Row[]).map((a) => ({ name: _str(a.author_name), email: _str(a.author_email) })),
    };
  };

  const applyChanges = (id: number, changes: ReleaseChanges) => {
    stmt.fill.run({ id, ref: changes.ref ?? null, url: changes.url ?? null, dateStarted: changes.dateStarted ?? null, dateReleased: changes.dateReleased ?? null });
    for (const projectId of changes.projectIds ?? []) stmt.addProject.run(id, projectId);
    if (changes.status) stmt.setStatus.run(changes.status, id);
    if (changes.commits) {
      stmt.deleteCommits.run(id);
      changes.commits.forEach((c, i) => {
        const inserted = stmt.insertCommit.run(id, i, c.id, c.repository, c.message, c.authorName, c.authorEmail, c.timestampSec);
        // a repeated commit id is ignored, and so are its files (the first mention wins)
        if (inserted.changes === 1) for (const f of c.files) stmt.insertFile.run(inserted.lastInsertRowid, f.path, f.type);
      });
    }
    if (changes.headCommits) {
      stmt.deleteHeads.run(id);
      for (const h of changes.headCommits) stmt.insertHead.run(id, h.repository, h.commit, h.previousCommit);
    }
  };

  const upsert = db.transaction((input: ReleaseInput & { organizationId: number; version: string; projectIds: number[]; now: number }) => {
    const existing = stmt.byVersion.get(input.organizationId, input.version) as Row | undefined;
    let id: number;
    if (existing) {
      id = Number(existing.id);
      applyChanges(id, input);
    } else {
      id = Number(stmt.insert.run({
        organizationId: input.organizationId, version: input.version, ref: input.ref ?? null, url: input.url ?? null, now: input.now,
        dateStarted: input.dateStarted ?? null, dateReleased: input.dateReleased ?? null,
      }).lastInsertRowid);
      for (const projectId of input.projectIds) stmt.addProject.run(id, projectId);
    }
    return { release: record(stmt.byId.get(id)), created: !existing };
  });

  const update = db.transaction((organizationId: number, version: string, changes: ReleaseChanges) => {
    const existing = stmt.byVersion.get(organizationId, version) as Row | undefined;
    if (!existing) return undefined;
    applyChanges(Number(existing.id), changes);
    return record(stmt.byId.get(existing.id));
  });

  return {
    upsertRelease: async (input) => upsert.immediate(input),
    updateRelease: async (organizationId, version, changes) => update.immediate(organizationId, version, changes),
    getRelease: async (organizationId, version) => {
      const row = stmt.byVersion.get(organizationId, version);
      return row ? record(row) : undefined;
    },
    listReleases: async (organizationId, opts) =>
      (opts.projectId === undefined
        ? stmt.list.all(organizationId, opts.limit, opts.offset)
        : stmt.listForProject.all(organizationId, opts.projectId, opts.limit, opts.offset)
      ).map(record),
    previousReleaseWithCommits: async (organizationId, version) => {
      const row = stmt.previousWithCommits.get(organizationId, version);
      return row ? record(row) : undefined;
    },
    listReleaseCommits: async (releaseId) => {
      const files = new Map<number, ReleaseCommitFile[]>();
      for (const f of stmt.files.all(releaseId) as Row[]) {
        const list = files.get(Number(f.commit_row_id)) ?? [];
        list.push({ path: String(f.path), type: String(f.change_type) });
        files.set(Number(f.commit_row_id), list);
      }
      return (stmt.commits.all(releaseId) as Row[]).map((row) => ({ ..._commit(row), files: files.get(Number(row.id)) ?? [] }));
    },
    listReleaseHeadCommits: async (releaseId) =>
      (stmt.heads.all(releaseId) as Row[]).map((h) => ({ repository: String(h.repository), commit: String(h.commit_id), previousCommit: _str(h.previous_commit_id) })),
    addDeploy: async (releaseId, d) => {
      const id = Number(stmt.insertDeploy.run(releaseId, d.environment, d.name, d.url, d.dateStarted, d.dateFinished).lastInsertRowid);
      return _deploy(stmt.deployById.get(id));
    },
    listDeploys: async (releaseId) => stmt.deploys.all(releaseId).map(_deploy),
    deleteRelease: async (releaseId) => {
      stmt.deleteRelease.run(releaseId);
    },
  };
}

// --- Internal ---

type Row = Record<string, unknown>;

const _str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const _num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function _commit(r: unknown): ReleaseCommit {
  const row = r as Row;
  return {
    id: String(row.commit_id), repository: _str(row.repository), message: _str(row.message), authorName: _str(row.author_name),
    authorEmail: _str(row.author_email), timestampSec: _num(row.timestamp),
  };
}

function _deploy(r: unknown): ReleaseDeploy {
  const row = r as Row;
  return {
    id: Number(row.id), environment: String(row.environment), name: _str(row.name), url: _str(row.url),
    dateStarted: _num(row.date_started), dateFinished: Number(row.date_finished),
  };
}
