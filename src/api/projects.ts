import type { ApiOrganization, ApiOrganizationDetail, ApiProject, ApiProjectKey } from "../contract/index.ts";
import type { ApiDeps } from "./context.ts";
import { apiLinks, param, requireOrganization, requireProject, type RouteFn } from "./context.ts";
import { serializeOrganization, serializeOrganizationDetail, serializeProject, serializeProjectKey } from "./serialize/organizations.ts";

/** The installation's organization, its projects and their DSN keys. */
export function mountProjectRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations", async (): Promise<ApiOrganization[]> => {
    const org = await deps.store.getOrganization();
    return org ? [serializeOrganization(org, apiLinks(deps))] : [];
  });
  route("GET", "/api/0/organizations/:org", async (event): Promise<ApiOrganizationDetail> => {
    const org = await requireOrganization(deps, param(event, "org"));
    return serializeOrganizationDetail(org, await deps.store.listProjects(), apiLinks(deps));
  });
  route("GET", "/api/0/organizations/:org/projects", async (event): Promise<ApiProject[]> => {
    const org = await requireOrganization(deps, param(event, "org"));
    return (await deps.store.listProjects()).map((p) => serializeProject(p, org));
  });
  route("GET", "/api/0/projects", async (): Promise<ApiProject[]> => {
    const org = await deps.store.getOrganization();
    return (await deps.store.listProjects()).map((p) => serializeProject(p, org));
  });
  route("GET", "/api/0/projects/:org/:project", async (event): Promise<ApiProject> => {
    const org = await requireOrganization(deps, param(event, "org"));
    return serializeProject(await requireProject(deps, param(event, "project")), org);
  });
  route("GET", "/api/0/projects/:org/:project/keys", async (event): Promise<ApiProjectKey[]> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return (await deps.store.listProjectKeys(project.id)).map((k) => serializeProjectKey(k, deps.publicUrl()));
  });
}
