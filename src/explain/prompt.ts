import { crashingFrame, frameLocation, type EventFacts } from "./event-facts.ts";
import { redactHeader, redactText } from "./redact.ts";
import type { ExplainPrompt } from "./types.ts";

/** In-app frames sent, innermost first; breadcrumbs sent, most recent last. */
const MAX_FRAMES = 12;
const MAX_BREADCRUMBS = 15;
/** Request headers that say nothing about a failure: left out to keep the prompt short. */
const NOISE_HEADERS = /^(sec-|baggage$|sentry-trace$|connection$|accept-encoding$|accept-language$|cache-control$|pragma$|priority$|upgrade-insecure-requests$|dnt$)/i;

const SYSTEM = `You are a senior software engineer helping a developer diagnose a production error reported by an error tracker.
Answer in Markdown with exactly these sections:
### What broke
### Likely root cause
### Where to look
(name file:line locations from the stack trace)
### Suggested fix
Be specific and concise. Base every claim on the facts given; say so when the facts are not enough.`;

/**
 * The chat messages for an LLM: the symbolicated in-app frames with their context lines, the
 * exception chain, the last breadcrumbs, the request (method, URL, headers with credentials
 * removed), the user's id only, tags, release, trace and the suspect commits. Everything passes through redactText
 * as the final step; this text is exactly what is sent.
 */
export function buildExplainPrompt(facts: EventFacts): ExplainPrompt {
  const lines: string[] = [];
  lines.push(`Error: ${facts.exceptionChain.length ? facts.exceptionChain.join("\n  caused ") : facts.title}`);
  if (facts.handled !== null) lines.push(`Handled: ${facts.handled ? "yes (caught and reported)" : "no (crashed the request/task)"}${facts.mechanism ? ` via ${facts.mechanism}` : ""}`);
  lines.push(`Platform: ${facts.platform}`);
  if (facts.release) lines.push(`Release: ${facts.release}`);
  if (facts.environment) lines.push(`Environment: ${facts.environment}`);
  lines.push(`Issue: ${facts.issue.substatus === "regressed" ? "regressed after being resolved" : facts.issue.status}, ${facts.issue.eventCount} events, ${facts.issue.userCount} users, first seen ${new Date(facts.issue.firstSeenSec * 1000).toISOString()}${facts.issue.firstRelease ? ` in release ${facts.issue.firstRelease}` : ""}`);
  if (facts.traceId) lines.push(`Trace id: ${facts.traceId}`);
  if (facts.userId) lines.push(`User id: ${facts.userId}`);

  const crash = crashingFrame(facts);
  const inApp = facts.frames.filter((f) => f.inApp);
  const frames = (inApp.length ? inApp : facts.frames).slice(-MAX_FRAMES).reverse();
  if (frames.length) {
    lines.push("", "Stack trace (innermost first, in-app frames):");
    for (const f of frames) {
      lines.push(`- ${f.function ?? "<anonymous>"} at ${frameLocation(f)}${f === crash ? "  <-- crashed here" : ""}`);
      for (const [n, src] of f.context) lines.push(`    ${n === f.lineNo ? ">" : " "}${String(n).padStart(5)} | ${src}`);
    }
  }

  const crumbs = facts.breadcrumbs.slice(-MAX_BREADCRUMBS);
  if (crumbs.length) {
    lines.push("", "Breadcrumbs (oldest first, the error came right after the last):");
    for (const b of crumbs) {
      const when = b.timestamp !== null ? `${(b.timestamp - facts.timestamp).toFixed(2)}s` : "?";
      const data = b.data ? ` ${JSON.stringify(_crumbData(b.data))}` : "";
      lines.push(`- [${when}] ${b.category ?? b.type} ${b.level}: ${b.message ?? ""}${data}`);
    }
  }

  if (facts.request) {
    lines.push("", `Request: ${facts.request.method ?? "GET"} ${facts.request.url ?? ""}`);
    for (const [name, value] of facts.request.headers) {
      if (NOISE_HEADERS.test(name)) continue;
      const [k, v] = redactHeader(name, value);
      lines.push(`  ${k}: ${v}`);
    }
  }

  if (facts.suspectCommits.length) {
    lines.push("", "Suspect commits (in the issue's first release or undeployed releases before it; they touched the files of the frames named):");
    for (const s of facts.suspectCommits.slice(0, 5)) {
      const c = s.commit;
      lines.push(`- ${c.id.slice(0, 12)} "${(c.message ?? "").split("\n")[0]!.slice(0, 120)}" by ${c.authorName ?? "unknown"} in ${s.release}: changed ${s.matches.map((m) => `${m.path} (frame ${m.frame.function ?? "<anonymous>"})`).join(", ")}`);
    }
  }

  const tags = facts.tags.filter(([k]) => k !== "user" && k !== "server_name");
  if (tags.length) lines.push("", `Tags: ${tags.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  return { system: SYSTEM, user: redactText(lines.join("\n")) };
}

// --- Internal ---

/** Breadcrumb data minus bulky or identifying keys. */
function _crumbData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === "arguments" || k === "__span") continue;
    out[k] = typeof v === "string" && v.length > 200 ? v.slice(0, 200) + "…" : v;
  }
  return out;
}
