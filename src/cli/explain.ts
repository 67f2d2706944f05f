import { z } from "zod";
import { systemClock } from "../clock.ts";
import { silentLogger } from "../logger.ts";
import { loadIssueEvent } from "../api/events.ts";
import { explainIssueEvent, previewExplanation } from "../explain/explain-issue.ts";
import { Symbolicator } from "../sourcemaps/symbolicate.ts";
import { SourceMapCache } from "../sourcemaps/map-cache.ts";
import { SOURCE_MAP_CACHE_WEIGHT } from "../sourcemaps/limits.ts";
import { fail, print } from "./output.ts";
import { withCliStore } from "./store-access.ts";

const flagsSchema = z.object({
  event: z.string().regex(/^([0-9a-fA-F-]{32,36}|latest|oldest)$/, "an event id, latest or oldest").optional(),
  regenerate: z.boolean().optional(),
  offline: z.boolean().optional(),
  showPrompt: z.boolean().optional(),
  data: z.string().optional(),
  json: z.boolean().optional(),
});

/**
 * `lighttrace explain <issue-id>`: the issue's latest (or given) event explained in the terminal,
 * through the same code as the web API. Uses the LLM when LIGHTTRACE_AI_* configure one, unless
 * --offline; --show-prompt prints exactly what would be sent and sends nothing.
 */
export async function runExplain(issueId: string, rawFlags: unknown): Promise<void> {
  if (!/^\d+$/.test(issueId)) fail(`invalid issue id "${issueId.slice(0, 40)}": use the numeric id shown in the web UI's address bar`);
  const parsed = flagsSchema.safeParse(rawFlags);
  if (!parsed.success) fail(`invalid --${String(parsed.error.issues[0]!.path[0])}: ${parsed.error.issues[0]!.message}`);
  const flags = parsed.data;
  await withCliStore(flags.data, async ({ store, config, publicUrl, location }) => {
    const issue = await store.getIssue(Number(issueId));
    if (!issue) fail(`no issue ${issueId} in ${location}`);
    // the event as the web API shows it, source maps applied, so terminal and panel explain the same frames
    const symbolicator = new Symbolicator({ store, cache: new SourceMapCache(SOURCE_MAP_CACHE_WEIGHT) });
    const apiDeps = { config, store, clock: systemClock, logger: silentLogger, publicUrl: () => publicUrl, symbolicator };
    let event;
    try {
      event = await loadIssueEvent(apiDeps, issue, flags.event ?? "latest");
    } catch {
      fail(`issue ${issueId} has no event ${flags.event ?? "(none stored)"}`);
    }
    const deps = { store, config, logger: silentLogger, now: () => Date.now() };
    if (flags.showPrompt) {
      const preview = await previewExplanation(deps, issue, event);
      if (!preview.prompt) fail("no LLM is configured (LIGHTTRACE_AI_URL, LIGHTTRACE_AI_MODEL): nothing would be sent");
      print(flags.json, preview.prompt, () => [`# sent to ${preview.llm.endpoint} (model ${preview.llm.model})`, "", "## system", preview.prompt!.system, "", "## user", preview.prompt!.user]);
      return;
    }
    const result = await explainIssueEvent(deps, issue, event, { regenerate: flags.regenerate ?? false, offlineOnly: flags.offline ?? false });
    if (result.llmError) process.stderr.write(`note: the LLM was not used: ${result.llmError}\n`);
    const culprit = result.culprit ? `${result.culprit.filename ?? "?"}${result.culprit.lineNo !== null ? `:${result.culprit.lineNo}` : ""}${result.culprit.function ? ` in ${result.culprit.function}` : ""}` : "unknown";
    print(flags.json, result, () => [
      `Issue ${issueId}, event ${result.eventId} — ${result.provider === "llm" ? `LLM (${result.model})` : "offline analysis"}${result.cached ? ", cached" : ""}`,
      `Culprit: ${culprit}`,
      "",
      result.explanation,
      "",
      "Findings:",
      ...result.findings.map((f) => `  [${f.kind}] ${f.title.replace(/`/g, "")}`),
    ]);
  });
}
