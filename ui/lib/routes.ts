/** The UI's client-side routes, parsed from and formatted to URL paths. */
export type Route =
  | { name: "issues"; project?: string }
  | { name: "issue"; issueId: string; eventId?: string }
  | { name: "projects"; project?: string }
  | { name: "trace"; traceId: string; eventId?: string }
  | { name: "alerts"; project: string }
  | { name: "releases"; project?: string }
  | { name: "release"; version: string }
  | { name: "monitors"; project?: string }
  | { name: "monitor"; project: string; slug: string }
  | { name: "notFound"; path: string };

/**
 * Paths are LightTrace's (`/issues/42/`) or Sentry's, with the organization in front
 * (`/organizations/acme/issues/42/`, also `MY-PROJECT-1A` short ids): links copied from Sentry's
 * tools, and the permalinks the API emits, open the same pages.
 * @example parseRoute("/issues/42/events/latest/") // { name: "issue", issueId: "42", eventId: "latest" }
 * @example parseRoute("/organizations/acme/issues/SHOP-1A/") // { name: "issue", issueId: "SHOP-1A" }
 */
export function parseRoute(pathname: string): Route {
  let parts = pathname.split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  // Sentry's organization-scoped form: the installation has one organization, so the slug is only skipped
  if (parts[0] === "organizations" && parts.length >= 2) parts = parts.slice(2);
  const [a, b, c, d] = parts;
  if (parts.length === 0 || (a === "issues" && parts.length === 1)) return { name: "issues" };
  if (a === "issues" && b && /^(\d+|[A-Za-z0-9][\w.-]*-[0-9A-Za-z]+)$/.test(b)) {
    if (parts.length === 2) return { name: "issue", issueId: b };
    if (c === "events" && d && parts.length === 4) return { name: "issue", issueId: b, eventId: d };
  }
  if (a === "traces" && b && /^[0-9a-f]{32}$/i.test(b) && parts.length === 2) return { name: "trace", traceId: b.toLowerCase() };
  if (a === "crons" && parts.length === 1) return { name: "monitors" };
  if (a === "crons" && b && c && parts.length === 3) return { name: "monitor", project: b, slug: c };
  if (a === "releases" && parts.length === 1) return { name: "releases" };
  if (a === "releases" && b && parts.length === 2) return { name: "release", version: b };
  if (a === "projects") {
    if (parts.length === 1) return { name: "projects" };
    if (b && parts.length === 2) return { name: "projects", project: b };
    if (b && c === "issues" && parts.length === 3) return { name: "issues", project: b };
    if (b && c === "alerts" && parts.length === 3) return { name: "alerts", project: b };
    if (b && c === "releases" && parts.length === 3) return { name: "releases", project: b };
    if (b && c === "monitors" && parts.length === 3) return { name: "monitors", project: b };
  }
  return { name: "notFound", path: pathname };
}

export function issuePath(issueId: string, eventId?: string): string {
  return eventId ? `/issues/${encodeURIComponent(issueId)}/events/${encodeURIComponent(eventId)}/` : `/issues/${encodeURIComponent(issueId)}/`;
}

export function issueListPath(project?: string, search?: URLSearchParams): string {
  const base = project ? `/projects/${encodeURIComponent(project)}/issues/` : "/";
  const qs = search?.toString();
  return qs ? `${base}?${qs}` : base;
}

export function projectPath(project?: string): string {
  return project ? `/projects/${encodeURIComponent(project)}/` : "/projects/";
}

/** The trace view; `eventId` marks the error the user came from. */
export function tracePath(traceId: string, eventId?: string): string {
  return `/traces/${encodeURIComponent(traceId)}/${eventId ? `?event=${encodeURIComponent(eventId)}` : ""}`;
}

/** A project's alert rules and deliveries. */
export function alertsPath(project: string): string {
  return `/projects/${encodeURIComponent(project)}/alerts/`;
}

export function releasesPath(project?: string): string {
  return project ? `/projects/${encodeURIComponent(project)}/releases/` : "/releases/";
}

export function releasePath(version: string): string {
  return `/releases/${encodeURIComponent(version)}/`;
}

/** Cron monitors of one project (or all). */
export function monitorsPath(project?: string): string {
  return project ? `/projects/${encodeURIComponent(project)}/monitors/` : "/crons/";
}

/** One monitor (Sentry's crons path: project, then slug). */
export function monitorPath(project: string, slug: string): string {
  return `/crons/${encodeURIComponent(project)}/${encodeURIComponent(slug)}/`;
}
