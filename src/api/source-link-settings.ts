import { z } from "zod";
import type { ApiSourceLinkSettings } from "../contract/index.ts";
import { repositoryNameFromUrl } from "../sourcemaps/source-links.ts";
import { param, parseJsonBody, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest } from "../http/errors.ts";
import { requireScopeLevel } from "./scopes.ts";
import { serializeSourceLinkSettings } from "./serialize/project-settings.ts";

/**
 * LightTrace's per-project source-link settings (no Sentry equivalent without its SCM integrations):
 * the repository URL, an optional URL template, and the stack-root → source-root path mapping.
 */
export function mountSourceLinkRoutes(deps: ApiDeps, route: RouteFn): void {
  const path = "/api/0/projects/:org/:project/source-links";
  route("GET", path, async (event): Promise<ApiSourceLinkSettings> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const settings = await deps.store.getSourceLinkSettings(project.id);
    return serializeSourceLinkSettings(settings);
  });
  route("PUT", path, async (event): Promise<ApiSourceLinkSettings> => {
    // project settings, like quotas and retention: admin tokens (and signed-in users) only
    requireScopeLevel(event, "admin");
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const body = await parseJsonBody(event, SETTINGS);
    const repository = body.repository || repositoryNameFromUrl(body.repositoryUrl);
    if (!repository) throw badRequest('invalid field "repository": cannot be derived from the repository URL; give it as owner/repo');
    const saved = await deps.store.setSourceLinkSettings(project.id, {
      repository, repositoryUrl: body.repositoryUrl.replace(/\/+$/, ""), urlTemplate: body.urlTemplate ?? "",
      stackRoot: body.stackRoot ?? "", sourceRoot: body.sourceRoot ?? "",
    }, deps.clock.now() / 1000);
    return serializeSourceLinkSettings(saved);
  });
  route("DELETE", path, async (event) => {
    requireScopeLevel(event, "admin");
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    await deps.store.setSourceLinkSettings(project.id, null, deps.clock.now() / 1000);
    event.res.status = 204;
    return null;
  });
}

// --- Internal ---

const SETTINGS = z.object({
  repositoryUrl: z.url({ protocol: /^https?$/ }).max(500),
  repository: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, "owner/repo").max(200).optional().or(z.literal("")),
  urlTemplate: z.string().max(500).refine((t) => t === "" || (t.includes("{path}") && /^https?:\/\//.test(t)), "an http(s) URL containing {path} (and usually {commit} and {line})").optional(),
  stackRoot: z.string().max(500).optional(),
  sourceRoot: z.string().max(500).refine((s) => !s.includes(".."), "cannot contain ..").optional(),
}).loose();
