import type { H3Event } from "h3";
import type { ApiBulkStatusChange } from "../contract/index.ts";
import type { Issue, IssueStatus, Project, User } from "../store/types.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, resolveProjectScope, type ApiDeps } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { buildIssueFilter, issueListQuerySchema } from "./issue-list.ts";
import { applyStatusChange, planStatusChange, statusChangeSchema, type StatusChange } from "./issue-resolution.ts";
import { findIssueByShortId } from "./short-ids.ts";
import { actorOf, callerUser } from "./assignment.ts";

/** issues; how many issues one bulk request may name by `id` */
const MAX_EXPLICIT_IDS = 1000;
/** issues read per page while collecting the issues a filter selects */
const SELECT_PAGE = 1000;

const STATUS_FILTER: Record<string, IssueStatus> = { unresolved: "unresolved", resolved: "resolved", ignored: "ignored", muted: "ignored" };

/**
 * `PUT /projects/{org}/{project}/issues/` and `PUT /organizations/{org}/issues/`: one status change
 * for many issues, selected as Sentry selects them: `?id=` (repeated; numeric or short ids), else
 * `?status=` (sentry-cli's `--status`), else `?query=`, else every issue of the project(s)
 * (sentry-cli's `--all`). Answers the applied status, or 204 when nothing matched.
 */
export async function bulkUpdateIssues(event: H3Event, deps: ApiDeps): Promise<ApiBulkStatusChange | Response> {
  if (event.context.params?.org) await requireOrganization(deps, param(event, "org"));
  const q = parseQuery(event, issueListQuerySchema);
  const projects = event.context.params?.project ? [await requireProject(deps, param(event, "project"))] : await resolveProjectScope(deps, q.project);
  const body = await parseJsonBody(event, statusChangeSchema);
  const ids = q.id === undefined ? [] : Array.isArray(q.id) ? q.id : [q.id];
  const issues = ids.length ? await _byIds(deps, ids, projects) : await _bySearch(deps, q, projects, callerUser(event));
  if (issues.length === 0) return new Response(null, { status: 204 });
  // every project's releases are checked before any issue changes (an unknown release is a 400)
  const changes = new Map<number, StatusChange>();
  for (const issue of issues) {
    if (changes.has(issue.projectId)) continue;
    const owner = projects.find((p) => p.id === issue.projectId) ?? (await deps.store.getProject(issue.projectId))!;
    changes.set(issue.projectId, await planStatusChange(deps, owner, body));
  }
  for (const issue of issues) await applyStatusChange(deps, issue.id, changes.get(issue.projectId)!, actorOf(event));
  const first = changes.values().next().value!;
  return { status: first.status, statusDetails: first.statusDetails };
}

// --- Internal ---

async function _byIds(deps: ApiDeps, ids: string[], projects: Project[]): Promise<Issue[]> {
  if (ids.length > MAX_EXPLICIT_IDS) throw badRequest(`at most ${MAX_EXPLICIT_IDS} issues per bulk update`);
  const issues: Issue[] = [];
  for (const id of ids) {
    const issue = /^\d+$/.test(id) ? await deps.store.getIssue(Number(id)) : await findIssueByShortId(deps, id);
    if (!issue || !projects.some((p) => p.id === issue.projectId)) throw notFound(`issue ${id.slice(0, 40)} does not exist`);
    if (!issues.some((i) => i.id === issue.id)) issues.push(issue);
  }
  return issues;
}

/** Every issue the status filter or query selects (all of them without either), collected before any changes. */
async function _bySearch(deps: ApiDeps, q: { status?: string | undefined; query?: string | undefined }, projects: Project[], me: User | undefined): Promise<Issue[]> {
  const filter = buildIssueFilter(q.query ?? "", projects, "date", deps.clock.now(), me);
  if (q.status) {
    const status = STATUS_FILTER[q.status];
    if (!status) throw badRequest(`invalid status filter "${q.status.slice(0, 40)}" (resolved, unresolved, ignored, muted)`);
    filter.statuses = [status];
  }
  const out: Issue[] = [];
  for (;;) {
    const last = out.at(-1);
    const page = await deps.store.listIssues({ ...filter, offset: 0, limit: SELECT_PAGE, ...(last ? { anchor: { issueId: last.id, before: false } } : {}) });
    out.push(...page);
    if (page.length < SELECT_PAGE) return out;
  }
}
