import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiDeploy, ApiRelease, ApiRepository } from "../contract/index.ts";
import { parseTimestamp } from "../events/timestamps.ts";
import type { Organization, Project } from "../store/types.ts";
import type { ReleaseChanges } from "../store/model/releases.ts";
import { param, parseJsonBody, requireOrganization, requireProject, resolveProjectRefs, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { serializeDeploy, serializeRelease, serializeRepository } from "./serialize/releases.ts";
import { hostOf } from "../sourcemaps/source-links.ts";

/**
 * The release endpoints sentry-cli writes through (docs/sentry-protocol.md §11): `releases new`, `finalize`,
 * `archive`/`restore`, `set-commits` (commits, or `--commit repo@sha` refs checked against the
 * repositories from the projects' source-link settings), `deploys new`/`list`. The read side (list,
 * detail, health) lives elsewhere; these reply with the release so sentry-cli can read it.
 */
export function mountReleaseWriteRoutes(deps: ApiDeps, route: RouteFn): void {
  route("POST", "/api/0/organizations/:org/releases", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const body = await parseJsonBody(event, NEW_RELEASE);
    const projects = await resolveProjectRefs(deps, body.projects);
    // sentry-cli archives and restores by POSTing the version with `"projects": []` and a status
    if (projects.length === 0 && !(await deps.store.getRelease(org.id, body.version))) {
      throw badRequest('invalid field "projects": name at least one project');
    }
    return _create(event, deps, org, body, projects);
  });
  route("POST", "/api/0/projects/:org/:project/releases", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const body = await parseJsonBody(event, NEW_RELEASE.extend({ projects: PROJECT_LIST.optional() }));
    return _create(event, deps, org, body, [project]);
  });
  for (const path of ["/api/0/organizations/:org/releases/:version", "/api/0/projects/:org/:project/releases/:version"]) {
    route("PUT", path, async (event): Promise<ApiRelease> => {
      const org = await requireOrganization(deps, param(event, "org"));
      if (event.context.params?.project) await requireProject(deps, param(event, "project"));
      const version = param(event, "version");
      const body = await parseJsonBody(event, UPDATE_RELEASE);
      const changes: ReleaseChanges = _dates(body);
      if (body.projects) changes.projectIds = (await resolveProjectRefs(deps, body.projects)).map((p) => p.id);
      if (body.status) changes.status = body.status;
      if (body.commits) changes.commits = body.commits.map((c) => _commit(c, deps.clock.now() / 1000));
      if (body.refs) changes.headCommits = await _refs(deps, body.refs);
      const updated = await deps.store.updateRelease(org.id, version, changes);
      if (!updated) throw notFound(`release ${version} does not exist`);
      return serializeRelease(updated);
    });
  }
  route("GET", "/api/0/organizations/:org/releases/:version/previous-with-commits", async (event): Promise<ApiRelease | Record<string, never>> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const previous = await deps.store.previousReleaseWithCommits(org.id, param(event, "version"));
    return previous ? serializeRelease(previous) : {};
  });
  route("POST", "/api/0/organizations/:org/releases/:version/deploys", async (event): Promise<ApiDeploy> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const release = await deps.store.getRelease(org.id, param(event, "version"));
    if (!release) throw notFound(`release ${param(event, "version")} does not exist`);
    const body = await parseJsonBody(event, NEW_DEPLOY);
    const projects = body.projects?.length ? await resolveProjectRefs(deps, body.projects) : [];
    const outside = projects.find((p) => !release.projects.some((rp) => rp.id === p.id));
    if (outside) throw badRequest(`project "${outside.slug}" is not part of release ${release.version}`);
    const deploy = await deps.store.addDeploy(release.id, {
      environment: body.environment, name: body.name ?? null, url: body.url ?? null,
      dateStarted: _time(body.dateStarted, "dateStarted") ?? null,
      dateFinished: _time(body.dateFinished, "dateFinished") ?? deps.clock.now() / 1000,
    });
    event.res.status = 201;
    return serializeDeploy(deploy);
  });
  route("GET", "/api/0/organizations/:org/releases/:version/deploys", async (event): Promise<ApiDeploy[]> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const release = await deps.store.getRelease(org.id, param(event, "version"));
    if (!release) throw notFound(`release ${param(event, "version")} does not exist`);
    return (await deps.store.listDeploys(release.id)).map(serializeDeploy);
  });
  route("GET", "/api/0/organizations/:org/repos", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    return listRepositories(deps);
  });
}

/**
 * Repositories in Sentry's shape, one per distinct repository of the projects' source-link settings.
 * The provider ids are deliberately not ones sentry-cli treats as a commit-fetching integration
 * (`integrations:github`, …): LightTrace cannot fetch commits from a provider, so `set-commits --auto`
 * must fall back to reading the local git history and send the commits with the files they touched
 * (what suspect commits need). `--commit repo@sha` still names a repository here.
 */
export async function listRepositories(deps: ApiDeps): Promise<ApiRepository[]> {
  const seen = new Map<string, ApiRepository>();
  for (const s of await deps.store.listSourceLinkSettings()) {
    if (!seen.has(s.repository)) seen.set(s.repository, serializeRepository(s, hostOf(s.repositoryUrl)));
  }
  return [...seen.values()];
}

// --- Internal ---

/** Sentry refuses these versions: path separators and control whitespace break URLs and tags. */
const VERSION = z.string().trim().min(1).max(200)
  .refine((v) => !/[\r\n\f\t/\\]/.test(v), "a release version cannot contain slashes, tabs or newlines")
  .refine((v) => ![".", "..", "latest"].includes(v), "this release version is reserved");
const PROJECT_LIST = z.array(z.union([z.string().min(1).max(100), z.number().int().positive()])).max(100);
const TIME = z.union([z.string().max(64), z.number(), z.null()]).optional();
const DATES = { dateStarted: TIME, dateReleased: TIME, url: z.string().max(2000).nullable().optional(), ref: z.string().max(200).nullable().optional() };

const NEW_RELEASE = z.object({ version: VERSION, projects: PROJECT_LIST, status: z.enum(["open", "archived"]).optional(), ...DATES }).loose();

const COMMIT = z.object({
  id: z.string().min(1).max(64),
  repository: z.string().max(200).nullable().optional(),
  message: z.string().max(10_000).nullable().optional(),
  author_name: z.string().max(200).nullable().optional(),
  author_email: z.string().max(200).nullable().optional(),
  timestamp: TIME,
  // sentry-cli --local/--auto: the files the commit touched (git name-status letters: A, M, D, T)
  patch_set: z.array(z.object({ path: z.string().min(1).max(1000), type: z.string().max(8) }).loose()).max(5000).nullable().optional(),
}).loose();
const REF = z.object({ repository: z.string().min(1).max(200), commit: z.string().min(1).max(130), previousCommit: z.string().max(64).nullable().optional() }).loose();

const UPDATE_RELEASE = z.object({
  ...DATES,
  projects: PROJECT_LIST.optional(),
  status: z.enum(["open", "archived"]).optional(),
  commits: z.array(COMMIT).max(10_000).optional(),
  refs: z.array(REF).max(100).optional(),
}).loose();

const NEW_DEPLOY = z.object({
  environment: z.string().trim().min(1).max(64),
  name: z.string().max(200).nullable().optional(),
  url: z.string().max(2000).nullable().optional(),
  dateStarted: TIME,
  dateFinished: TIME,
  projects: PROJECT_LIST.nullable().optional(),
}).loose();

async function _create(event: H3Event, deps: ApiDeps, org: Organization, body: { version: string; status?: "open" | "archived" | undefined } & Parameters<typeof _dates>[0], projects: Project[]): Promise<ApiRelease> {
  let { release, created } = await deps.store.upsertRelease({
    organizationId: org.id, version: body.version, projectIds: projects.map((p) => p.id), now: deps.clock.now() / 1000, ..._dates(body),
  });
  if (body.status && body.status !== release.status) release = (await deps.store.updateRelease(org.id, body.version, { status: body.status }))!;
  // Sentry: 201 when created; re-creating an existing version is normal in CI and answers 200
  event.res.status = created ? 201 : 200;
  return serializeRelease(release);
}

function _dates(body: { dateStarted?: unknown; dateReleased?: unknown; url?: string | null | undefined; ref?: string | null | undefined }): ReleaseChanges {
  const changes: ReleaseChanges = {};
  const started = _time(body.dateStarted, "dateStarted");
  const released = _time(body.dateReleased, "dateReleased");
  if (started !== undefined) changes.dateStarted = started;
  if (released !== undefined) changes.dateReleased = released;
  if (body.url) changes.url = body.url;
  if (body.ref) changes.ref = body.ref;
  return changes;
}

function _time(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const t = parseTimestamp(value);
  if (t === undefined) throw badRequest(`invalid field "${field}": not an ISO 8601 date`);
  return t;
}

/** A commit as stored; like Sentry, one sent without a timestamp is dated when it is recorded. */
function _commit(c: z.infer<typeof COMMIT>, nowSec: number) {
  return {
    id: c.id, repository: c.repository ?? null, message: c.message ?? null, authorName: c.author_name ?? null, authorEmail: c.author_email ?? null,
    timestampSec: _time(c.timestamp, "commits.timestamp") ?? nowSec,
    files: (c.patch_set ?? []).map((f) => ({ path: f.path, type: f.type })),
  };
}

async function _refs(deps: ApiDeps, refs: z.infer<typeof REF>[]) {
  const known = new Set((await listRepositories(deps)).map((r) => r.name));
  const unknown = refs.map((r) => r.repository).filter((name) => !known.has(name));
  if (unknown.length) throw badRequest(`Invalid repository names: ${unknown.join(", ")} (add the repository in the project's source-link settings)`);
  return refs.map((r) => {
    // `--commit repo@prev..sha` arrives split; accept the range spelling too
    const [prev, head] = r.commit.includes("..") ? r.commit.split("..", 2) : [r.previousCommit ?? null, r.commit];
    return { repository: r.repository, commit: head!, previousCommit: prev || null };
  });
}
