import type { AttemptLimiter } from "./attempt-limiter.ts";
import { HTTPError, type H3Event } from "h3";
import { badRequest, notFound } from "../http/errors.ts";
import type { z } from "zod";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Organization, Project, Store } from "../store/types.ts";
import type { Symbolicator } from "../sourcemaps/symbolicate.ts";
import type { EmailChannel } from "../alerts/channels/email.ts";
import { readBodyCapped } from "./request-body.ts";
import type { ApiLinks } from "./serialize/links.ts";

/** Registers an authenticated, scope-checked route under both spellings (with and without the trailing "/"); see app.ts. */
export type RouteFn = (method: "GET" | "PUT" | "POST" | "DELETE", path: string, handler: (event: H3Event) => Promise<unknown>) => void;

/** What every API handler needs; built once in the composition root. */
export interface ApiDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** the URL SDKs and browsers reach this server at, e.g. http://127.0.0.1:8000 */
  publicUrl: () => string;
  /** the alert SMTP channel (the "send a test email" action) */
  alertEmail?: EmailChannel;
  /** source-map symbolication: events viewed before their maps were uploaded are symbolicated on read */
  symbolicator?: Symbolicator;
  /** sign-in attempt counters (the login throttle): in memory, or shared by the nodes of a PostgreSQL installation */
  loginAttempts?: AttemptLimiter;
}


export function param(event: H3Event, name: string): string {
  const value = event.context.params?.[name];
  if (value === undefined) throw badRequest(`missing path parameter ${name}`);
  return decodeURIComponent(value);
}

/** The organization named in the path: the installation's only one, by slug or id. */
export async function requireOrganization(deps: ApiDeps, slugOrId: string): Promise<Organization> {
  const org = await deps.store.getOrganization();
  if (!org || (org.slug !== slugOrId && String(org.id) !== slugOrId)) throw notFound();
  return org;
}

/** The public URL and organization slug that links in answers are built from. */
export function apiLinks(deps: ApiDeps): ApiLinks {
  return { publicUrl: deps.publicUrl(), organizationSlug: deps.config.orgSlug };
}

/**
 * The projects a `project` query parameter names (ids or slugs, repeated); none, or `-1` as
 * Sentry's clients send for "all projects", is every project.
 */
export async function resolveProjectScope(deps: ApiDeps, wanted: string | string[] | undefined): Promise<Project[]> {
  const refs = wanted === undefined ? [] : Array.isArray(wanted) ? wanted : [wanted];
  const all = await deps.store.listProjects();
  if (refs.length === 0 || refs.includes("-1")) return all;
  return all.filter((p) => refs.includes(String(p.id)) || refs.includes(p.slug));
}

/** A project by slug or numeric id (sentry-cli may send either). */
export async function requireProject(deps: ApiDeps, slugOrId: string): Promise<Project> {
  const project = (await deps.store.getProject(slugOrId)) ?? (/^\d+$/.test(slugOrId) ? await deps.store.getProject(Number(slugOrId)) : undefined);
  if (!project) throw notFound();
  return project;
}

/** Projects named by slug or id in a request body (sentry-cli sends ids as numbers); 400 names an unknown one. */
export async function resolveProjectRefs(deps: ApiDeps, refs: (string | number)[]): Promise<Project[]> {
  const out: Project[] = [];
  for (const ref of refs) {
    const project = await deps.store.getProject(ref) ?? (typeof ref === "string" && /^\d+$/.test(ref) ? await deps.store.getProject(Number(ref)) : undefined);
    if (!project) throw badRequest(`Invalid project ids or slugs: ${String(ref).slice(0, 100)}`);
    if (!out.some((p) => p.id === project.id)) out.push(project);
  }
  return out;
}

/** Validates query parameters (repeated ones as arrays) with a zod schema; 400 names the bad one. */
export function parseQuery<T extends z.ZodType>(event: H3Event, schema: T): z.infer<T> {
  const raw: Record<string, string | string[]> = {};
  for (const [key, value] of event.url.searchParams) {
    const prev = raw[key];
    raw[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return validate(schema, raw, "query parameter");
}

/** bytes; the largest JSON body any web-API route accepts (uploads have their own caps). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * Reads and validates a JSON body; 400 names the field that was wrong. The body is counted as it
 * streams in and refused with 413 at the cap, so no request (signed in or not) is buffered whole.
 */
export async function parseJsonBody<T extends z.ZodType>(event: H3Event, schema: T): Promise<z.infer<T>> {
  const text = (await readBodyCapped(event, MAX_JSON_BODY_BYTES, `request body too large: the limit is ${MAX_JSON_BODY_BYTES} bytes`)).toString("utf8");
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch (err) {
    throw badRequest(`request body is not valid JSON: ${(err as Error).message}`);
  }
  return validate(schema, data, "field");
}

export function validate<T extends z.ZodType>(schema: T, data: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join(".");
  throw badRequest(path ? `invalid ${what} "${path}": ${issue.message}` : `invalid ${what}: ${issue.message}`);
}
