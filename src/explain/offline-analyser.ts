import { findBreadcrumbPatterns } from "./breadcrumb-patterns.ts";
import { explainErrorClass } from "./error-classes.ts";
import { crashingFrame, crashLine, frameLocation, innermostFrame, type EventFacts, type FactFrame } from "./event-facts.ts";
import { renderOfflineMarkdown } from "./offline-markdown.ts";
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
 * means (and which expression it involved), breadcrumb patterns just before the error, suspect
 * commits, the release it first appeared in, and whether the issue is new, regressed or
 * ongoing. Every finding names its evidence and how sure it is; what the facts do not support
 * is left out rather than guessed. Pure.
 */
export function analyseOffline(facts: EventFacts): OfflineAnalysis {
  const findings: Finding[] = [];
  const frame = crashingFrame(facts);
  const line = frame ? crashLine(frame) : undefined;
  const frameEvidence = frame ? _frameEvidence(facts, frame, line) : undefined;

  // 1. where it crashed
  if (frame) {
    findings.push({
      kind: "crash-site",
      title: `Crashed in ${frame.function ? `\`${frame.function}\`` : "an anonymous function"} at \`${frameLocation(frame)}\``,
      detail: line !== undefined ? `The failing line: \`${line.trim()}\`` : "No source context was sent for this frame (upload source maps or enable context lines).",
      evidence: frameEvidence!,
      confidence: frame.inApp ? "high" : "medium",
    });
  } else if (facts.frames.length) {
    const inner = innermostFrame(facts)!;
    findings.push({
      kind: "crash-site",
      title: `Surfaced in library code at \`${frameLocation(inner)}\``,
      detail: "No in-app frame: the error surfaced inside a library or the runtime, so no line of this application is blamed.",
      evidence: `${facts.frames.length} frame${facts.frames.length === 1 ? "" : "s"}, none of them the application's`,
      confidence: "high",
    });
  }

  // 2. what the error class means
  const cls = explainErrorClass(facts.exceptionType, facts.exceptionValue, line);
  if (cls) {
    findings.push({
      kind: "error-class", category: cls.category, title: cls.title, detail: `${cls.cause} ${cls.fix}`,
      evidence: `exception \`${[facts.exceptionType, facts.exceptionValue].filter(Boolean).join(": ").slice(0, 200)}\`${cls.expression && frameEvidence ? `; ${frameEvidence}` : ""}`,
      confidence: cls.expression || facts.exceptionType ? "high" : "medium",
    });
  }

  // 3. breadcrumb patterns
  findings.push(...findBreadcrumbPatterns(facts.breadcrumbs, facts.timestamp, cls?.category));

  // 4. suspect commits (the best one; the rest are listed in the explanation)
  const suspect = facts.suspectCommits[0];
  if (suspect) {
    const c = suspect.commit;
    const match = suspect.matches[0]!;
    findings.push({
      kind: "suspect-commit",
      title: `Suspect commit \`${c.id.slice(0, 7)}\`: ${(c.message ?? "").split("\n")[0]!.slice(0, 100)}`,
      detail: `By ${c.authorName ?? c.authorEmail ?? "an unknown author"}${c.timestampSec !== null ? ` on ${new Date(c.timestampSec * 1000).toISOString().slice(0, 10)}` : ""}, in release \`${suspect.release}\`` +
        `${suspect.releaseDistance === 0 ? " (the release this issue first appeared in)" : " (not deployed before the release this issue first appeared in)"}. ` +
        `It changed \`${match.path}\`, the file of ${suspect.frameDistance === 0 ? "the crashing frame" : "a calling frame"}${suspect.url ? ` — ${suspect.url}` : ""}.`,
      evidence: `commit ${c.id.slice(0, 12)} touched \`${match.path}\`; frame ${match.frame.function ? `\`${match.frame.function}\` ` : ""}at \`${match.frame.filename ?? match.frame.absPath ?? "?"}${match.frame.lineNo !== null ? `:${match.frame.lineNo}` : ""}\``,
      confidence: suspect.frameDistance === 0 && suspect.releaseDistance === 0 ? "high" : "medium",
    });
  }

  // 5. handled or not
  if (facts.handled === false) {
    findings.push({
      kind: "unhandled",
      title: "Unhandled: nothing caught this error",
      detail: `The SDK's ${facts.mechanism ? `\`${facts.mechanism}\` ` : ""}handler caught it at the top level, so it crashed the request, task or page interaction.`,
      evidence: `exception mechanism${facts.mechanism ? ` \`${facts.mechanism}\`` : ""} with handled: false`,
      confidence: "high",
    });
  }

  // 6. releases and lifecycle
  findings.push(..._lifecycle(facts));

  const culprit: Culprit | null = frame ? { filename: frame.filename ?? frame.absPath, lineNo: frame.lineNo, function: frame.function } : null;
  return { explanation: renderOfflineMarkdown(facts, findings, cls, frame), culprit, findings };
}

// --- Internal ---

function _frameEvidence(facts: EventFacts, frame: FactFrame, line: string | undefined): string {
  const position = facts.frames.length - facts.frames.indexOf(frame);
  return `frame \`${frameLocation(frame)}\`${frame.function ? ` in \`${frame.function}\`` : ""} (${position === 1 ? "the innermost frame" : `frame ${position} from the top`}, ${frame.inApp ? "in-app" : "not marked in-app"})` +
    `${line !== undefined ? `, line \`${line.trim().slice(0, 120)}\`` : ""}`;
}

function _lifecycle(facts: EventFacts): Finding[] {
  const issue = facts.issue;
  const out: Finding[] = [];
  if (issue.firstRelease) {
    out.push({
      kind: "first-release",
      title: `First seen in release \`${issue.firstRelease}\``,
      detail: facts.release && facts.release !== issue.firstRelease
        ? `This event is from \`${facts.release}\`: the problem has survived ${issue.lastRelease && issue.lastRelease !== facts.release ? "several releases" : "into a later release"}. Changes in \`${issue.firstRelease}\` are the first place to look.`
        : `Changes that shipped in \`${issue.firstRelease}\` are the first place to look.`,
      evidence: `the issue's first release; this event's release ${facts.release ? `\`${facts.release}\`` : "is not set"}`,
      confidence: "high",
    });
  }
  const seen = `first seen ${new Date(issue.firstSeenSec * 1000).toISOString()}, ${issue.eventCount} event${issue.eventCount === 1 ? "" : "s"} from ${issue.userCount} user${issue.userCount === 1 ? "" : "s"}`;
  if (issue.substatus === "regressed" || issue.regressedAtSec !== null) {
    out.push({
      kind: "regressed",
      title: "Regressed: it came back after being resolved",
      detail: `The issue was resolved and happened again${issue.regressedAtSec !== null ? ` at ${new Date(issue.regressedAtSec * 1000).toISOString()}` : ""}${facts.release ? ` (release \`${facts.release}\`)` : ""}: the fix did not cover this path, or a later change reintroduced it.`,
      evidence: `issue status ${issue.substatus}${issue.regressedAtSec !== null ? `, regressed at ${new Date(issue.regressedAtSec * 1000).toISOString()}` : ""}`,
      confidence: "high",
    });
  } else if (facts.timestamp - issue.firstSeenSec < NEW_WINDOW_S || issue.substatus === "new") {
    out.push({
      kind: "new",
      title: "New: first seen recently",
      detail: `First seen ${new Date(issue.firstSeenSec * 1000).toISOString()}; ${issue.eventCount} event${issue.eventCount === 1 ? "" : "s"} from ${issue.userCount} user${issue.userCount === 1 ? "" : "s"} so far. A recent deploy or configuration change is the likely trigger.`,
      evidence: seen,
      confidence: "high",
    });
  } else {
    out.push({
      kind: "ongoing",
      title: "Ongoing: seen for a while",
      detail: `First seen ${new Date(issue.firstSeenSec * 1000).toISOString()}; ${issue.eventCount} events from ${issue.userCount} users. Not caused by the latest change: look at what makes this path fail for some inputs.`,
      evidence: seen,
      confidence: "high",
    });
  }
  return out;
}
