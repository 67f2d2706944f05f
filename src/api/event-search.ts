import { z } from "zod";
import type { ApiEventSearch, ApiEventsValidation, ApiFieldValidationItem } from "../contract/index.ts";
import type { Project } from "../store/types.ts";
import { param, parseQuery, requireOrganization, resolveProjectScope, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest } from "../http/errors.ts";
import { runDiscover, type Selected } from "./discover/engine.ts";
import type { FieldType } from "./discover/fields.ts";
import { compileEventQuery, createResolver, DEFAULT_FIELDS, parseSorts, presentRows, type DiscoverResolver } from "./discover/request.ts";
import { CURSOR_PARAM, offsetPageLinks, pageSize, parseCursor } from "./pagination.ts";
import { QuerySyntaxError, tokenizeSearch } from "./search-syntax.ts";
import { resolveTimeRange, TIME_RANGE_PARAMS } from "./time-range.ts";

const LIST = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** Datasets whose events LightTrace stores and searches here; `discover` is Sentry's older name for the same query. */
const DATASETS = new Set(["errors", "discover", "error"]);

const querySchema = z.object({
  field: LIST,
  query: z.string().max(4000).optional(),
  sort: LIST,
  orderby: LIST,
  per_page: z.coerce.number().int().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: CURSOR_PARAM,
  project: LIST,
  environment: LIST,
  dataset: z.string().max(40).optional(),
  ...TIME_RANGE_PARAMS,
}).loose();

type EventQuery = z.infer<typeof querySchema>;

/**
 * Sentry's event query endpoint over stored error events:
 * `GET /api/0/organizations/{org}/events/?dataset=errors&field=issue&field=count()&query=level:error&sort=-count()&statsPeriod=7d`
 * answers `{data: [{field: value}], meta: {fields: {field: type}}}` with a `Link` header, and
 * `…/events/validate/` checks such a query part by part. Unknown fields and unsupported
 * functions or datasets are 400s that name them.
 */
export function mountEventSearchRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/events", async (event): Promise<ApiEventSearch> => {
    await requireOrganization(deps, param(event, "org"));
    const q = parseQuery(event, querySchema);
    _checkDataset(q.dataset);
    const projects = await resolveProjectScope(deps, q.project);
    const nowMs = deps.clock.now();
    // bad syntax, unknown fields and functions are QuerySyntaxErrors: 400s naming them (src/http/errors.ts)
    const resolver = createResolver(deps, projects, nowMs / 1000);
    const selected = await _select(resolver, q.field.length ? q.field : DEFAULT_FIELDS);
    const timeRange = resolveTimeRange(q, nowMs);
    const search = await compileEventQuery(resolver, q.query ?? "", { environments: q.environment, timeRange });
    const offset = parseCursor(q.cursor);
    const limit = pageSize(q, 50);
    const result = await runDiscover(deps, { selected, search, sort: parseSorts(q.sort.length ? q.sort : q.orderby), offset, limit, ...(timeRange ? { timeRange } : {}) });
    event.res.headers.set("Link", offsetPageLinks(event.url, offset, limit, result.nextOffset));
    return {
      data: await presentRows(deps, result.rows, selected, projects) as ApiEventSearch["data"],
      meta: {
        fields: Object.fromEntries(selected.map((s) => [s.spec.name, s.spec.type])),
        units: Object.fromEntries(selected.map((s) => [s.spec.name, null])),
        dataset: "errors", isMetricsData: false, isMetricsExtractedData: false, datasetReason: "unchanged",
        tips: { query: null, columns: null },
        dataScanned: result.partial ? "partial" : "full",
      },
    };
  });
  route("GET", "/api/0/organizations/:org/events/validate", async (event): Promise<ApiEventsValidation> => {
    await requireOrganization(deps, param(event, "org"));
    const q = parseQuery(event, querySchema);
    const projects = await resolveProjectScope(deps, q.project);
    return _validate(deps, q, projects);
  });
}

// --- Internal ---

function _checkDataset(dataset: string | undefined): void {
  if (dataset !== undefined && !DATASETS.has(dataset)) {
    throw badRequest(`dataset "${dataset.slice(0, 40)}" is not searchable here: LightTrace's event search covers error events (dataset=errors); traces are at /organizations/{org}/trace/{trace_id}/`);
  }
}

async function _select(resolver: DiscoverResolver, names: string[]): Promise<Selected[]> {
  const out: Selected[] = [];
  for (const name of names) if (!out.some((s) => s.spec.name === name)) out.push(await resolver.selected(name));
  return out;
}

function _attrType(type: FieldType): ApiFieldValidationItem["attrType"] {
  return type === "integer" || type === "number" ? "number" : type === "boolean" ? "boolean" : "string";
}

/** Checks each part of a query the way the event endpoint would run it, without running it. */
async function _validate(deps: ApiDeps, q: EventQuery, projects: Project[]): Promise<ApiEventsValidation> {
  const nowMs = deps.clock.now();
  const resolver = createResolver(deps, projects, nowMs / 1000);
  const attempt = async <T>(run: () => Promise<T>): Promise<{ value?: T; error: string | null }> => {
    try {
      return { value: await run(), error: null };
    } catch (err) {
      if (err instanceof QuerySyntaxError || (err as { status?: number }).status === 400) return { error: (err as Error).message };
      throw err;
    }
  };
  const fieldItem = async (name: string): Promise<ApiFieldValidationItem> => {
    const r = await attempt(() => resolver.selected(name));
    return { name, valid: r.error === null, attrType: r.value ? _attrType(r.value.spec.type) : null, error: r.error };
  };
  const datasetOk = q.dataset === undefined || DATASETS.has(q.dataset);
  const field = await Promise.all(q.field.map(fieldItem));
  const orderby = await Promise.all((q.orderby.length ? q.orderby : q.sort).map((o) => fieldItem(o.replace(/^-/, ""))));
  const queryFields: ApiFieldValidationItem[] = [];
  const tokens = await attempt(async () => tokenizeSearch(q.query ?? ""));
  for (const t of tokens.value ?? []) {
    if (t.kind !== "filter" || ["is", "has", "project", "timestamp", "event.timestamp"].includes(t.key)) continue;
    if (!queryFields.some((f) => f.name === t.key)) queryFields.push(await fieldItem(t.key));
  }
  const compiled = tokens.error ?? (await attempt(async () => {
    const timeRange = resolveTimeRange(q, nowMs);
    return compileEventQuery(resolver, q.query ?? "", { environments: q.environment, timeRange });
  })).error;
  const refs = q.project.filter((p) => p !== "-1");
  const result: ApiEventsValidation = {
    valid: false,
    projects: refs.map((ref) => ({ valid: projects.some((p) => p.slug === ref || String(p.id) === ref), error: projects.some((p) => p.slug === ref || String(p.id) === ref) ? null : `no project "${ref.slice(0, 60)}"` })),
    dataset: [{ name: q.dataset ?? "discover", valid: datasetOk, error: datasetOk ? null : `dataset "${q.dataset!.slice(0, 40)}" is not searchable here: LightTrace's event search covers error events (dataset=errors)` }],
    environment: q.environment.map(() => ({ valid: true, error: null })),
    field,
    query: { valid: compiled === null, error: compiled, fields: queryFields },
    orderby,
  };
  result.valid = result.projects.every((p) => p.valid) && datasetOk && field.every((f) => f.valid) && compiled === null && orderby.every((o) => o.valid);
  return result;
}
