import type { SourceLinkSettings, SourceLinkStore } from "../model/source-links.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";

/** Per-project source-link settings on PostgreSQL, as on SQLite (src/store/sqlite/source-links.ts). */
export function createPgSourceLinkQueries(db: PgDb): SourceLinkStore {
  const stmt = {
    get: pgStatement("sourceLinks.get", "SELECT * FROM project_source_links WHERE project_id = $1"),
  };
  return {
    async getSourceLinkSettings(projectId) {
      const row = await db.first(stmt.get, [projectId]);
      return row ? _settings(row) : undefined;
    },
    async setSourceLinkSettings(projectId, settings, now) {
      if (settings === null) {
        await db.run("DELETE FROM project_source_links WHERE project_id = $1", [projectId]);
        return undefined;
      }
      const row = await db.first(`INSERT INTO project_source_links (project_id, repository, repository_url, url_template, stack_root, source_root, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (project_id) DO UPDATE SET repository = excluded.repository, repository_url = excluded.repository_url,
          url_template = excluded.url_template, stack_root = excluded.stack_root, source_root = excluded.source_root, updated_at = excluded.updated_at
        RETURNING *`, [projectId, settings.repository, settings.repositoryUrl, settings.urlTemplate, settings.stackRoot, settings.sourceRoot, now]);
      return _settings(row!);
    },
    // byte order, as SQLite compares text
    listSourceLinkSettings: async () => (await db.rows(`SELECT * FROM project_source_links ORDER BY repository COLLATE "C", project_id`)).map(_settings),
  };
}

// --- Internal ---

function _settings(row: Record<string, unknown>): SourceLinkSettings {
  return {
    projectId: Number(row.project_id), repository: String(row.repository), repositoryUrl: String(row.repository_url),
    urlTemplate: String(row.url_template), stackRoot: String(row.stack_root), sourceRoot: String(row.source_root), updatedAtSec: Number(row.updated_at),
  };
}
