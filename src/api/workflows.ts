import { z } from "zod";
import type { ApiWorkflow } from "../contract/index.ts";
import { param, parseQuery, requireOrganization, resolveProjectScope, type ApiDeps, type RouteFn } from "./context.ts";
import { notFound } from "../http/errors.ts";
import { CURSOR_PARAM, linkHeader, pageSize, parseCursor } from "./pagination.ts";
import { serializeWorkflow } from "./serialize/alerts.ts";
import { webhookView } from "./webhook-redaction.ts";

const LIST = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const querySchema = z.object({
  project: LIST,
  projectSlug: LIST,
  id: LIST,
  query: z.string().max(500).optional(),
  sortBy: z.string().max(40).optional(),
  cursor: CURSOR_PARAM,
  per_page: z.coerce.number().int().min(1).max(100).optional(),
}).loose();

/**
 * Alert rules where Sentry's organization-wide tools read them: `GET /organizations/{org}/workflows/`
 * (issue alert rules in the workflow shape; `projectSlug`/`project`, `id`, `query=name:"…"` or
 * words of the name, `sortBy=-id|id|name`) and `GET /organizations/{org}/alert-rules/` (metric
 * alert rules, which LightTrace does not have: always empty, and `/alert-rules/{id}/` is 404).
 */
export function mountWorkflowRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/workflows", async (event): Promise<ApiWorkflow[]> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const q = parseQuery(event, querySchema);
    const projects = await resolveProjectScope(deps, [...q.project, ...q.projectSlug]);
    const needle = _nameQuery(q.query);
    const rules = [];
    for (const project of projects) {
      for (const rule of await deps.store.alerts.listRules(project.id)) {
        if (q.id.length && !q.id.includes(String(rule.id))) continue;
        if (needle && !rule.name.toLowerCase().includes(needle)) continue;
        rules.push({ rule, project });
      }
    }
    const sort = q.sortBy ?? "-id";
    rules.sort((a, b) => (sort.endsWith("name") ? a.rule.name.localeCompare(b.rule.name) : a.rule.id - b.rule.id) * (sort.startsWith("-") ? -1 : 1));
    const offset = parseCursor(q.cursor);
    const limit = pageSize(q, 25);
    event.res.headers.set("Link", linkHeader(event.url, offset, limit, rules.length > offset + limit));
    const page = rules.slice(offset, offset + limit);
    const shown = webhookView(event);
    return Promise.all(page.map(async ({ rule, project }) => serializeWorkflow(shown.rule(rule), project, org.id, await deps.store.alerts.ruleLastFiredAt(rule.id))));
  });
  route("GET", "/api/0/organizations/:org/alert-rules", async (event): Promise<[]> => {
    await requireOrganization(deps, param(event, "org"));
    event.res.headers.set("Link", linkHeader(event.url, 0, 25, false));
    return [];
  });
  route("GET", "/api/0/organizations/:org/alert-rules/:id", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    throw notFound(`no metric alert rule ${param(event, "id").slice(0, 40)}: LightTrace's alert rules are issue alert rules (GET /organizations/{org}/workflows/)`);
  });
}

// --- Internal ---

/** `name:"checkout errors"` (what the Sentry MCP server sends) or plain words → a lower-case substring. */
function _nameQuery(query: string | undefined): string | undefined {
  if (!query?.trim()) return undefined;
  const m = /^name:(?:"((?:[^"\\]|\\.)*)"|(\S+))$/.exec(query.trim());
  // the Sentry MCP server wraps the name in wildcards (`name:"*checkout*"`): a substring match
  return (m ? (m[1] ?? m[2] ?? "").replace(/\\(.)/g, "$1") : query.trim()).replace(/\*/g, "").toLowerCase();
}
