/** One thing the analyser established, with what it rests on and how sure it is. */
export interface Finding {
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

export interface Culprit { filename: string | null; lineNo: number | null; function: string | null }

/** What `POST /issues/{id}/explain/` answers. */
export interface ExplainResult {
  provider: "offline" | "llm";
  /** Markdown */
  explanation: string;
  culprit: Culprit | null;
  findings: Finding[];
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
export interface ExplainPrompt { system: string; user: string }
