import { H3, HTTPError, type H3Event } from "h3";
import { requireApiAuth } from "./auth.ts";
import type { ApiErrorBody, ApiRoot } from "../contract/index.ts";
import { answerForError } from "../http/errors.ts";
import type { ApiPrincipal } from "./principal.ts";
import { levelForMethod, requireScopeLevel } from "./scopes.ts";
import type { ApiDeps, RouteFn } from "./context.ts";
import { mountAlertRoutes } from "./alerts.ts";
import { mountMonitorRoutes } from "./monitors.ts";
import { mountEventRoutes } from "./events.ts";
import { mountIssueRoutes } from "./issues.ts";
import { mountLoginRoutes } from "./logins.ts";
import { mountProjectRoutes } from "./projects.ts";
import { mountTeamRoutes } from "./teams.ts";
import { mountTraceRoutes } from "./traces.ts";
import { mountReleaseWriteRoutes } from "./releases-write.ts";
import { mountReleaseReadRoutes } from "./releases-read.ts";
import { mountSourceLinkRoutes } from "./source-link-settings.ts";
import { mountGroupingRoutes } from "./grouping.ts";
import { mountExplainRoutes } from "./explain.ts";
import { mountProjectLimitRoutes } from "./project-limits.ts";
import { mountArtifactUploadRoutes } from "./artifact-uploads.ts";
import { mountReleaseFileRoutes } from "./release-files.ts";
import { mountCommitterRoutes } from "./committers.ts";
import { mountShortIdRoutes } from "./short-ids.ts";
import { mountEventSearchRoutes } from "./event-search.ts";
import { mountReleaseCommitRoutes } from "./release-commits.ts";
import { mountWhoAmIRoutes } from "./whoami.ts";
import { mountWorkflowRoutes } from "./workflows.ts";
import { mountProjectAdminRoutes } from "./project-admin.ts";
import { mountAuthTokenRoutes } from "./auth-tokens.ts";
import { mountAuthUserRoutes } from "./auth-users.ts";
import { ADMIN_SCOPES } from "./tokens.ts";
import { mountMcpRoute } from "../mcp/http.ts";
import { mountActivityRoutes } from "./activity.ts";
import { mountNoteRoutes } from "./notes.ts";
import { mountOwnershipRoutes } from "./ownership.ts";
import { mountMttrRoutes } from "./mttr.ts";
import { mountUserFeedbackRoutes } from "./user-feedback.ts";

/**
 * The JSON web API under `/api/0/`, on h3: Sentry's paths and field names. Every route requires a
 * token; errors are `{"detail": "…"}` as Sentry's are, unexpected ones logged and hidden.
 */
export function createApiApp(deps: ApiDeps): H3 {
  const app = new H3({
    silent: true,
    onError: (error, event) => _errorResponse(error, event, deps),
  });

  // Sentry's paths end in "/"; accept both spellings rather than redirecting (clients POST/PUT here).
  const route: RouteFn = (method, path, handler) => {
    const authed = async (event: H3Event) => {
      // in-process callers (the MCP tools) pass who they act for; HTTP requests cannot set the context
      event.context.principal = (event.context.inProcessPrincipal as ApiPrincipal | undefined) ?? await requireApiAuth(event, deps);
      requireScopeLevel(event, levelForMethod(event.req.method));
      return handler(event);
    };
    app.on(method, path, authed);
    app.on(method, path + "/", authed);
  };

  mountLoginRoutes(app, deps);
  route("GET", "/api/0", async (event): Promise<ApiRoot> => {
    const principal = event.context.principal as ApiPrincipal;
    return { version: "0", auth: { scopes: principal.kind === "token" ? principal.token.scopes : ADMIN_SCOPES }, user: null };
  });
  mountProjectRoutes(deps, route);
  mountIssueRoutes(deps, route);
  mountActivityRoutes(deps, route);
  mountNoteRoutes(deps, route);
  mountOwnershipRoutes(deps, route);
  mountMttrRoutes(deps, route);
  mountUserFeedbackRoutes(deps, route);
  mountEventRoutes(deps, route);
  mountTeamRoutes(deps, route);
  mountAlertRoutes(deps, route);
  mountMonitorRoutes(deps, route);
  mountTraceRoutes(deps, route);
  mountReleaseWriteRoutes(deps, route);
  mountReleaseReadRoutes(deps, route);
  mountSourceLinkRoutes(deps, route);
  mountGroupingRoutes(deps, route);
  mountExplainRoutes(deps, route);
  mountProjectLimitRoutes(deps, route);
  mountArtifactUploadRoutes(deps, route);
  mountReleaseFileRoutes(deps, route);
  mountCommitterRoutes(deps, route);
  mountShortIdRoutes(deps, route);
  mountEventSearchRoutes(deps, route);
  mountMcpRoute(app, deps);
  mountReleaseCommitRoutes(deps, route);
  mountWhoAmIRoutes(deps, route);
  mountWorkflowRoutes(deps, route);
  mountProjectAdminRoutes(deps, route);
  mountAuthTokenRoutes(deps, route);
  mountAuthUserRoutes(deps, route);
  app.all("/api/0/**", async (event) => {
    await requireApiAuth(event, deps);
    throw new HTTPError({ status: 404, message: `no API endpoint ${event.req.method} ${event.url.pathname}` });
  });
  return app;
}

// --- Internal ---

function _errorResponse(error: HTTPError, event: H3Event, deps: ApiDeps): Response {
  const answer = answerForError(error);
  if (answer.unexpected) {
    deps.logger.error("API request failed", { path: event.url.pathname, error: error.cause ?? error });
  } else if (answer.status >= 500) {
    deps.logger.warn("API request refused", { path: event.url.pathname, status: answer.status, detail: answer.detail });
  }
  const headers = new Headers(answer.headers);
  if (answer.status === 401) headers.set("WWW-Authenticate", 'Bearer realm="lighttrace"');
  const body: ApiErrorBody = { detail: answer.detail };
  return Response.json(body, { status: answer.status, headers });
}
