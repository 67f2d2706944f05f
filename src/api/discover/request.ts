import { toIsoString } from "../../events/timestamps.ts";
import type { EventColumnCondition, EventSearchFilter } from "../../store/model/event-search.ts";
import type { Issue, Project } from "../../store/types.ts";
import type { ApiDeps } from "../context.ts";
import { QuerySyntaxError, tokenizeSearch } from "../search-syntax.ts";
import { formatShortId } from "../serialize/issues.ts";
import { findIssueByShortId } from "../short-ids.ts";
import type { TimeRange } from "../time-range.ts";
import type { Selected } from "./engine.ts";
import { explicitTagKey, knownField, OTHER_DATASET_PREFIXES, tagField, type FieldSpec, type FieldValue } from "./fields.ts";
import { compileSearch, type CompiledSearch, type SearchResolver } from "./filter.ts";
import { resolveFunction, splitFunction } from "./functions.ts";

/** The fields an event search answers with when none are asked for. */
export const DEFAULT_FIELDS = ["id", "title", "project", "timestamp", "level", "release", "environment", "issue", "trace", "user"];

/** Resolves field names, function fields and issue references against the store; errors are QuerySyntaxError (400). */
export interface DiscoverResolver extends SearchResolver {
  selected(name: string): Promise<Selected>;
}

export function createResolver(deps: ApiDeps, projects: Project[], nowSec: number): DiscoverResolver {
  const tagKeys = new Map<string, boolean>();
  const field = async (name: string): Promise<FieldSpec> => {
    if (splitFunction(name)) throw new QuerySyntaxError(`"${name.slice(0, 60)}" is a function; use it as a field, not in a filter or as an argument`);
    const known = knownField(name);
    if (known) return known;
    const explicit = explicitTagKey(name);
    if (explicit) return tagField(name, explicit);
    if (OTHER_DATASET_PREFIXES.some((p) => name.startsWith(p))) {
      throw new QuerySyntaxError(`"${name.slice(0, 60)}" is not a field of error events (LightTrace's event search covers the errors dataset)`);
    }
    if (!tagKeys.has(name)) tagKeys.set(name, await deps.store.hasTagKey(name));
    if (tagKeys.get(name)) return tagField(name, name);
    throw new QuerySyntaxError(`unknown field "${name.slice(0, 60)}": not a field of error events, and no event has a tag by that name`);
  };
  return {
    projects,
    nowSec,
    field,
    async issueId(ref) {
      if (/^\d+$/.test(ref)) return Number(ref);
      return (await findIssueByShortId(deps, ref))?.id;
    },
    async selected(name) {
      const call = splitFunction(name);
      if (call) return { kind: "function", spec: await resolveFunction(name, call, field) };
      return { kind: "field", spec: await field(name) };
    },
  };
}

/** Compiles `query` (plus environments and a time range) for the projects in scope. */
export async function compileEventQuery(r: DiscoverResolver, query: string, opts: {
  environments: string[]; timeRange?: TimeRange | undefined; conditions?: EventColumnCondition[];
}): Promise<CompiledSearch> {
  const conditions: EventColumnCondition[] = [...(opts.conditions ?? [])];
  if (opts.environments.length) conditions.push({ column: "environment", op: "in", values: opts.environments });
  const base: EventSearchFilter = { projectIds: r.projects.map((p) => p.id), conditions, issueTags: [], text: [] };
  if (opts.timeRange) base.timeRange = opts.timeRange;
  return compileSearch(tokenizeSearch(query), base, r);
}

/** `-count()` → descending count(); several sorts in order. */
export function parseSorts(values: string[]): { name: string; desc: boolean }[] {
  return values.filter((v) => v.trim() !== "").map((v) => (v.startsWith("-") ? { name: v.slice(1), desc: true } : { name: v, desc: false }));
}

/**
 * Rows as Sentry's event endpoint returns them: project ids as slugs (or names), issue ids as
 * short ids, timestamps as ISO 8601.
 */
export async function presentRows(deps: ApiDeps, rows: Map<string, FieldValue>[], selected: Selected[], projects: Project[]): Promise<Record<string, unknown>[]> {
  const byId = new Map(projects.map((p) => [p.id, p]));
  const issues = new Map<number, Issue | undefined>();
  for (const row of rows) {
    const id = row.get("issue");
    if (typeof id === "number" && !issues.has(id)) issues.set(id, await deps.store.getIssue(id));
  }
  return rows.map((row) => Object.fromEntries(selected.map((s) => {
    const name = s.spec.name;
    const v = row.get(name) ?? null;
    if (v === null) return [name, null];
    if (s.kind === "function") return [name, s.spec.type === "date" ? toIsoString(Number(v)) : v];
    if (name === "project" || name === "project.name") {
      const p = byId.get(Number(v));
      return [name, p ? (name === "project" ? p.slug : p.name) : String(v)];
    }
    if (name === "issue") {
      const issue = issues.get(Number(v));
      const p = issue ? byId.get(issue.projectId) : undefined;
      return [name, issue && p ? formatShortId(p, issue.shortId) : String(v)];
    }
    if (s.spec.type === "date") return [name, toIsoString(Number(v))];
    return [name, v];
  })));
}
