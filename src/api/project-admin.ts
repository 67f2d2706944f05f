import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiProject, ApiProjectKey, ApiTeam } from "../contract/index.ts";
import type { Project, ProjectKey } from "../store/types.ts";
import { PROJECT_SLUG } from "../projects/project-slug.ts";
import { badRequest, httpError, notFound } from "../http/errors.ts";
import { param, parseJsonBody, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { serializeProject, serializeProjectKey, serializeTeam } from "./serialize/organizations.ts";
import { DEFAULT_TEAM_SLUG } from "./teams.ts";
import { saveProjectStackRules } from "./grouping.ts";
import { requireScopeLevel } from "./scopes.ts";
import { MAX_STACK_RULES_CHARS } from "../grouping/stack-rules/parse.ts";

const PLATFORM = z.string().regex(/^[a-z0-9.-]{1,64}$/, "lowercase platform name such as node or javascript");

const updateProjectSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  slug: PROJECT_SLUG.optional(),
  platform: PLATFORM.nullable().optional(),
  // Sentry's field for the project's stack-trace rules (LightTrace: /grouping-rules/)
  groupingEnhancements: z.string().max(MAX_STACK_RULES_CHARS).optional(),
}).loose();

const newKeySchema = z.object({ name: z.string().trim().min(1).max(200).optional() }).loose();

/** Sentry's key settings LightTrace has no counterpart for: refused rather than dropped. */
const updateKeySchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  isActive: z.boolean().optional(),
  rateLimit: z.null({ error: "per-key rate limits are not supported; a project's rate limit is at /projects/{org}/{project}/limits/" }).optional(),
  browserSdkVersion: z.never({ error: "LightTrace serves no JavaScript loader script, so it has no loader SDK version" }).optional(),
  dynamicSdkLoaderOptions: z.never({ error: "LightTrace serves no JavaScript loader script, so it has no loader options" }).optional(),
}).loose();

/**
 * Project settings Sentry's tools change: rename a project (`PUT /projects/{org}/{project}/`:
 * name, slug, platform; short ids follow the slug, as in Sentry), add and edit DSN keys
 * (`POST …/keys/`, `PUT …/keys/{key_id}/`: name, enabled; a disabled key stops ingest within a
 * minute), and the project's team: LightTrace has one, `default`, which every project belongs
 * to, so adding it is a no-op and removing it is refused with a 400 saying so. (Teams created at
 * `/organizations/{org}/teams/` are routing teams for ownership, assignment and alerts: teams.ts.)
 */
export function mountProjectAdminRoutes(deps: ApiDeps, route: RouteFn): void {
  route("PUT", "/api/0/projects/:org/:project", async (event): Promise<ApiProject> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const body = await parseJsonBody(event, updateProjectSchema);
    if (body.slug && body.slug !== project.slug && (await deps.store.getProject(body.slug))) {
      throw httpError(409, `a project with the slug "${body.slug}" already exists`);
    }
    if (body.groupingEnhancements !== undefined) {
      // project settings like the limits: admin only; saved before the other fields, so a bad rule changes nothing
      requireScopeLevel(event, "admin");
      await saveProjectStackRules(deps, project.id, body.groupingEnhancements);
    }
    const changes: { name?: string; slug?: string; platform?: string | null } = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.slug !== undefined) changes.slug = body.slug;
    if (body.platform !== undefined) changes.platform = body.platform;
    const updated = await deps.store.updateProject(project.id, changes);
    if (!updated) throw notFound();
    return serializeProject(updated, org);
  });
  route("POST", "/api/0/projects/:org/:project/keys", async (event) => {
    const project = await _project(deps, event);
    const body = await parseJsonBody(event, newKeySchema);
    const key = await deps.store.createProjectKey(project.id, body.name ?? "Default");
    return Response.json(serializeProjectKey(key, deps.publicUrl()), { status: 201 });
  });
  route("PUT", "/api/0/projects/:org/:project/keys/:keyId", async (event): Promise<ApiProjectKey> => {
    const project = await _project(deps, event);
    const key = await _key(deps, project, param(event, "keyId"));
    const body = await parseJsonBody(event, updateKeySchema);
    const changes: { label?: string; isActive?: boolean } = {};
    if (body.name !== undefined) changes.label = body.name;
    if (body.isActive !== undefined) changes.isActive = body.isActive;
    const updated = await deps.store.updateProjectKey(key.id, changes);
    if (!updated) throw notFound();
    return serializeProjectKey(updated, deps.publicUrl());
  });
  route("GET", "/api/0/projects/:org/:project/teams", async (event): Promise<ApiTeam[]> => {
    const org = await requireOrganization(deps, param(event, "org"));
    await requireProject(deps, param(event, "project"));
    return [serializeTeam(DEFAULT_TEAM_SLUG, org)];
  });
  route("POST", "/api/0/projects/:org/:project/teams/:team", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    _defaultTeam(param(event, "team"));
    return Response.json(serializeProject(project, org), { status: 201 });
  });
  route("DELETE", "/api/0/projects/:org/:project/teams/:team", async (event) => {
    await _project(deps, event);
    _defaultTeam(param(event, "team"));
    throw badRequest(`every project belongs to the one team, "${DEFAULT_TEAM_SLUG}"; it cannot be removed`);
  });
}

// --- Internal ---

async function _project(deps: ApiDeps, event: H3Event): Promise<Project> {
  await requireOrganization(deps, param(event, "org"));
  return requireProject(deps, param(event, "project"));
}

/** A key by its public key (Sentry's key id) or its numeric id. */
async function _key(deps: ApiDeps, project: Project, ref: string): Promise<ProjectKey> {
  const key = (await deps.store.listProjectKeys(project.id)).find((k) => k.publicKey === ref || String(k.id) === ref);
  if (!key) throw notFound(`project ${project.slug} has no key "${ref.slice(0, 64)}"`);
  return key;
}

function _defaultTeam(team: string): void {
  if (team !== DEFAULT_TEAM_SLUG) throw notFound(`no team "${team.slice(0, 50)}" (LightTrace has one team, "${DEFAULT_TEAM_SLUG}")`);
}
