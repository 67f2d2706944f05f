import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { SourceLinkSettings, SourceLinkStore } from "../model/source-links.ts";

export function createSourceLinkStore(db: SqliteDatabase): SourceLinkStore {
  const stmt = {
    get: db.prepare("SELECT * FROM project_source_links WHERE project_id = ?"),
    all: db.prepare("SELECT * FROM project_source_links ORDER BY repository, project_id"),
    upsert: db.prepare(`INSERT INTO project_source_links (project_id, repository, repository_url, url_template, stack_root, source_root, updated_at)
      VALUES (@projectId, @repository, @repositoryUrl, @urlTemplate, @stackRoot, @sourceRoot, @now)
      ON CONFLICT (project_id) DO UPDATE SET repository = excluded.repository, repository_url = excluded.repository_url,
        url_template = excluded.url_template, stack_root = excluded.stack_root, source_root = excluded.source_root, updated_at = excluded.updated_at`),
    remove: db.prepare("DELETE FROM project_source_links WHERE project_id = ?"),
  };
  const get = (projectId: number) => {
    const row = stmt.get.get(projectId);
    return row ? _settings(row) : undefined;
  };
  return {
    getSourceLinkSettings: async (projectId) => get(projectId),
    setSourceLinkSettings: async (projectId, settings, now) => {
      if (settings === null) {
        stmt.remove.run(projectId);
        return undefined;
      }
      stmt.upsert.run({ projectId, ...settings, now });
      return get(projectId);
    },
    listSourceLinkSettings: async () => stmt.all.all().map(_settings),
  };
}

// --- Internal ---

function _settings(r: unknown): SourceLinkSettings {
  const row = r as Record<string, unknown>;
  return {
    projectId: Number(row.project_id), repository: String(row.repository), repositoryUrl: String(row.repository_url),
    urlTemplate: String(row.url_template), stackRoot: String(row.stack_root), sourceRoot: String(row.source_root), updatedAtSec: Number(row.updated_at),
  };
}
