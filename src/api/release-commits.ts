import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiCommit } from "../contract/index.ts";
import type { ReleaseRecord } from "../store/model/releases.ts";
import { param, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { CURSOR_PARAM, linkHeader, pageSize, parseCursor } from "./pagination.ts";
import { serializeCommit } from "./serialize/releases.ts";

const pageSchema = z.object({
  cursor: CURSOR_PARAM,
  per_page: z.coerce.number().int().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
}).loose();

/**
 * A release's commits (`GET …/releases/{version}/commits/`, in the order sentry-cli sent them:
 * newest first) and deleting a release (`DELETE …/releases/{version}/`, sentry-cli `releases
 * delete`), on the organization and project paths. As in Sentry, a release that issues were
 * first seen in cannot be deleted; LightTrace also keeps one that events were recorded in.
 */
export function mountReleaseCommitRoutes(deps: ApiDeps, route: RouteFn): void {
  for (const base of ["/api/0/organizations/:org/releases/:version", "/api/0/projects/:org/:project/releases/:version"]) {
    route("GET", `${base}/commits`, async (event): Promise<ApiCommit[]> => {
      const release = await _release(deps, event);
      const q = parseQuery(event, pageSchema);
      const offset = parseCursor(q.cursor);
      const limit = pageSize(q, 100);
      const commits = await deps.store.listReleaseCommits(release.id);
      event.res.headers.set("Link", linkHeader(event.url, offset, limit, commits.length > offset + limit));
      return commits.slice(offset, offset + limit).map(serializeCommit);
    });
    route("DELETE", base, async (event) => {
      const release = await _release(deps, event);
      if (release.newGroups > 0 || release.firstEvent !== null) {
        throw badRequest(`release ${release.version} has events; a release events were recorded in cannot be deleted (archive it instead)`);
      }
      await deps.store.deleteRelease(release.id);
      return new Response(null, { status: 204 });
    });
  }
}

// --- Internal ---

/** The release of the path; on a project path it must belong to that project. */
async function _release(deps: ApiDeps, event: H3Event): Promise<ReleaseRecord> {
  const org = await requireOrganization(deps, param(event, "org"));
  const version = param(event, "version");
  const release = await deps.store.getRelease(org.id, version);
  if (!release) throw notFound(`release ${version.slice(0, 200)} does not exist`);
  if (event.context.params?.project) {
    const project = await requireProject(deps, param(event, "project"));
    if (!release.projects.some((p) => p.id === project.id)) throw notFound(`release ${version.slice(0, 200)} does not exist in project ${project.slug}`);
  }
  return release;
}
