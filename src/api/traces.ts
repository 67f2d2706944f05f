import type { H3Event } from "h3";
import type { ApiTrace, ApiTraceMeta, ApiTraceNode, ApiTraceNodeError } from "../contract/index.ts";
import type { StoredTrace } from "../store/model/traces.ts";
import { param, requireOrganization, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { buildTraceTree } from "../traces/build-trace-tree.ts";
import { buildSpanTree, buildTraceMeta } from "../traces/build-span-tree.ts";

/**
 * A trace across projects, in the shapes of Sentry's three endpoints: `events-trace` (the
 * transaction tree LightTrace's trace view draws, errors whose span is not stored in
 * `orphan_errors`), `trace` (every span nested under its parent, errors on their spans) and
 * `trace-meta` (counts). Query parameters (`statsPeriod`, `limit`, `project`) are accepted and
 * ignored: a stored trace is returned whole, up to the read bound (`truncated`).
 */
export function mountTraceRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/events-trace/:traceId", async (event): Promise<ApiTrace> => {
    const { traceId, trace } = await _load(deps, event);
    return { trace_id: traceId, ...buildTraceTree(trace) };
  });
  route("GET", "/api/0/organizations/:org/trace/:traceId", async (event): Promise<(ApiTraceNode | ApiTraceNodeError)[]> => {
    return buildSpanTree((await _load(deps, event)).trace);
  });
  route("GET", "/api/0/organizations/:org/trace-meta/:traceId", async (event): Promise<ApiTraceMeta> => {
    return buildTraceMeta((await _load(deps, event)).trace);
  });
}

// --- Internal ---

async function _load(deps: ApiDeps, event: H3Event): Promise<{ traceId: string; trace: StoredTrace }> {
  await requireOrganization(deps, param(event, "org"));
  const raw = param(event, "traceId");
  const traceId = raw.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw badRequest(`trace id "${raw.slice(0, 40)}" is not 32 hex characters`);
  const trace = await deps.store.getTrace(traceId);
  if (trace.spans.length === 0 && trace.errors.length === 0) throw notFound(`no transactions or errors are stored for trace ${traceId}`);
  return { traceId, trace };
}
