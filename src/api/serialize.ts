import type { Breadcrumb, ExceptionValue, Frame, NormalizedEvent, Stacktrace } from "../events/types.ts";
import { toIsoString } from "../events/timestamps.ts";
import type { Issue, Organization, Project, ProjectKey, StoredEvent, TagKeySummary } from "../store/types.ts";
import { formatDsn } from "../bootstrap.ts";
import { frameSymbolicationErrors } from "../sourcemaps/frame-errors.ts";

/** The only place that shapes API output: Sentry's field names, so Sentry clients and scripts work. */

export function serializeOrganization(org: Organization) {
  return {
    id: String(org.id),
    slug: org.slug,
    name: org.name,
    dateCreated: toIsoString(org.createdAt),
    status: { id: "active", name: "active" },
    isEarlyAdopter: false,
    require2FA: false,
    features: [],
    links: { organizationUrl: "", regionUrl: "" },
  };
}

export function serializeProject(project: Project, org?: Organization) {
  return {
    id: String(project.id),
    slug: project.slug,
    name: project.name,
    platform: project.platform,
    dateCreated: toIsoString(project.createdAt),
    isBookmarked: false,
    isMember: true,
    hasAccess: true,
    status: "active",
    features: [],
    ...(org ? { organization: { id: String(org.id), slug: org.slug, name: org.name } } : {}),
  };
}

export function serializeProjectKey(key: ProjectKey, publicUrl: string) {
  const dsn = formatDsn(publicUrl, key);
  const base = `${publicUrl.replace(/\/$/, "")}/api/${key.projectId}`;
  return {
    id: key.publicKey,
    name: key.label,
    label: key.label,
    public: key.publicKey,
    secret: null,
    projectId: key.projectId,
    isActive: key.isActive,
    dateCreated: toIsoString(key.createdAt),
    rateLimit: null,
    dsn: {
      public: dsn,
      secret: dsn,
      csp: `${base}/security/?sentry_key=${key.publicKey}`,
      security: `${base}/security/?sentry_key=${key.publicKey}`,
      minidump: `${base}/minidump/?sentry_key=${key.publicKey}`,
      unreal: `${base}/unreal/${key.publicKey}/`,
      cdn: null,
    },
  };
}

/** `MY-APP-1A`: the project slug and a per-project counter in base 36, as Sentry does. */
export function formatShortId(project: Project, shortId: number): string {
  return `${project.slug.toUpperCase()}-${shortId.toString(36).toUpperCase()}`;
}

export function serializeIssue(issue: Issue, project: Project, publicUrl: string, stats?: Record<string, [number, number][]>) {
  return {
    id: String(issue.id),
    shortId: formatShortId(project, issue.shortId),
    title: issue.title,
    culprit: issue.culprit,
    permalink: `${publicUrl}/issues/${issue.id}/`,
    logger: null,
    level: issue.level,
    status: issue.status,
    statusDetails: {},
    substatus: issue.status === "unresolved" ? issue.substatus : issue.status === "ignored" ? "archived_forever" : null,
    isPublic: false,
    platform: issue.platform,
    project: { id: String(project.id), name: project.name, slug: project.slug, platform: project.platform },
    type: issue.type,
    issueType: "error",
    issueCategory: "error",
    metadata: issue.metadata,
    numComments: 0,
    assignedTo: null,
    isBookmarked: false,
    isSubscribed: false,
    hasSeen: false,
    annotations: [],
    isUnhandled: issue.isUnhandled,
    count: String(issue.eventCount),
    userCount: issue.userCount,
    firstSeen: toIsoString(issue.firstSeen),
    lastSeen: toIsoString(issue.lastSeen),
    firstRelease: issue.firstRelease ? { version: issue.firstRelease } : null,
    lastRelease: issue.lastRelease ? { version: issue.lastRelease } : null,
    regressedAt: issue.regressedAt === null ? null : toIsoString(issue.regressedAt),
    ...(stats ? { stats } : {}),
  };
}

export function serializeIssueDetail(issue: Issue, project: Project, publicUrl: string, tags: TagKeySummary[], stats: Record<string, [number, number][]>) {
  return {
    ...serializeIssue(issue, project, publicUrl, stats),
    tags: tags.map((t) => ({ key: t.key, name: t.key, totalValues: t.totalValues })),
    grouping: { mechanism: issue.groupingMechanism, key: issue.groupingKey },
    participants: [],
    activity: [],
    seenBy: [],
    pluginActions: [],
    pluginContexts: [],
    pluginIssues: [],
    userReportCount: 0,
  };
}

export function serializeTagKey(t: TagKeySummary) {
  return {
    key: t.key,
    name: t.key,
    totalValues: t.totalValues,
    uniqueValues: t.uniqueValues,
    topValues: t.topValues.map((v) => ({
      key: t.key, name: v.value, value: v.value, count: v.count, firstSeen: toIsoString(v.firstSeen), lastSeen: toIsoString(v.lastSeen),
    })),
  };
}

export function serializeEvent(stored: StoredEvent, extras: { title: string; culprit: string; previousEventID?: string | null; nextEventID?: string | null }) {
  const ev = stored.event;
  const message = ev.logentry?.formatted ?? ev.logentry?.message ?? "";
  return {
    id: stored.eventId,
    eventID: stored.eventId,
    groupID: String(stored.issueId),
    projectID: String(stored.projectId),
    dateCreated: toIsoString(stored.timestamp),
    dateReceived: toIsoString(stored.receivedAt),
    title: extras.title,
    culprit: extras.culprit,
    location: extras.culprit,
    message,
    platform: ev.platform,
    type: ev.type,
    level: ev.level,
    logger: ev.logger ?? null,
    transaction: ev.transaction ?? null,
    environment: ev.environment,
    release: ev.release ? { version: ev.release } : null,
    dist: ev.dist ?? null,
    tags: ev.tags.map(([key, value]) => ({ key, value })),
    entries: serializeEntries(ev),
    user: ev.user ? { ...ev.user, ip_address: ev.user.ip_address ?? null, data: ev.user.data ?? null } : null,
    contexts: ev.contexts ?? {},
    context: ev.extra ?? {},
    sdk: ev.sdk ? { name: ev.sdk.name ?? null, version: ev.sdk.version ?? null } : null,
    packages: ev.modules ?? {},
    fingerprints: ev.fingerprint ?? [],
    errors: ev.errors ?? [],
    metadata: {},
    crashFile: null,
    size: 0,
    _meta: {},
    previousEventID: extras.previousEventID ?? null,
    nextEventID: extras.nextEventID ?? null,
  };
}

/** The event's interfaces as Sentry's `entries` list, in Sentry's display order. */
export function serializeEntries(ev: NormalizedEvent) {
  const entries: { type: string; data: unknown }[] = [];
  if (ev.exception) {
    const values = ev.exception.values.map(_exception);
    entries.push({ type: "exception", data: { values, excOmitted: null, hasSystemFrames: values.some((v) => v.stacktrace?.hasSystemFrames) } });
  }
  if (ev.logentry && !ev.exception) {
    entries.push({ type: "message", data: { formatted: ev.logentry.formatted ?? ev.logentry.message ?? "", message: ev.logentry.message ?? null, params: ev.logentry.params ?? null } });
  }
  if (ev.stacktrace) entries.push({ type: "stacktrace", data: _stacktrace(ev.stacktrace) });
  if (ev.threads) {
    entries.push({
      type: "threads",
      data: { values: ev.threads.values.map((t) => ({ ...t, stacktrace: t.stacktrace ? _stacktrace(t.stacktrace as Stacktrace) : null })) },
    });
  }
  if (ev.breadcrumbs) entries.push({ type: "breadcrumbs", data: { values: ev.breadcrumbs.values.map(_breadcrumb) } });
  if (ev.request) {
    const r = ev.request;
    entries.push({
      type: "request",
      data: {
        url: r.url ?? null, method: r.method ?? null, query: r.query_string ?? [], fragment: r.fragment ?? null, data: r.data ?? null,
        headers: r.headers ?? [], cookies: r.cookies ?? [], env: r.env ?? null,
        inferredContentType: r.headers?.find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? null,
      },
    });
  }
  return entries;
}

/** Frames in Sentry's API field names, with numbered context lines. */
export function serializeFrame(f: Frame) {
  const context: [number, string][] = [];
  if (f.lineno !== undefined && f.context_line !== undefined) {
    const pre = f.pre_context ?? [];
    pre.forEach((line, i) => context.push([f.lineno! - pre.length + i, line]));
    context.push([f.lineno, f.context_line]);
    (f.post_context ?? []).forEach((line, i) => context.push([f.lineno! + 1 + i, line]));
  }
  return {
    filename: f.filename ?? null,
    absPath: f.abs_path ?? f.filename ?? null,
    module: f.module ?? null,
    package: f.package ?? null,
    platform: f.platform ?? null,
    function: f.function ?? null,
    rawFunction: f.raw_function ?? null,
    instructionAddr: f.instruction_addr ?? null,
    lineNo: f.lineno ?? null,
    colNo: f.colno ?? null,
    context,
    inApp: f.in_app === true,
    vars: f.vars ?? null,
    trust: null,
    // source maps (issue 5): how the frame was resolved, or why it was not
    data: f.data && typeof f.data === "object" ? f.data : null,
    sourceLink: typeof f.source_link === "string" ? f.source_link : null,
    errors: frameSymbolicationErrors(f),
  };
}

// --- Internal ---

function _stacktrace(st: Stacktrace) {
  const frames = st.frames.map(serializeFrame);
  return { frames, framesOmitted: null, registers: st.registers ?? null, hasSystemFrames: frames.some((f) => !f.inApp) };
}

function _exception(e: ExceptionValue) {
  return {
    type: e.type ?? null,
    value: e.value ?? null,
    module: e.module ?? null,
    mechanism: e.mechanism ?? null,
    threadId: e.thread_id ?? null,
    rawStacktrace: e.raw_stacktrace ? _stacktrace(e.raw_stacktrace as Stacktrace) : null,
    stacktrace: e.stacktrace ? _stacktrace(e.stacktrace) : null,
  };
}

function _breadcrumb(b: Breadcrumb) {
  return {
    type: b.type ?? "default",
    category: b.category ?? null,
    level: b.level ?? "info",
    message: b.message ?? null,
    data: b.data ?? null,
    timestamp: b.timestamp !== undefined ? toIsoString(b.timestamp) : null,
    event_id: typeof b.event_id === "string" ? b.event_id : null,
  };
}
