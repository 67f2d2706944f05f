import { randomUUID } from "node:crypto";
import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiCheckIn, ApiMonitor, ApiMonitorProcessingError } from "../contract/monitors.ts";
import { badRequest, httpError, notFound } from "../http/errors.ts";
import { parseMonitorConfig, webConfigToSdk } from "../monitors/config.ts";
import { slugifyMonitorSlug } from "../monitors/check-in.ts";
import type { StoredMonitor } from "../store/model/monitors.ts";
import type { Project } from "../store/types.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, resolveProjectScope, type ApiDeps, type RouteFn } from "./context.ts";
import { CURSOR_PARAM, linkHeader, pageSize, parseCursor } from "./pagination.ts";
import { resolveTimeRange, TIME_RANGE_PARAMS } from "./time-range.ts";
import { serializeCheckIn, serializeMonitor, serializeMonitorConfig, serializeProcessingError } from "./serialize/monitors.ts";

const LIST_QUERY = z.object({
  project: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.union([z.string(), z.array(z.string())]).optional(),
  query: z.string().max(200).optional(),
  owner: z.union([z.string(), z.array(z.string())]).optional(),
  per_page: z.coerce.number().int().min(1).max(100).optional(),
  cursor: CURSOR_PARAM,
}).loose();

const CHECKINS_QUERY = z.object({
  ...TIME_RANGE_PARAMS,
  environment: z.union([z.string(), z.array(z.string())]).optional(),
  per_page: z.coerce.number().int().min(1).max(100).optional(),
  cursor: CURSOR_PARAM,
}).loose();

const SLUG = z.string().trim().min(1).max(50).regex(/^[a-z0-9_-]+$/, "a slug is lowercase letters, digits, - and _");

const CREATE_BODY = z.object({
  project: z.union([z.string(), z.number()]).optional(),
  name: z.string().trim().min(1).max(128),
  slug: SLUG.optional(),
  type: z.literal("cron_job").optional(),
  status: z.enum(["active", "disabled"]).optional(),
  isMuted: z.boolean().optional(),
  owner: z.string().max(200).nullish(),
  config: z.record(z.string(), z.unknown()),
}).loose();

const UPDATE_BODY = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  slug: SLUG.optional(),
  status: z.enum(["active", "disabled"]).optional(),
  isMuted: z.boolean().optional(),
  owner: z.string().max(200).nullish(),
  config: z.record(z.string(), z.unknown()).optional(),
}).loose();

const ENV_BODY = z.object({ isMuted: z.boolean() }).loose();

/**
 * Sentry's cron monitor API (docs/sentry-crons.md §1.6): list, create, read, update (name,
 * slug, config, mute, disable), delete (a monitor, or one environment with `?environment=`), check-ins,
 * an environment's mute, and the check-ins that could not be processed. Under the organization
 * (`/organizations/{org}/monitors/…`, slugs found across its projects; `?project=` picks one) and
 * the project (`/projects/{org}/{project}/monitors/…`).
 */
export function mountMonitorRoutes(deps: ApiDeps, route: RouteFn): void {
  for (const scope of ["org", "project"] as const) {
    const base = scope === "org" ? "/api/0/organizations/:org/monitors" : "/api/0/projects/:org/:project/monitors";
    route("GET", base, async (event) => _list(deps, event, scope));
    route("POST", base, async (event) => _create(deps, event, scope));
    route("GET", `${base}/:slug`, async (event): Promise<ApiMonitor> => {
      const { monitor, project } = await _monitor(deps, event, scope);
      return _serialize(deps, monitor, project);
    });
    route("PUT", `${base}/:slug`, async (event): Promise<ApiMonitor> => _update(deps, event, scope));
    route("DELETE", `${base}/:slug`, async (event) => {
      const { monitor } = await _monitor(deps, event, scope);
      const environment = event.url.searchParams.get("environment");
      const deleted = environment === null ? await deps.store.monitors.deleteMonitor(monitor.id) : await deps.store.monitors.deleteMonitorEnvironment(monitor.id, environment);
      if (!deleted) throw notFound();
      return new Response(null, { status: 202 });
    });
    route("GET", `${base}/:slug/checkins`, async (event) => _checkIns(deps, event, scope));
    route("PUT", `${base}/:slug/environments/:environment`, async (event): Promise<ApiMonitor> => {
      const { monitor, project } = await _monitor(deps, event, scope);
      const { isMuted } = await parseJsonBody(event, ENV_BODY);
      if (!(await deps.store.monitors.setMonitorEnvironmentMuted(monitor.id, param(event, "environment"), isMuted))) throw notFound();
      return _serialize(deps, monitor, project);
    });
    route("GET", `${base}/:slug/processing-errors`, async (event): Promise<ApiMonitorProcessingError[]> => {
      const { monitor, project } = await _monitor(deps, event, scope);
      return (await deps.store.monitors.listProcessingErrors(project.id, 100)).filter((e) => e.monitorSlug === monitor.slug).map(serializeProcessingError);
    });
  }
  route("GET", "/api/0/projects/:org/:project/processing-errors", async (event): Promise<ApiMonitorProcessingError[]> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return (await deps.store.monitors.listProcessingErrors(project.id, 100)).map(serializeProcessingError);
  });
}

// --- Internal ---

type Scope = "org" | "project";

async function _list(deps: ApiDeps, event: H3Event, scope: Scope): Promise<Response> {
  await requireOrganization(deps, param(event, "org"));
  const q = parseQuery(event, LIST_QUERY);
  const projects = scope === "project" ? [await requireProject(deps, param(event, "project"))] : await resolveProjectScope(deps, q.project);
  const byId = new Map(projects.map((p) => [p.id, p]));
  const environments = q.environment === undefined ? [] : Array.isArray(q.environment) ? q.environment : [q.environment];
  const words = (q.query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  let monitors = await deps.store.monitors.listMonitors([...byId.keys()]);
  if (words.length) monitors = monitors.filter((m) => words.every((w) => m.slug.includes(w) || m.name.toLowerCase().includes(w)));
  const envs = await deps.store.monitors.listMonitorEnvironments(monitors.map((m) => m.id));
  if (environments.length) monitors = monitors.filter((m) => envs.some((e) => e.monitorId === m.id && environments.includes(e.environment)));
  const limit = pageSize(q, 100);
  const offset = parseCursor(q.cursor);
  const page = monitors.slice(offset, offset + limit);
  const incidents = await deps.store.monitors.listIncidents(envs.filter((e) => e.status === "error").map((e) => e.id), 1000);
  const body = page.map((m) => serializeMonitor(m, byId.get(m.projectId)!, envs.filter((e) => e.monitorId === m.id && (!environments.length || environments.includes(e.environment))), incidents));
  return Response.json(body, { headers: { Link: linkHeader(event.url, offset, limit, monitors.length > offset + limit) } });
}

async function _create(deps: ApiDeps, event: H3Event, scope: Scope): Promise<Response> {
  await requireOrganization(deps, param(event, "org"));
  const body = await parseJsonBody(event, CREATE_BODY);
  const projectRef = scope === "project" ? param(event, "project") : body.project;
  if (projectRef === undefined) throw badRequest("invalid field \"project\": a monitor belongs to a project (its slug or id)");
  const project = await requireProject(deps, String(projectRef));
  const slug = body.slug ?? slugifyMonitorSlug(body.name);
  if (!slug) throw badRequest("invalid field \"slug\": the name has no letters or digits to make a slug of");
  const config = parseMonitorConfig(webConfigToSdk({ ...body.config, ...(body.owner !== undefined ? { owner: body.owner } : {}) }), "config");
  if (await deps.store.monitors.getMonitor(project.id, slug)) throw httpError(400, `invalid field "slug": the monitor "${slug}" already exists in this project`);
  const nowSec = deps.clock.now() / 1000;
  let monitor = await deps.store.monitors.upsertMonitor({ projectId: project.id, slug, name: body.name, config }, randomUUID().replace(/-/g, ""), nowSec);
  if (body.status !== undefined || body.isMuted !== undefined) {
    monitor = (await deps.store.monitors.updateMonitor(monitor.id, { ...(body.status ? { status: body.status } : {}), ...(body.isMuted !== undefined ? { isMuted: body.isMuted } : {}) }, nowSec))!;
  }
  return Response.json(await _serialize(deps, monitor, project), { status: 201 });
}

async function _update(deps: ApiDeps, event: H3Event, scope: Scope): Promise<ApiMonitor> {
  const { monitor, project } = await _monitor(deps, event, scope);
  const body = await parseJsonBody(event, UPDATE_BODY);
  let config = undefined;
  if (body.config !== undefined || body.owner !== undefined) {
    const current = { ...serializeMonitorConfig(monitor.config), owner: monitor.config.owner };
    config = parseMonitorConfig(webConfigToSdk({ ...current, ...(body.config ?? {}), ...(body.owner !== undefined ? { owner: body.owner } : {}) }), "config");
  }
  if (body.slug !== undefined && body.slug !== monitor.slug && await deps.store.monitors.getMonitor(project.id, body.slug)) {
    throw badRequest(`invalid field "slug": the monitor "${body.slug}" already exists in this project`);
  }
  const updated = await deps.store.monitors.updateMonitor(monitor.id, {
    ...(body.name !== undefined ? { name: body.name } : {}), ...(body.slug !== undefined ? { slug: body.slug } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}), ...(body.isMuted !== undefined ? { isMuted: body.isMuted } : {}),
    ...(config ? { config } : {}),
  }, deps.clock.now() / 1000);
  if (!updated) throw notFound();
  return _serialize(deps, updated, project);
}

async function _checkIns(deps: ApiDeps, event: H3Event, scope: Scope): Promise<Response> {
  const { monitor } = await _monitor(deps, event, scope);
  const q = parseQuery(event, CHECKINS_QUERY);
  const range = resolveTimeRange(q, deps.clock.now());
  const environments = q.environment === undefined ? [] : Array.isArray(q.environment) ? q.environment : [q.environment];
  const limit = pageSize(q, 50);
  const offset = parseCursor(q.cursor);
  const rows = await deps.store.monitors.listCheckIns(monitor.id, {
    ...(environments.length === 1 ? { environment: environments[0]! } : {}), ...(range ? { sinceSec: range.startSec } : {}), limit: limit + 1, offset,
  });
  const kept = rows.filter((c) => (!range || c.createdAtSec <= range.endSec) && (environments.length <= 1 || environments.includes(c.environment)));
  const body: ApiCheckIn[] = kept.slice(0, limit).map((c) => serializeCheckIn(c, monitor.config));
  return Response.json(body, { headers: { Link: linkHeader(event.url, offset, limit, rows.length > limit) } });
}

/** The monitor named in the path: in the project, or in the organization (`?project=` narrows it). */
async function _monitor(deps: ApiDeps, event: H3Event, scope: Scope): Promise<{ monitor: StoredMonitor; project: Project }> {
  await requireOrganization(deps, param(event, "org"));
  const slug = param(event, "slug");
  const projects = scope === "project" ? [await requireProject(deps, param(event, "project"))]
    : await resolveProjectScope(deps, event.url.searchParams.getAll("project").length ? event.url.searchParams.getAll("project") : undefined);
  for (const project of projects) {
    const monitor = await deps.store.monitors.getMonitor(project.id, slug);
    if (monitor) return { monitor, project };
  }
  // Sentry also takes the monitor's id (a UUID) where the slug goes
  const hex = slug.replace(/-/g, "").toLowerCase();
  if (/^[0-9a-f]{32}$/.test(hex)) {
    const monitor = (await deps.store.monitors.listMonitors(projects.map((p) => p.id))).find((m) => m.guid === hex);
    if (monitor) return { monitor, project: projects.find((p) => p.id === monitor.projectId)! };
  }
  throw notFound("Monitor not found");
}

async function _serialize(deps: ApiDeps, monitor: StoredMonitor, project: Project): Promise<ApiMonitor> {
  const envs = await deps.store.monitors.listMonitorEnvironments([monitor.id]);
  const incidents = await deps.store.monitors.listIncidents(envs.map((e) => e.id), 50);
  return serializeMonitor(monitor, project, envs, incidents);
}
