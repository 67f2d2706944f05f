import { z } from "zod";
import { explainIssueEvent, previewExplanation, type ExplainDeps } from "../explain/explain-issue.ts";
import { parseJsonBody, parseQuery, type ApiDeps } from "./context.ts";
import { loadIssueEvent } from "./events.ts";
import { loadIssue, type RouteFn } from "./issues.ts";

const EVENT_REF = z.string().regex(/^([0-9a-fA-F-]{32,36}|latest|oldest|recommended)$/, "an event id, or latest / oldest / recommended");

const explainBody = z.object({
  eventId: EVENT_REF.optional(),
  /** ignore the cached result and explain again */
  regenerate: z.boolean().optional(),
  /** "offline": use only the built-in analyser even when an LLM is configured */
  provider: z.enum(["offline", "llm"]).optional(),
}).strict();

const previewQuery = z.object({ eventId: EVENT_REF.optional() }).loose();

/**
 * Explain: `POST /api/0/issues/{id}/explain/` (`{"eventId"?, "regenerate"?, "provider"?}`) answers
 * `{provider, explanation, culprit, findings, …}`; `GET` the same path shows, without sending
 * anything, whether an LLM is configured, the exact prompt it would get, and the cached result.
 * The event is read through the event API's own load path, so Explain sees what the event page shows.
 */
export function mountExplainRoutes(deps: ApiDeps, route: RouteFn): void {
  const explainDeps: ExplainDeps = { store: deps.store, config: deps.config, logger: deps.logger, now: () => deps.clock.now() };
  route("GET", "/api/0/issues/:id/explain", async (event) => {
    const { issue } = await loadIssue(deps, event);
    const q = parseQuery(event, previewQuery);
    const apiEvent = await loadIssueEvent(deps, issue, q.eventId ?? "latest");
    return previewExplanation(explainDeps, issue, apiEvent);
  });
  route("POST", "/api/0/issues/:id/explain", async (event) => {
    const { issue } = await loadIssue(deps, event);
    const body = await parseJsonBody(event, explainBody);
    const apiEvent = await loadIssueEvent(deps, issue, body.eventId ?? "latest");
    return explainIssueEvent(explainDeps, issue, apiEvent, { regenerate: body.regenerate ?? false, offlineOnly: body.provider === "offline" });
  });
}
