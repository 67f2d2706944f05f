import { z } from "zod";
import type { ApiExplainPreview, ApiExplainResult, ApiExplainStreamEvents } from "../contract/index.ts";
import { explainIssueEvent, previewExplanation, type ExplainDeps } from "../explain/explain-issue.ts";
import { parseJsonBody, parseQuery, type ApiDeps, type RouteFn } from "./context.ts";
import { loadIssueEvent } from "./events.ts";
import { loadIssue } from "./issues.ts";

const EVENT_REF = z.string().regex(/^([0-9a-fA-F-]{32,36}|latest|oldest|recommended)$/, "an event id, or latest / oldest / recommended");

const explainBody = z.object({
  eventId: EVENT_REF.optional(),
  /** ignore the cached result and explain again */
  regenerate: z.boolean().optional(),
  /** "offline": use only the built-in analyser even when an LLM is configured */
  provider: z.enum(["offline", "llm"]).optional(),
}).strict();

const previewQuery = z.object({ eventId: EVENT_REF.optional() }).loose();
const explainQuery = z.object({ stream: z.enum(["0", "1", "true", "false"]).optional() }).loose();

/**
 * Explain: `POST /api/0/issues/{id}/explain/` (`{"eventId"?, "regenerate"?, "provider"?}`) answers
 * `{provider, explanation, culprit, findings, …}`; `GET` the same path shows, without sending
 * anything, whether an LLM is configured, the exact prompt it would get, and the cached result.
 * The event is read through the event API's own load path, so Explain sees what the event page shows.
 * With `?stream=1` the answer comes as server-sent events: `delta` pieces of the LLM's text as
 * they arrive, then one `result` (the same JSON as without streaming).
 */
export function mountExplainRoutes(deps: ApiDeps, route: RouteFn): void {
  const explainDeps: ExplainDeps = { store: deps.store, config: deps.config, logger: deps.logger, now: () => deps.clock.now() };
  route("GET", "/api/0/issues/:id/explain", async (event): Promise<ApiExplainPreview> => {
    const { issue } = await loadIssue(deps, event);
    const q = parseQuery(event, previewQuery);
    const apiEvent = await loadIssueEvent(deps, issue, q.eventId ?? "latest");
    return previewExplanation(explainDeps, issue, apiEvent);
  });
  route("POST", "/api/0/issues/:id/explain", async (event): Promise<ApiExplainResult | Response> => {
    const { issue } = await loadIssue(deps, event);
    const body = await parseJsonBody(event, explainBody);
    const stream = ["1", "true"].includes(parseQuery(event, explainQuery).stream ?? "");
    const apiEvent = await loadIssueEvent(deps, issue, body.eventId ?? "latest");
    const opts = { regenerate: body.regenerate ?? false, offlineOnly: body.provider === "offline" };
    if (!stream) return explainIssueEvent(explainDeps, issue, apiEvent, opts);
    return _eventStream(async (send) => {
      send("result", await explainIssueEvent(explainDeps, issue, apiEvent, { ...opts, onDelta: (text) => send("delta", { text }) }));
    }, deps);
  });
}

// --- Internal ---

type SendStreamEvent = <K extends keyof ApiExplainStreamEvents>(event: K, data: ApiExplainStreamEvents[K]) => void;

/** A text/event-stream response fed by `produce`; an unexpected failure ends it with an `error` event. */
function _eventStream(produce: (send: SendStreamEvent) => Promise<void>, deps: ApiDeps): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send: SendStreamEvent = (event, data) => controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      try {
        await produce(send);
      } catch (err) {
        deps.logger.error("explain stream failed", { error: err });
        send("error", { detail: "Internal Error" });
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache" } });
}
