import type { ApiShortIdLookup } from "../contract/index.ts";
import type { Issue } from "../store/types.ts";
import { apiLinks, param, requireOrganization, type ApiDeps, type RouteFn } from "./context.ts";
import { notFound } from "../http/errors.ts";
import { listStatusDetails } from "./issue-resolution.ts";
import { serializeIssue } from "./serialize/issues.ts";
import { loadIssuePeople } from "./assignment.ts";

/**
 * Short ids (`MY-PROJECT-1A`: the project slug upper-cased, a dash, a per-project counter in base
 * 36): `GET /api/0/organizations/{org}/shortids/{short_id}/` in Sentry's shape, and the lookup
 * the issue routes use so `/issues/MY-PROJECT-1A/` works like the numeric id.
 */
export function mountShortIdRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/shortids/:shortId", async (event): Promise<ApiShortIdLookup> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const shortId = param(event, "shortId");
    const issue = await findIssueByShortId(deps, shortId);
    const project = issue ? await deps.store.getProject(issue.projectId) : undefined;
    if (!issue || !project) throw notFound(`no issue with short id ${shortId.slice(0, 80)}`);
    return {
      organizationSlug: org.slug, projectSlug: project.slug, groupId: String(issue.id), shortId: shortId.toUpperCase(),
      group: serializeIssue(issue, project, apiLinks(deps), {
        spike: (await deps.store.spikeStats([issue.id], deps.clock.now()))[0],
        statusDetails: (await listStatusDetails(deps, [issue])).get(issue.id) ?? {},
        ...(await loadIssuePeople(deps, [issue.id]))(issue.id),
      }),
    };
  });
}

/** The issue a short id names, or undefined (also for text that is not a short id). */
export async function findIssueByShortId(deps: ApiDeps, raw: string): Promise<Issue | undefined> {
  const m = /^(.+)-([0-9a-z]{1,12})$/i.exec(raw.trim());
  if (!m) return undefined;
  const project = await deps.store.getProject(m[1]!.toLowerCase());
  if (!project) return undefined;
  const counter = parseInt(m[2]!, 36);
  return Number.isSafeInteger(counter) ? deps.store.getIssueByShortId(project.id, counter) : undefined;
}
