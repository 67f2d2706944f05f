import { randomBytes } from "node:crypto";
import type { Clock } from "../../clock.ts";
import type { ApiToken, ItemCount, Organization, Project, ProjectKey, Store } from "../types.ts";
import type { RuleWrite } from "../model/alerts.ts";
import { pgStatement, type PgDb, type PgExecutor } from "./pg-db.ts";

/** The sequence a project's short ids come from (created with the project; gaps are fine). */
export function shortIdSequence(projectId: number): string {
  return `issue_short_ids_${Math.trunc(projectId)}`;
}

/**
 * Organization, projects and their DSN keys, API tokens, settings and item counts on PostgreSQL.
 * `insertRules` writes a new project's default alert rules inside its transaction (alerts.ts).
 */
export function createPgProjectQueries(db: PgDb, clock: Clock, insertRules: (tx: PgExecutor, projectId: number, rules: readonly RuleWrite[], isDefault: boolean) => Promise<void>) {
  const stmt = {
    getOrg: pgStatement("projects.getOrg", "SELECT id, slug, name, created_at FROM organizations ORDER BY id LIMIT 1"),
    projectById: pgStatement("projects.byId", "SELECT * FROM projects WHERE id = $1"),
    projectBySlug: pgStatement("projects.bySlug", "SELECT * FROM projects WHERE slug = $1"),
    keyByPublic: pgStatement("projects.keyByPublic", "SELECT * FROM project_keys WHERE public_key = $1 AND is_active"),
    tokenByHash: pgStatement("projects.tokenByHash", "SELECT * FROM api_tokens WHERE token_hash = $1"),
    getSetting: pgStatement("projects.getSetting", "SELECT value FROM settings WHERE key = $1"),
  };
  const now = () => clock.now() / 1000;

  const methods = {
    async ensureOrganization(slug, name) {
      return db.transaction(async (tx) => {
        // one organization per installation: nodes starting together must not make two
        await tx.run("SELECT pg_advisory_xact_lock(hashtextextended('lighttrace:organization', 0))");
        const existing = await tx.first(stmt.getOrg);
        if (existing) {
          if (existing.slug !== slug) await tx.run("UPDATE organizations SET slug = $1 WHERE id = $2", [slug, existing.id]);
          return _org({ ...existing, slug });
        }
        return _org(await tx.first("INSERT INTO organizations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING *", [slug, name, now()]));
      });
    },
    async getOrganization() {
      const row = await db.first(stmt.getOrg);
      return row ? _org(row) : undefined;
    },
    listProjects: async () => (await db.rows("SELECT * FROM projects ORDER BY slug")).map(_project),
    async getProject(idOrSlug) {
      const row = typeof idOrSlug === "number" ? await db.first(stmt.projectById, [idOrSlug]) : await db.first(stmt.projectBySlug, [idOrSlug]);
      return row ? _project(row) : undefined;
    },
    async createProject(input) {
      return db.transaction(async (tx) => {
        const project = _project(await tx.first(`INSERT INTO projects (organization_id, slug, name, platform, created_at)
          VALUES ($1, $2, $3, $4, $5) RETURNING *`, [input.organizationId, input.slug, input.name, input.platform, now()]));
        await tx.run(`CREATE SEQUENCE ${shortIdSequence(project.id)} AS bigint`);
        // Sentry public keys are 32 lowercase hex characters
        const key = _key(await tx.first(`INSERT INTO project_keys (project_id, public_key, label, created_at) VALUES ($1, $2, 'Default', $3) RETURNING *`,
          [project.id, randomBytes(16).toString("hex"), now()]));
        await insertRules(tx, project.id, input.defaultAlertRules, true);
        return { project, key };
      });
    },
    async updateProject(id, changes) {
      const row = await db.first(`UPDATE projects SET name = coalesce($2, name), slug = coalesce($3, slug),
        platform = CASE WHEN $4 THEN $5 ELSE platform END WHERE id = $1 RETURNING *`,
      [id, changes.name ?? null, changes.slug ?? null, changes.platform !== undefined, changes.platform ?? null]);
      return row ? _project(row) : undefined;
    },
    // Sentry public keys are 32 lowercase hex characters
    createProjectKey: async (projectId, label) => _key(await db.first(`INSERT INTO project_keys (project_id, public_key, label, created_at)
      VALUES ($1, $2, $3, $4) RETURNING *`, [projectId, randomBytes(16).toString("hex"), label, now()])),
    async updateProjectKey(id, changes) {
      const row = await db.first(`UPDATE project_keys SET label = coalesce($2, label), is_active = coalesce($3, is_active) WHERE id = $1 RETURNING *`,
        [id, changes.label ?? null, changes.isActive ?? null]);
      return row ? _key(row) : undefined;
    },
    listProjectKeys: async (projectId) => (await db.rows("SELECT * FROM project_keys WHERE project_id = $1 ORDER BY id", [projectId])).map(_key),
    async findProjectKey(publicKey) {
      const row = await db.first(stmt.keyByPublic, [publicKey]);
      return row ? _key(row) : undefined;
    },
    async createApiToken(input) {
      return _token(await db.first(`INSERT INTO api_tokens (name, token_hash, token_hint, scopes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [input.name, input.tokenHash, input.tokenHint, input.scopes.join(" "), now()]));
    },
    async findApiTokenByHash(tokenHash) {
      const row = await db.first(stmt.tokenByHash, [tokenHash]);
      if (!row) return undefined;
      // last-use time is informational; at most one write per token per minute
      if (row.last_used_at === null || now() - Number(row.last_used_at) > 60) {
        await db.run("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", [now(), row.id]);
      }
      return _token(row);
    },
    listApiTokens: async () => (await db.rows("SELECT * FROM api_tokens ORDER BY id")).map(_token),
    deleteApiToken: async (id) => (await db.run("DELETE FROM api_tokens WHERE id = $1", [id])) > 0,
    getSetting: async (key) => (await db.first<{ value: string }>(stmt.getSetting, [key]))?.value,
    async setSetting(key, value) {
      await db.run("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]);
    },
    itemCounts: async (projectId): Promise<ItemCount[]> =>
      (await db.rows("SELECT * FROM item_counts WHERE project_id = $1 ORDER BY day DESC, item_type", [projectId])).map((r) => ({
        projectId: Number(r.project_id), itemType: String(r.item_type), day: Number(r.day), count: Number(r.item_count),
      })),
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}

// --- Internal ---

type Row = Record<string, unknown> | undefined;

function _org(r: Row): Organization {
  const row = r!;
  return { id: Number(row.id), slug: String(row.slug), name: String(row.name), createdAtSec: Number(row.created_at) };
}

function _project(r: Row): Project {
  const row = r!;
  return {
    id: Number(row.id), organizationId: Number(row.organization_id), slug: String(row.slug), name: String(row.name),
    platform: row.platform === null ? null : String(row.platform), createdAtSec: Number(row.created_at),
  };
}

function _key(r: Row): ProjectKey {
  const row = r!;
  return {
    id: Number(row.id), projectId: Number(row.project_id), publicKey: String(row.public_key), label: String(row.label),
    isActive: row.is_active === true, createdAtSec: Number(row.created_at),
  };
}

function _token(r: Row): ApiToken {
  const row = r!;
  return {
    id: Number(row.id), name: String(row.name), tokenHint: String(row.token_hint), scopes: String(row.scopes).split(" ").filter(Boolean),
    createdAtSec: Number(row.created_at), lastUsedAtSec: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
