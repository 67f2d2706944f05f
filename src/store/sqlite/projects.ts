import { randomBytes } from "node:crypto";
import type { Clock } from "../../clock.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { ApiToken, Organization, Project, ProjectKey } from "../types.ts";
import { nextIdSql, rememberDeletedIdSql } from "./never-reused-ids.ts";

/** Organization, project, DSN key, API token and settings queries; statements prepared once. */
export function createProjectQueries(db: SqliteDatabase, clock: Clock) {
  const stmt = {
    getOrg: db.prepare("SELECT id, slug, name, created_at FROM organizations ORDER BY id LIMIT 1"),
    insertOrg: db.prepare("INSERT INTO organizations (slug, name, created_at) VALUES (?, ?, ?)"),
    renameOrg: db.prepare("UPDATE organizations SET slug = ? WHERE id = ?"),
    listProjects: db.prepare("SELECT * FROM projects ORDER BY slug"),
    projectById: db.prepare("SELECT * FROM projects WHERE id = ?"),
    projectBySlug: db.prepare("SELECT * FROM projects WHERE slug = ?"),
    insertProject: db.prepare("INSERT INTO projects (organization_id, slug, name, platform, created_at) VALUES (?, ?, ?, ?, ?)"),
    insertKey: db.prepare("INSERT INTO project_keys (project_id, public_key, label, created_at) VALUES (?, ?, ?, ?)"),
    keyById: db.prepare("SELECT * FROM project_keys WHERE id = ?"),
    updateProject: db.prepare(`UPDATE projects SET name = coalesce(@name, name), slug = coalesce(@slug, slug),
      platform = CASE WHEN @setPlatform = 1 THEN @platform ELSE platform END WHERE id = @id`),
    updateKey: db.prepare(`UPDATE project_keys SET label = coalesce(@label, label),
      is_active = CASE WHEN @isActive IS NULL THEN is_active ELSE @isActive END WHERE id = @id`),
    keysOfProject: db.prepare("SELECT * FROM project_keys WHERE project_id = ? ORDER BY id"),
    keyByPublic: db.prepare("SELECT * FROM project_keys WHERE public_key = ? AND is_active = 1"),
    insertToken: db.prepare(`INSERT INTO api_tokens (id, name, token_hash, token_hint, scopes, created_at) VALUES (${nextIdSql("api_tokens")}, ?, ?, ?, ?, ?)`),
    tokenById: db.prepare("SELECT * FROM api_tokens WHERE id = ?"),
    tokenByHash: db.prepare("SELECT * FROM api_tokens WHERE token_hash = ?"),
    touchToken: db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"),
    listTokens: db.prepare("SELECT * FROM api_tokens ORDER BY id"),
    deleteToken: db.prepare("DELETE FROM api_tokens WHERE id = ?"),
    rememberDeletedToken: db.prepare(rememberDeletedIdSql("api_tokens")),
    getSetting: db.prepare("SELECT value FROM settings WHERE key = ?").pluck(),
    setSetting: db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    itemCounts: db.prepare("SELECT * FROM item_counts WHERE project_id = ? ORDER BY day DESC, item_type"),
  };
  const now = () => clock.now() / 1000;
  const deleteToken = db.transaction((id: number): boolean => {
    if (stmt.deleteToken.run(id).changes === 0) return false;
    stmt.rememberDeletedToken.run(id);
    return true;
  });

  const createProject = db.transaction((input: { slug: string; name: string; platform: string | null; organizationId: number }) => {
    const projectId = Number(stmt.insertProject.run(input.organizationId, input.slug, input.name, input.platform, now()).lastInsertRowid);
    // Sentry public keys are 32 lowercase hex characters
    const keyId = Number(stmt.insertKey.run(projectId, randomBytes(16).toString("hex"), "Default", now()).lastInsertRowid);
    return { project: _project(stmt.projectById.get(projectId)), key: _key(stmt.keyById.get(keyId)) };
  });

  return {
    ensureOrganization(slug: string, name: string): Organization {
      const existing = stmt.getOrg.get() as Record<string, unknown> | undefined;
      if (existing) {
        if (existing.slug !== slug) stmt.renameOrg.run(slug, existing.id);
        return _org({ ...existing, slug });
      }
      const id = Number(stmt.insertOrg.run(slug, name, now()).lastInsertRowid);
      return { id, slug, name, createdAtSec: now() };
    },
    getOrganization(): Organization | undefined {
      const row = stmt.getOrg.get();
      return row ? _org(row) : undefined;
    },
    listProjects: (): Project[] => stmt.listProjects.all().map(_project),
    getProject(idOrSlug: number | string): Project | undefined {
      const row = typeof idOrSlug === "number" ? stmt.projectById.get(idOrSlug) : stmt.projectBySlug.get(idOrSlug);
      return row ? _project(row) : undefined;
    },
    createProject: (input: { slug: string; name: string; platform: string | null; organizationId: number }) => createProject.immediate(input),
    listProjectKeys: (projectId: number): ProjectKey[] => stmt.keysOfProject.all(projectId).map(_key),
    updateProject(id: number, changes: { name?: string; slug?: string; platform?: string | null }): Project | undefined {
      stmt.updateProject.run({
        id, name: changes.name ?? null, slug: changes.slug ?? null, setPlatform: changes.platform === undefined ? 0 : 1, platform: changes.platform ?? null,
      });
      const row = stmt.projectById.get(id);
      return row ? _project(row) : undefined;
    },
    createProjectKey(projectId: number, label: string): ProjectKey {
      // Sentry public keys are 32 lowercase hex characters
      const id = Number(stmt.insertKey.run(projectId, randomBytes(16).toString("hex"), label, now()).lastInsertRowid);
      return _key(stmt.keyById.get(id));
    },
    updateProjectKey(id: number, changes: { label?: string; isActive?: boolean }): ProjectKey | undefined {
      stmt.updateKey.run({ id, label: changes.label ?? null, isActive: changes.isActive === undefined ? null : changes.isActive ? 1 : 0 });
      const row = stmt.keyById.get(id);
      return row ? _key(row) : undefined;
    },
    findProjectKey(publicKey: string): ProjectKey | undefined {
      const row = stmt.keyByPublic.get(publicKey);
      return row ? _key(row) : undefined;
    },
    createApiToken(input: { name: string; tokenHash: string; tokenHint: string; scopes: string[] }): ApiToken {
      const id = Number(stmt.insertToken.run(input.name, input.tokenHash, input.tokenHint, input.scopes.join(" "), now()).lastInsertRowid);
      return _token(stmt.tokenById.get(id));
    },
    findApiTokenByHash(tokenHash: string): ApiToken | undefined {
      const row = stmt.tokenByHash.get(tokenHash) as Record<string, unknown> | undefined;
      if (!row) return undefined;
      // last-use time is informational; at most one write per token per minute
      if (!row.last_used_at || now() - Number(row.last_used_at) > 60) stmt.touchToken.run(now(), row.id);
      return _token(row);
    },
    listApiTokens: (): ApiToken[] => stmt.listTokens.all().map(_token),
    deleteApiToken: (id: number): boolean => deleteToken.immediate(id),
    getSetting: (key: string): string | undefined => stmt.getSetting.get(key) as string | undefined,
    setSetting: (key: string, value: string): void => void stmt.setSetting.run(key, value),
    itemCounts: (projectId: number) =>
      (stmt.itemCounts.all(projectId) as Record<string, unknown>[]).map((r) => ({
        projectId: Number(r.project_id), itemType: String(r.item_type), day: Number(r.day), count: Number(r.item_count),
      })),
  };
}

// --- Internal ---

type Row = Record<string, unknown>;

function _org(r: unknown): Organization {
  const row = r as Row;
  return { id: Number(row.id), slug: String(row.slug), name: String(row.name), createdAtSec: Number(row.created_at) };
}

function _project(r: unknown): Project {
  const row = r as Row;
  return {
    id: Number(row.id), organizationId: Number(row.organization_id), slug: String(row.slug), name: String(row.name),
    platform: row.platform === null ? null : String(row.platform), createdAtSec: Number(row.created_at),
  };
}

function _key(r: unknown): ProjectKey {
  const row = r as Row;
  return {
    id: Number(row.id), projectId: Number(row.project_id), publicKey: String(row.public_key), label: String(row.label),
    isActive: row.is_active === 1, createdAtSec: Number(row.created_at),
  };
}

function _token(r: unknown): ApiToken {
  const row = r as Row;
  return {
    id: Number(row.id), name: String(row.name), tokenHint: String(row.token_hint), scopes: String(row.scopes).split(" ").filter(Boolean),
    createdAtSec: Number(row.created_at), lastUsedAtSec: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
