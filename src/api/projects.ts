import type { ApiDeps } from "./context.ts";
import { param, requireOrganization, requireProject } from "./context.ts";
import type { RouteFn } from "./issues.ts";
import { serializeOrganization, serializeProject, serializeProjectKey } from "./serialize.ts";

/** The installation's organization, its projects and their DSN keys. */
export function mountProjectRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations", async () => {
    const org = await deps.store.getOrganization();
    return org ? [serializeOrganization(org)] : [];
  });
  route("GET", "/api/0/organizations/:org", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    return { ...serializeOrganization(org), projects: (await deps.store.listProjects()).map((p) => serializeProject(p)) };
  });
  route("GET", "/api/0/organizations/:org/projects", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    return (await deps.store.listProjects()).map((p) => serializeProject(p, org));
  });
  route("GET", "/api/0/projects", async () => {
    const org = await deps.store.getOrganization();
    return (await deps.store.listProjects()).map((p) => serializeProject(p, org));
  });
  route("GET", "/api/0/projects/:org/:project", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    return serializeProject(await requireProject(deps, param(event, "project")), org);
  });
  route("GET", "/api/0/projects/:org/:project/keys", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return (await deps.store.listProjectKeys(project.id)).map((k) => serializeProjectKey(k, deps.publicUrl()));
  });
}
