import { HTTPError } from "h3";
import { z } from "zod";
import { PROJECT_SLUG, slugify } from "../projects/project-slug.ts";
import type { ApiTeam } from "../contract/index.ts";
import { param, parseJsonBody, requireOrganization, type ApiDeps, type RouteFn } from "./context.ts";
import { notFound } from "../http/errors.ts";
import { createProject } from "../projects/create-project.ts";
import { serializeCreatedProject, serializeTeam } from "./serialize/organizations.ts";

/**
 * LightTrace has no teams; Sentry's project-creation path goes through one, so the organization
 * has a single implicit team with this slug. Other team slugs are 404, as in Sentry.
 */
export const DEFAULT_TEAM_SLUG = "default";

const createProjectSchema = z.object({
  name: z.string().trim().min(1, "a project needs a name").max(200),
  slug: PROJECT_SLUG.optional(),
  platform: z.string().regex(/^[a-z0-9.-]{1,64}$/, "lowercase platform name such as node or javascript").nullish(),
}).loose();

/** `GET /organizations/{org}/teams/` and `POST /teams/{org}/{team}/projects/` (Sentry's create-project). */
export function mountTeamRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/teams", async (event): Promise<ApiTeam[]> => {
    const org = await requireOrganization(deps, param(event, "org"));
    return [serializeTeam(DEFAULT_TEAM_SLUG, org)];
  });
  route("POST", "/api/0/teams/:org/:team/projects", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    if (param(event, "team") !== DEFAULT_TEAM_SLUG) throw notFound(`no team "${param(event, "team").slice(0, 50)}" (LightTrace has one team, "${DEFAULT_TEAM_SLUG}")`);
    const body = await parseJsonBody(event, createProjectSchema);
    const slug = body.slug ?? slugify(body.name);
    if (!PROJECT_SLUG.safeParse(slug).success) throw new HTTPError({ status: 400, message: `cannot derive a slug from "${body.name.slice(0, 50)}"; pass one` });
    if (await deps.store.getProject(slug)) throw new HTTPError({ status: 409, message: "A project with this slug already exists." });
    const { project, key } = await createProject(deps.store, { slug, name: body.name, platform: body.platform ?? null, organizationId: org.id });
    // Sentry answers with the project; the DSN is added so a client needs no second request.
    return Response.json(serializeCreatedProject(project, key, org, deps.publicUrl()), { status: 201 });
  });
}
