/** One thing the analyser established, with the evidence in `detail`. */
export interface Finding {
  /** stable id tests and the UI key on: crash-site, error-class, double-submit, upstream-failure, first-release, new, regressed, ongoing, unhandled */
  kind: string;
  title: string;
  detail: string;
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
