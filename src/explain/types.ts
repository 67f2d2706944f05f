import type { ApiEvent, ApiExplainCulprit, ApiExplainFinding, ApiExplainPreview, ApiExplainPrompt, ApiExplainResult } from "../contract/index.ts";

/**
 * The event Explain reads: the fields it uses of an event as `GET /issues/{id}/events/{event_id}/`
 * returns it, so Explain sees exactly what the event page shows.
 */
export type ExplainEvent = Pick<ApiEvent, "eventID" | "dateCreated" | "platform" | "title" | "message" | "entries" | "contexts" | "user" | "tags" | "release" | "environment">;

/** One thing the analyser established, with what it rests on and how sure it is. */
export type Finding = ApiExplainFinding;

export type Culprit = ApiExplainCulprit;

/** What `POST /issues/{id}/explain/` answers (the wire contract, src/contract/explain.ts). */
export type ExplainResult = ApiExplainResult;

/** The chat messages sent to an LLM, after redaction. */
export type ExplainPrompt = ApiExplainPrompt;

/** What the UI shows before the first send: whether an LLM is configured and the exact prompt. */
export type ExplainPreview = ApiExplainPreview;
