import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { toIsoString } from "../events/timestamps.ts";
import type { Issue, Store } from "../store/types.ts";
import { collectEventFacts, type EventFacts } from "./event-facts.ts";
import { loadSuspectCommits } from "../releases/load-suspect-commits.ts";
import { chatCompletionsUrl, completeChat, LlmError, streamChat, type LlmSettings } from "./llm-client.ts";
import { analyseOffline } from "./offline-analyser.ts";
import { buildExplainPrompt } from "./prompt.ts";
import type { ExplainEvent, ExplainPreview, ExplainResult } from "./types.ts";

export interface ExplainDeps {
  store: Store;
  config: Config;
  logger: Logger;
  /** ms since epoch */
  now: () => number;
}

/**
 * Explains one event of an issue. A cached result for this issue + event is returned unless
 * `regenerate`. With an LLM configured (and not `offlineOnly`), the redacted prompt is sent;
 * if that fails, the offline analysis is returned with the reason in `llmError` and is not
 * cached, so the next request tries the LLM again.
 */
export async function explainIssueEvent(
  deps: ExplainDeps, issue: Issue, event: ExplainEvent,
  opts: { regenerate?: boolean; offlineOnly?: boolean; /** receives the LLM's answer piece by piece (streaming) */ onDelta?: (text: string) => void } = {},
): Promise<ExplainResult> {
  if (!opts.regenerate) {
    const cached = _usableCached(await deps.store.getExplanation(issue.id, event.eventID));
    if (cached) return cached;
  }
  const facts = await gatherFacts(deps.store, event, issue);
  const offline = analyseOffline(facts);
  const base = {
    culprit: offline.culprit, findings: offline.findings, issueId: String(issue.id), eventId: event.eventID,
    dateCreated: toIsoString(deps.now() / 1000), cached: false,
  };
  const llm = llmSettings(deps.config);
  let result: ExplainResult = { provider: "offline", explanation: offline.explanation, ...base };
  if (llm.settings && !opts.offlineOnly) {
    try {
      const prompt = buildExplainPrompt(facts);
      const answer = opts.onDelta ? await streamChat(llm.settings, prompt, opts.onDelta) : await completeChat(llm.settings, prompt);
      result = { provider: "llm", explanation: answer, model: llm.settings.model, ...base };
    } catch (err) {
      if (!(err instanceof LlmError)) throw err;
      deps.logger.info("explain: the LLM failed, answering with the offline analysis", { issueId: issue.id, reason: err.message });
      return { ...result, llmError: err.message };
    }
  } else if (llm.problem && !opts.offlineOnly) {
    return { ...result, llmError: llm.problem };
  }
  await deps.store.saveExplanation({
    issueId: issue.id, eventId: event.eventID, provider: result.provider, result: JSON.stringify(result), createdAtSec: deps.now() / 1000,
  });
  return result;
}

/** The LLM configuration and the exact prompt for an event, without sending anything. */
export async function previewExplanation(deps: ExplainDeps, issue: Issue, event: ExplainEvent): Promise<ExplainPreview> {
  const llm = llmSettings(deps.config);
  const cached = _usableCached(await deps.store.getExplanation(issue.id, event.eventID));
  return {
    llm: {
      enabled: llm.settings !== undefined,
      model: llm.settings?.model ?? null,
      endpoint: llm.settings ? _displayUrl(chatCompletionsUrl(llm.settings.url)) : null,
      problem: llm.problem ?? null,
    },
    prompt: llm.settings ? buildExplainPrompt(await gatherFacts(deps.store, event, issue)) : null,
    cached: cached ?? null,
  };
}

/** The event's facts with the issue's suspect commits (none when the release has no commits). */
export async function gatherFacts(store: Store, event: ExplainEvent, issue: Issue): Promise<EventFacts> {
  const facts = collectEventFacts(event, issue);
  const suspects = await loadSuspectCommits(store, issue, facts.frames);
  return suspects.status === "ok" ? { ...facts, suspectCommits: suspects.suspects } : facts;
}

/** The LLM settings from the config, or why they are unusable (null problem when simply off). */
export function llmSettings(config: Config): { settings?: LlmSettings; problem?: string } {
  if (!config.aiUrl) return {};
  if (!config.aiModel) return { problem: "LIGHTTRACE_AI_URL is set but LIGHTTRACE_AI_MODEL is not: name the model to use" };
  return { settings: { url: config.aiUrl, model: config.aiModel, key: config.aiKey, timeoutMs: config.aiTimeoutMs } };
}

// --- Internal ---

/** A cached result, unless it was made before findings carried their evidence (then it is explained again). */
function _usableCached(stored: { result: string } | undefined): ExplainResult | undefined {
  if (!stored) return undefined;
  const result = JSON.parse(stored.result) as ExplainResult;
  if (!result.findings.every((f) => typeof f.evidence === "string" && typeof f.confidence === "string")) return undefined;
  return { ...result, cached: true };
}

/** The endpoint as shown to API readers: without credentials in the userinfo or the query string. */
function _displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "(the configured URL)";
  }
}
