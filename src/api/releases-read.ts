import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiIssue, ApiReleaseDetail, ApiReleaseListItem } from "../contract/index.ts";
import { compareReleases, type ReleaseRef } from "../releases/order.ts";
import type { ReleaseRecord } from "../store/model/releases.ts";
import type { Organization, Project } from "../store/types.ts";
import { apiLinks, param, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { notFound } from "../http/errors.ts";
import { CURSOR_PARAM, linkHeader, parseCursor } from "./pagination.ts";
import { loadDeploySummaries, loadReleaseContext, releaseProjectFigures, type ReleaseContext } from "./release-context.ts";
import { serializeIssue } from "./serialize/issues.ts";
import { loadIssuePeople } from "./assignment.ts";
import { serializeReleaseDetail, serializeReleaseListItem, type ReleaseListExtras } from "./serialize/releases.ts";
import { listStatusDetails } from "./issue-resolution.ts";

const PERIOD = z.enum(["24h", "7d", "14d", "30d", "90d"]);
const LIST = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const FLAG = z.enum(["0", "1", "true", "false"]).optional().transform((v) => v === "1" || v === "true");

const listQuerySchema = z.object({
  project: LIST,
  environment: LIST,
  health: FLAG,
  healthStatsPeriod: PERIOD.default("24h"),
  summaryStatsPeriod: PERIOD.default("14d"),
  query: z.string().max(200).optional(),
  status: z.enum(["open", "archived"]).default("open"),
  per_page: z.coerce.number().int().min(1).max(100).default(25),
  cursor: CURSOR_PARAM,
}).loose();

const detailQuerySchema = listQuerySchema.pick({ project: true, environment: true, health: true, healthStatsPeriod: true, summaryStatsPeriod: true });

/**
 * The read side of releases, in Sentry's shapes: the list (org or project; `health=1` adds
 * `projects[].healthData`) ordered newest first by semver else first seen, and the detail with
 * new and regressed issues, deploys per environment and a health chart.
 */
export function mountReleaseReadRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/releases", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const q = parseQuery(event, listQuerySchema);
    return listReleases(event, deps, org, await _scope(deps, q.project), q);
  });
  route("GET", "/api/0/projects/:org/:project/releases", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const q = parseQuery(event, listQuerySchema);
    return listReleases(event, deps, org, [await requireProject(deps, param(event, "project"))], q);
  });
  for (const path of ["/api/0/organizations/:org/releases/:version", "/api/0/projects/:org/:project/releases/:version"]) {
    route("GET", path, async (event): Promise<ApiReleaseDetail> => {
      const org = await requireOrganization(deps, param(event, "org"));
      const q = parseQuery(event, detailQuerySchema);
      const projectParam = event.context.params?.project ? [param(event, "project")] : q.project;
      const release = await deps.store.getRelease(org.id, param(event, "version"));
      if (!release) throw notFound(`release ${param(event, "version")} does not exist`);
      const scope = await _scope(deps, projectParam);
      const inScope = release.projects.filter((p) => scope.some((s) => s.id === p.id));
      if (!inScope.length) throw notFound(`release ${release.version} does not exist`);
      const ctx = await loadReleaseContext(deps, inScope.map((p) => p.id), q);
      return releaseDetail(deps, release, ctx, inScope.map((p) => p.id));
    });
  }
}

// --- Internal ---

type ListQuery = z.infer<typeof listQuerySchema>;

async function listReleases(event: H3Event, deps: ApiDeps, org: Organization, projects: Project[], q: ListQuery): Promise<ApiReleaseListItem[]> {
  // order the lightweight heads, then load only the page's releases
  const heads = await deps.store.releaseHeads(org.id, projects.map((p) => p.id));
  const ctx = await loadReleaseContext(deps, projects.map((p) => p.id), q);
  const needle = q.query?.toLowerCase();
  const ordered = heads
    .filter((r) => r.status === q.status && (!needle || r.version.toLowerCase().includes(needle)))
    .sort((a, b) => compareReleases(_ref(b, ctx), _ref(a, ctx)));
  const offset = parseCursor(q.cursor);
  const pageHeads = ordered.slice(offset, offset + q.per_page);
  const page = (await Promise.all(pageHeads.map((h) => deps.store.getRelease(org.id, h.version)))).filter((r) => r !== undefined);
  event.res.headers.set("Link", linkHeader(event.url, offset, q.per_page, ordered.length > offset + q.per_page));
  event.res.headers.set("X-Hits", String(ordered.length));
  await loadDeploySummaries(deps, ctx, page.map((r) => r.id));
  return page.map((r) => serializeReleaseListItem(r, { ..._listExtras(r, ctx), health: q.health }));
}

async function releaseDetail(deps: ApiDeps, release: ReleaseRecord, ctx: ReleaseContext, projectIds: number[]): Promise<ApiReleaseDetail> {
  const deploys = await deps.store.listDeploys(release.id);
  await loadDeploySummaries(deps, ctx, [release.id]);
  const nowMs = deps.clock.now();
  const issueLists = await Promise.all(projectIds.map(async (projectId) => {
    const ids = await deps.store.releaseIssueIds(projectId, release.version, 25);
    const project = (await deps.store.getProject(projectId))!;
    const load = async (issueIds: number[]): Promise<ApiIssue[]> => {
      const issues = (await Promise.all(issueIds.map((id) => deps.store.getIssue(id)))).filter((i) => i !== undefined);
      const spikes = new Map((await deps.store.spikeStats(issues.map((i) => i.id), nowMs)).map((s) => [s.issueId, s]));
      const statusDetails = await listStatusDetails(deps, issues);
      const people = await loadIssuePeople(deps, issues.map((i) => i.id));
      return issues.map((i) => serializeIssue(i, project, apiLinks(deps), { spike: spikes.get(i.id), statusDetails: statusDetails.get(i.id) ?? {}, ...people(i.id) }));
    };
    return { newIssues: await load(ids.newIssueIds), regressedIssues: await load(ids.regressedIssueIds) };
  }));
  return serializeReleaseDetail(release, _listExtras(release, ctx), deploys, {
    newIssues: issueLists.flatMap((l) => l.newIssues),
    regressedIssues: issueLists.flatMap((l) => l.regressedIssues),
  });
}

/** The figures of the release's projects within the request's scope, its first-seen time and its deploys. */
function _listExtras(r: ReleaseRecord, ctx: ReleaseContext): Omit<ReleaseListExtras, "health"> {
  return {
    figures: r.projects.filter((p) => ctx.projectIds.includes(p.id)).map((p) => releaseProjectFigures(ctx, p.id, r.version)),
    firstSeenSec: _ref(r, ctx).firstSeen,
    deploysByEnvironment: ctx.deploysByRelease.get(r.id) ?? [],
  };
}

function _ref(r: { version: string; dateCreated: number }, ctx: ReleaseContext): ReleaseRef {
  return { version: r.version, firstSeen: Math.min(r.dateCreated, ctx.firstSeen.get(r.version) ?? Number.POSITIVE_INFINITY) };
}

/** The projects named by `project` (ids, slugs; none or -1 = every project). */
async function _scope(deps: ApiDeps, wanted: string[]): Promise<Project[]> {
  const all = await deps.store.listProjects();
  if (!wanted.length || wanted.includes("-1")) return all;
  return all.filter((p) => wanted.includes(String(p.id)) || wanted.includes(p.slug));
}
