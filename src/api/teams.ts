import { HTTPError } from "h3";
import { z } from "zod";
import { PROJECT_SLUG, slugify } from "../projects/project-slug.ts";
import type { ApiTeam } from "../contract/index.ts";
import { param, parseJsonBody, requireOrganization, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, httpError, notFound } from "../http/errors.ts";
import { EMAIL_ADDRESS } from "../alert-rules/rule-schema.ts";
import type { Team } from "../store/model/activity.ts";
import { createProject } from "../projects/create-project.ts";
import { serializeCreatedProject, serializeRoutingTeam, serializeTeam } from "./serialize/organizations.ts";

/**
 * Sentry's project-creation path goes through a team, so the organization has one implicit team
 * with this slug that every project belongs to.
 */
export const DEFAULT_TEAM_SLUG = "default";

const createProjectSchema = z.object({
  name: z.string().trim().min(1, "a project needs a name").max(200),
  slug: PROJECT_SLUG.optional(),
  platform: z.string().regex(/^[a-z0-9.-]{1,64}$/, "lowercase platform name such as node or javascript").nullish(),
}).loose();

/** Routing-team slugs follow Sentry's slug rules; `default` is the implicit team's. */
const TEAM_SLUG = PROJECT_SLUG.refine((s) => s !== DEFAULT_TEAM_SLUG, `"${DEFAULT_TEAM_SLUG}" is the implicit team every project belongs to`);
const createTeamSchema = z.object({
  slug: TEAM_SLUG.optional(),
  name: z.string().trim().min(1).max(200).optional(),
}).loose().refine((b) => b.slug !== undefined || b.name !== undefined, "a team needs a slug or a name");
const memberSchema = z.object({ email: EMAIL_ADDRESS.transform((e) => e.toLowerCase()) }).loose();

/**
 * Teams: the implicit `default` team every project belongs to (Sentry's create-project path goes
 * through it), plus routing teams — named groups of member emails that ownership rules (`#slug`),
 * assignment (`team:slug`) and alert actions (`targetType: Team`) name. A member need not be a
 * LightTrace user to receive mail. `GET/POST /organizations/{org}/teams/`, `GET/DELETE
 * /teams/{org}/{team}/`, `GET/POST /teams/{org}/{team}/members/` (`{"email"}`) and
 * `DELETE /teams/{org}/{team}/members/{email}/`; `POST /teams/{org}/{team}/projects/` creates a project.
 */
export function mountTeamRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/teams", async (event): Promise<ApiTeam[]> => {
    const org = await requireOrganization(deps, param(event, "org"));
    return [serializeTeam(DEFAULT_TEAM_SLUG, org), ...(await deps.store.listTeams(org.id)).map(serializeRoutingTeam)];
  });
  route("POST", "/api/0/organizations/:org/teams", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const body = await parseJsonBody(event, createTeamSchema);
    const slug = body.slug ?? slugify(body.name!);
    if (!TEAM_SLUG.safeParse(slug).success) throw badRequest(`cannot derive a team slug from "${body.name!.slice(0, 50)}"; pass one`);
    const team = await deps.store.createTeam({ organizationId: org.id, slug, name: body.name ?? slug, nowSec: deps.clock.now() / 1000 });
    if (!team) throw httpError(409, "A team with this slug already exists.");
    return Response.json(serializeRoutingTeam(team), { status: 201 });
  });
  route("GET", "/api/0/teams/:org/:team", async (event): Promise<ApiTeam> => {
    const org = await requireOrganization(deps, param(event, "org"));
    if (param(event, "team") === DEFAULT_TEAM_SLUG) return serializeTeam(DEFAULT_TEAM_SLUG, org);
    return serializeRoutingTeam(await requireTeam(deps, org.id, param(event, "team")));
  });
  route("DELETE", "/api/0/teams/:org/:team", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    if (param(event, "team") === DEFAULT_TEAM_SLUG) throw badRequest(`"${DEFAULT_TEAM_SLUG}" is the team every project belongs to; it cannot be deleted`);
    await deps.store.deleteTeam((await requireTeam(deps, org.id, param(event, "team"))).id);
    return new Response(null, { status: 204 });
  });
  route("GET", "/api/0/teams/:org/:team/members", async (event): Promise<{ email: string }[]> => {
    const org = await requireOrganization(deps, param(event, "org"));
    return (await requireTeam(deps, org.id, param(event, "team"))).memberEmails.map((email) => ({ email }));
  });
  route("POST", "/api/0/teams/:org/:team/members", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const team = await requireTeam(deps, org.id, param(event, "team"));
    const { email } = await parseJsonBody(event, memberSchema);
    await deps.store.addTeamMember(team.id, email, deps.clock.now() / 1000);
    return Response.json(serializeRoutingTeam((await deps.store.getTeam(org.id, team.slug))!), { status: 201 });
  });
  route("DELETE", "/api/0/teams/:org/:team/members/:email", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const team = await requireTeam(deps, org.id, param(event, "team"));
    if (!(await deps.store.removeTeamMember(team.id, param(event, "email").toLowerCase()))) throw notFound(`${param(event, "email").slice(0, 100)} is not a member of #${team.slug}`);
    return new Response(null, { status: 204 });
  });
  route("POST", "/api/0/teams/:org/:team/projects", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    if (param(event, "team") !== DEFAULT_TEAM_SLUG) throw notFound(`no team "${param(event, "team").slice(0, 50)}" to create projects in (every project belongs to "${DEFAULT_TEAM_SLUG}")`);
    const body = await parseJsonBody(event, createProjectSchema);
    const slug = body.slug ?? slugify(body.name);
    if (!PROJECT_SLUG.safeParse(slug).success) throw new HTTPError({ status: 400, message: `cannot derive a slug from "${body.name.slice(0, 50)}"; pass one` });
    if (await deps.store.getProject(slug)) throw new HTTPError({ status: 409, message: "A project with this slug already exists." });
    const { project, key } = await createProject(deps.store, { slug, name: body.name, platform: body.platform ?? null, organizationId: org.id });
    // Sentry answers with the project; the DSN is added so a client needs no second request.
    return Response.json(serializeCreatedProject(project, key, org, deps.publicUrl()), { status: 201 });
  });
}

/** A routing team by slug, 404 naming it. */
export async function requireTeam(deps: ApiDeps, organizationId: number, slug: string): Promise<Team> {
  const team = await deps.store.getTeam(organizationId, slug);
  if (!team) throw notFound(`no team "${slug.slice(0, 50)}"`);
  return team;
}
