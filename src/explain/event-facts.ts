import type { Issue } from "../store/types.ts";
import type { SuspectCommitView } from "../releases/load-suspect-commits.ts";
import type { ExplainEvent } from "./types.ts";

/** A stack frame as the event API serialises it (only what Explain reads). */
export interface FactFrame {
  filename: string | null;
  absPath: string | null;
  function: string | null;
  module: string | null;
  lineNo: number | null;
  colNo: number | null;
  inApp: boolean;
  /** [line number, source line] around the frame's line */
  context: [number, string][];
}

export interface FactCrumb {
  /** position in the event's breadcrumbs, 0 = oldest */
  index: number;
  /** seconds since epoch, when known */
  timestamp: number | null;
  type: string;
  category: string | null;
  level: string;
  message: string | null;
  data: Record<string, unknown> | null;
}

/** Everything Explain knows about one event of an issue, gathered from the event API's shape. */
export interface EventFacts {
  eventId: string;
  /** seconds since epoch */
  timestamp: number;
  platform: string;
  title: string;
  exceptionType: string | null;
  exceptionValue: string | null;
  /** the chain, outermost cause first, as "Type: value" */
  exceptionChain: string[];
  handled: boolean | null;
  mechanism: string | null;
  /** frames of the main exception, innermost (crashing) last */
  frames: FactFrame[];
  breadcrumbs: FactCrumb[];
  request: { method: string | null; url: string | null; headers: [string, string][] } | null;
  userId: string | null;
  tags: [string, string][];
  release: string | null;
  environment: string | null;
  traceId: string | null;
  /** commits that touched the crashing frames' files (src/releases/load-suspect-commits.ts), best first */
  suspectCommits: SuspectCommitView[];
  issue: Pick<Issue, "id" | "status" | "substatus" | "firstSeenSec" | "lastSeenSec" | "firstRelease" | "lastRelease" | "eventCount" | "userCount" | "regressedAtSec">;
}

/** Reads the facts out of an event as `GET /issues/{id}/events/{event_id}/` returns it. */
export function collectEventFacts(event: ExplainEvent, issue: Issue, suspectCommits: SuspectCommitView[] = []): EventFacts {
  const entry = (type: string) => event.entries.find((e) => e.type === type)?.data as Record<string, unknown> | undefined;
  const exception = entry("exception") as { values?: ApiException[] } | undefined;
  const values = exception?.values ?? [];
  const main = values[values.length - 1];
  const frames = (main?.stacktrace?.frames ?? (entry("stacktrace") as { frames?: FactFrame[] } | undefined)?.frames ?? []).map(_frame);
  const crumbs = (entry("breadcrumbs") as { values?: Record<string, unknown>[] } | undefined)?.values ?? [];
  const request = entry("request") as { method?: string | null; url?: string | null; headers?: [string, string][] } | undefined;
  const trace = (event.contexts as Record<string, Record<string, unknown> | undefined>).trace;
  return {
    eventId: event.eventID,
    timestamp: Date.parse(event.dateCreated) / 1000,
    platform: event.platform,
    title: event.title,
    exceptionType: main?.type ?? null,
    exceptionValue: main?.value ?? (event.message || null),
    exceptionChain: values.map((v) => [v.type, v.value].filter(Boolean).join(": ")),
    handled: typeof main?.mechanism?.handled === "boolean" ? main.mechanism.handled : null,
    mechanism: typeof main?.mechanism?.type === "string" ? main.mechanism.type : null,
    frames,
    breadcrumbs: crumbs.map((b, i) => _crumb(b, i)),
    request: request ? { method: request.method ?? null, url: request.url ?? null, headers: Array.isArray(request.headers) ? request.headers : [] } : null,
    userId: typeof event.user?.id === "string" || typeof event.user?.id === "number" ? String(event.user.id) : null,
    tags: event.tags.map((t) => [t.key, t.value] as [string, string]),
    release: event.release?.version ?? null,
    environment: event.environment ?? null,
    traceId: typeof trace?.trace_id === "string" ? trace.trace_id : null,
    suspectCommits,
    issue: {
      id: issue.id, status: issue.status, substatus: issue.substatus, firstSeenSec: issue.firstSeenSec, lastSeenSec: issue.lastSeenSec,
      firstRelease: issue.firstRelease, lastRelease: issue.lastRelease, eventCount: issue.eventCount, userCount: issue.userCount,
      regressedAtSec: issue.regressedAtSec,
    },
  };
}

/**
 * The frame Explain blames: the innermost in-app frame that is not a dependency's (some SDKs mark
 * bundled vendor code in-app). When the SDK marked no frame in-app at all, the innermost frame
 * whose path is not a dependency's or the runtime's; when it marked some but all are
 * dependencies, or none is the application's, no frame (the error surfaced in library code).
 */
export function crashingFrame(facts: EventFacts): FactFrame | undefined {
  const anyInApp = facts.frames.some((f) => f.inApp);
  for (let i = facts.frames.length - 1; i >= 0; i--) {
    const f = facts.frames[i]!;
    if ((f.inApp || !anyInApp) && !isLibraryFrame(f)) return f;
  }
  return undefined;
}

/** The innermost frame, whoever's code it is. */
export function innermostFrame(facts: EventFacts): FactFrame | undefined {
  return facts.frames[facts.frames.length - 1];
}

/** Dependencies, bundlers' runtime and the language runtime, by path or module. */
export function isLibraryFrame(f: FactFrame): boolean {
  const path = `${f.absPath ?? ""} ${f.filename ?? ""}`;
  if (/(^|[/\\])(node_modules|site-packages|dist-packages|vendor|bower_components|\.yarn|gems|pkg\/mod)[/\\]|^webpack\/(?:bootstrap|runtime)\b|webpack\/bootstrap|@sentry\/|^(node|internal|native):|(^| )(node|internal):|<anonymous>|\[native code\]|\/usr\/lib\/python|\/lib\/python\d|\/(rubygems|ruby\/\d)|GOROOT|\/go\/src\/runtime\//.test(path)) return true;
  return /^(java|javax|jdk|sun|kotlin|kotlinx|android|androidx|dalvik|okhttp3|org\.springframework|org\.apache|com\.fasterxml|System|Microsoft)\./.test(f.module ?? "");
}

/** `src/cart.js:42` style location of a frame. */
export function frameLocation(f: FactFrame): string {
  const file = f.filename ?? f.absPath ?? f.module ?? "<unknown>";
  return f.lineNo !== null ? `${file}:${f.lineNo}${f.colNo !== null ? `:${f.colNo}` : ""}` : file;
}

/** The frame's own source line, when the SDK or a source map supplied context. */
export function crashLine(f: FactFrame): string | undefined {
  return f.context.find(([n]) => n === f.lineNo)?.[1];
}

// --- Internal ---

interface ApiException {
  type: string | null;
  value: string | null;
  mechanism: { type?: unknown; handled?: unknown } | null;
  stacktrace: { frames: FactFrame[] } | null;
}

function _frame(f: FactFrame): FactFrame {
  return {
    filename: f.filename ?? null, absPath: f.absPath ?? null, function: f.function ?? null, module: f.module ?? null,
    lineNo: f.lineNo ?? null, colNo: f.colNo ?? null, inApp: f.inApp === true, context: Array.isArray(f.context) ? f.context : [],
  };
}

function _crumb(b: Record<string, unknown>, index: number): FactCrumb {
  const ts = typeof b.timestamp === "string" ? Date.parse(b.timestamp) / 1000 : NaN;
  return {
    index,
    timestamp: Number.isFinite(ts) ? ts : null,
    type: typeof b.type === "string" ? b.type : "default",
    category: typeof b.category === "string" ? b.category : null,
    level: typeof b.level === "string" ? b.level : "info",
    message: typeof b.message === "string" ? b.message : null,
    data: b.data && typeof b.data === "object" && !Array.isArray(b.data) ? (b.data as Record<string, unknown>) : null,
  };
}
