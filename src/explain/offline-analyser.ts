import { findBreadcrumbPatterns } from "./breadcrumb-patterns.ts";
import { explainErrorClass } from "./error-classes.ts";
import { crashingFrame, crashLine, frameLocation, type EventFacts } from "./event-facts.ts";
import type { Culprit, Finding } from "./types.ts";

export interface OfflineAnalysis {
  explanation: string;
  culprit: Culprit | null;
  findings: Finding[];
}

/** An issue first seen less than this long before the event counts as new (seconds). */
const NEW_WINDOW_S = 24 * 3600;

/**
 * The built-in, rule-based diagnosis: the crashing in-app frame and line, what the error class
 * means (and which expression it involved), breadcrumb patterns just before the error, the
 * release it first appeared in, and whether the issue is new, regressed or ongoing. Pure.
 */
export function analyseOffline(facts: EventFacts): OfflineAnalysis {
  const findings: Finding[] = [];
  const frame = crashingFrame(facts);
  const line = frame ? crashLine(frame) : undefined;

  // 1. where it crashed
  if (frame) {
    findings.push({
      kind: "crash-site",
      title: `Crashed in ${frame.function ? `\`${frame.function}\`` : "an anonymous function"} at \`${frameLocation(frame)}\``,
      detail: line !== undefined ? `The failing line: \`${line.trim()}\`` : frame.inApp ? "No source context was sent for this frame (upload source maps or enable context lines)." : "No in-app frame: the error surfaced inside a library or the runtime.",
    });
  }

  // 2. what the error class means
  const cls = explainErrorClass(facts.exceptionType, facts.exceptionValue, line);
  if (cls) findings.push({ kind: "error-class", title: cls.title, detail: `${cls.cause} ${cls.fix}` });

  // 3. breadcrumb patterns
  findings.push(...findBreadcrumbPatterns(facts.breadcrumbs, facts.timestamp));

  // 4. handled or not
  if (facts.handled === false) {
    findings.push({
      kind: "unhandled",
      title: "Unhandled: nothing caught this error",
      detail: `The SDK's ${facts.mechanism ? `\`${facts.mechanism}\` ` : ""}handler caught it at the top level, so it crashed the request, task or page interaction.`,
    });
  }

  // 5. releases and lifecycle
  const issue = facts.issue;
  if (issue.firstRelease) {
    findings.push({
      kind: "first-release",
      title: `First seen in release \`${issue.firstRelease}\``,
      detail: facts.release && facts.release !== issue.firstRelease
        ? `This event is from \`${facts.release}\`: the problem has survived ${issue.lastRelease && issue.lastRelease !== facts.release ? "several releases" : "into a later release"}. Changes in \`${issue.firstRelease}\` are the first place to look.`
        : `Changes that shipped in \`${issue.firstRelease}\` are the first place to look.`,
    });
  }
  if (issue.substatus === "regressed" || issue.regressedAt !== null) {
    findings.push({
      kind: "regressed",
      title: "Regressed: it came back after being resolved",
      detail: `The issue was resolved and happened again${issue.regressedAt !== null ? ` at ${new Date(issue.regressedAt * 1000).toISOString()}` : ""}${facts.release ? ` (release \`${facts.release}\`)` : ""}: the fix did not cover this path, or a later change reintroduced it.`,
    });
  } else if (facts.timestamp - issue.firstSeen < NEW_WINDOW_S || issue.substatus === "new") {
    findings.push({
      kind: "new",
      title: "New: first seen recently",
      detail: `First seen ${new Date(issue.firstSeen * 1000).toISOString()}; ${issue.eventCount} event${issue.eventCount === 1 ? "" : "s"} from ${issue.userCount} user${issue.userCount === 1 ? "" : "s"} so far. A recent deploy or configuration change is the likely trigger.`,
    });
  } else {
    findings.push({
      kind: "ongoing",
      title: "Ongoing: seen for a while",
      detail: `First seen ${new Date(issue.firstSeen * 1000).toISOString()}; ${issue.eventCount} events from ${issue.userCount} users. Not caused by the latest change: look at what makes this path fail for some inputs.`,
    });
  }

  const culprit: Culprit | null = frame ? { filename: frame.filename ?? frame.absPath, lineNo: frame.lineNo, function: frame.function } : null;
  return { explanation: _markdown(facts, findings, cls, frame ? frameLocation(frame) : undefined), culprit, findings };
}

// --- Internal ---

function _markdown(facts: EventFacts, findings: Finding[], cls: ReturnType<typeof explainErrorClass>, location: string | undefined): string {
  const out: string[] = [];
  out.push("_Offline analysis: built-in rules, no AI involved._", "");
  out.push("### What broke", "");
  const what = [facts.exceptionType, facts.exceptionValue].filter(Boolean).join(": ") || facts.title;
  out.push(`\`${what}\`${location ? ` at \`${location}\`` : ""}.`, "");
  if (cls) out.push("### Likely cause", "", `**${cls.title}.** ${cls.cause}`, "");
  const crash = findings.find((f) => f.kind === "crash-site");
  const frame = crashingFrame(facts);
  if (crash && frame) {
    out.push("### Where to look", "", `- ${crash.title}`);
    if (frame.context.length) {
      out.push("", "```");
      for (const [n, src] of frame.context) out.push(`${n === frame.lineNo ? ">" : " "} ${String(n).padStart(4)} | ${src}`);
      out.push("```");
    }
    out.push("");
  }
  const context = findings.filter((f) => f.kind !== "crash-site" && f.kind !== "error-class");
  if (context.length) {
    out.push("### What else points at the cause", "");
    for (const f of context) out.push(`- **${f.title}.** ${f.detail}`);
    out.push("");
  }
  out.push("### Suggested fix", "", cls ? cls.fix : "Reproduce with the request and breadcrumbs above, then guard the failing line against the input that broke it.");
  return out.join("\n");
}
