/** Wire types of Explain (`GET|POST /issues/{id}/explain/`). */

/** One thing the analyser established, with what it rests on and how sure it is. */
export interface ApiExplainFinding {
  /**
   * stable id tests and the UI key on: crash-site, error-class, double-submit, race, upstream-failure,
   * suspect-commit, first-release, new, regressed, ongoing, unhandled
   */
  kind: string;
  title: string;
  detail: string;
  /** the facts it rests on, in words: which breadcrumbs (numbered from 1, oldest first), which frame, which commit */
  evidence: string;
  /** high: the facts show it; medium: the facts point at it. Guesses are not reported at all. */
  confidence: "high" | "medium";
  /** error-class only: what kind of failure (null-access, network, timeout, database, permission, …) */
  category?: string;
  /** the breadcrumbs it rests on (indexes into the event's breadcrumbs, 0 = oldest) */
  crumbs?: number[];
}

export interface ApiExplainCulprit {
  filename: string | null;
  lineNo: number | null;
  function: string | null;
}

/** What `POST /issues/{id}/explain/` answers (and the `result` event of its stream). */
export interface ApiExplainResult {
  provider: "offline" | "llm";
  /** Markdown */
  explanation: string;
  culprit: ApiExplainCulprit | null;
  findings: ApiExplainFinding[];
  issueId: string;
  eventId: string;
  /** ISO time this explanation was made */
  dateCreated: string;
  /** true when it came from the cache */
  cached: boolean;
  /** the model that wrote it (provider "llm") */
  model?: string;
  /** why the LLM was not used although configured, in words (the offline analysis is shown instead) */
  llmError?: string;
}

/** The chat messages sent to an LLM, after redaction. */
export interface ApiExplainPrompt {
  system: string;
  user: string;
}

/** `GET /issues/{id}/explain/`: whether an LLM is configured, the exact prompt, the cached result. */
export interface ApiExplainPreview {
  llm: { enabled: boolean; model: string | null; endpoint: string | null; problem: string | null };
  /** exactly what would be sent (null when no LLM is configured: nothing leaves the process) */
  prompt: ApiExplainPrompt | null;
  cached: ApiExplainResult | null;
}

/** The events of `POST /issues/{id}/explain/?stream=1` (text/event-stream), by event name. */
export interface ApiExplainStreamEvents {
  /** a piece of the LLM's text as it arrives */
  delta: { text: string };
  /** the final answer, exactly as without streaming */
  result: ApiExplainResult;
  /** an unexpected failure ended the stream */
  error: { detail: string };
}
