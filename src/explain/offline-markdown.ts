import type { ErrorClassExplanation } from "./error-classes.ts";
import type { EventFacts, FactFrame } from "./event-facts.ts";
import { frameLocation } from "./event-facts.ts";
import type { Finding } from "./types.ts";

/** The offline analysis as Markdown: what broke, the likely cause, where to look, what else points at the cause (with evidence), suspects, the fix. */
export function renderOfflineMarkdown(facts: EventFacts, findings: Finding[], cls: ErrorClassExplanation | undefined, frame: FactFrame | undefined): string {
  const out: string[] = [];
  out.push("_Offline analysis: built-in rules, no AI involved._", "");
  out.push("### What broke", "");
  const what = [facts.exceptionType, facts.exceptionValue].filter(Boolean).join(": ") || facts.title;
  out.push(`\`${what}\`${frame ? ` at \`${frameLocation(frame)}\`` : ""}.`, "");
  if (cls) out.push("### Likely cause", "", `**${cls.title}.** ${cls.cause}`, "");
  const crash = findings.find((f) => f.kind === "crash-site");
  if (crash && frame) {
    out.push("### Where to look", "", `- ${crash.title}`);
    if (frame.context.length) {
      out.push("", "```");
      for (const [n, src] of frame.context) out.push(`${n === frame.lineNo ? ">" : " "} ${String(n).padStart(4)} | ${src}`);
      out.push("```");
    }
    out.push("");
  }
  const context = findings.filter((f) => !["crash-site", "error-class", "suspect-commit"].includes(f.kind));
  if (context.length) {
    out.push("### What else points at the cause", "");
    for (const f of context) out.push(`- **${f.title}.** ${f.detail} _(${f.confidence} confidence; ${f.evidence})_`);
    out.push("");
  }
  if (facts.suspectCommits.length) {
    out.push("### Suspect commits", "", "Commits of the first release (and undeployed releases before it) that touched the files of the crashing frames, closest first:", "");
    for (const s of facts.suspectCommits.slice(0, 5)) {
      const c = s.commit;
      const id = s.url ? `[\`${c.id.slice(0, 7)}\`](${s.url})` : `\`${c.id.slice(0, 7)}\``;
      out.push(`- ${id} ${(c.message ?? "").split("\n")[0]!.slice(0, 100)} — ${c.authorName ?? c.authorEmail ?? "unknown author"}, release \`${s.release}\`, changed ${s.matches.map((m) => `\`${m.path}\``).join(", ")}`);
    }
    out.push("");
  }
  out.push("### Suggested fix", "", cls ? cls.fix : "Reproduce with the request and breadcrumbs above, then guard the failing line against the input that broke it.");
  return out.join("\n");
}
