import type { ApiTrace } from "../contract/index.ts";
import { param, requireOrganization, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { buildTraceTree } from "../traces/build-trace-tree.ts";

/**
 * `GET /api/0/organizations/{org}/events-trace/{trace_id}/`: every transaction of a trace across
 * projects as a tree (children, spans, errors on their span) plus the errors whose span is not
 * stored (`orphan_errors`), in the field names of Sentry's endpoint.
 */
export function mountTraceRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/events-trace/:traceId", async (event): Promise<ApiTrace> => {
    await requireOrganization(deps, param(event, "org"));
    const raw = param(event, "traceId");
    const traceId = raw.replace(/-/g, "").toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw badRequest(`trace id "${raw.slice(0, 40)}" is not 32 hex characters`);
    const trace = await deps.store.getTrace(traceId);
    if (trace.spans.length === 0 && trace.errors.length === 0) throw notFound(`no transactions or errors are stored for trace ${traceId}`);
    return { trace_id: traceId, ...buildTraceTree(trace) };
  });
}
