import { toIsoString } from "../events/timestamps.ts";
import type { ReleaseCommit, ReleaseDeploy, ReleaseRecord } from "../store/releases.ts";

/**
 * A release in Sentry's API shape. sentry-cli deserialises `version`, `dateCreated` (mandatory),
 * `dateReleased`, `lastEvent`, `newGroups`, `projects[{slug,name}]` and `lastCommit{id}`.
 */
export function serializeRelease(r: ReleaseRecord) {
  return {
    id: r.id,
    version: r.version,
    shortVersion: shortVersion(r.version),
    versionInfo: null,
    ref: r.ref,
    url: r.url,
    status: r.status,
    dateCreated: toIsoString(r.dateCreated),
    dateStarted: r.dateStarted === null ? null : toIsoString(r.dateStarted),
    dateReleased: r.dateReleased === null ? null : toIsoString(r.dateReleased),
    firstEvent: r.firstEvent === null ? null : toIsoString(r.firstEvent),
    lastEvent: r.lastEvent === null ? null : toIsoString(r.lastEvent),
    newGroups: r.newGroups,
    commitCount: r.commitCount,
    lastCommit: r.lastCommit ? serializeCommit(r.lastCommit) : null,
    deployCount: r.deployCount,
    lastDeploy: r.lastDeploy ? serializeDeploy(r.lastDeploy) : null,
    authors: r.authors.map((a) => ({ name: a.name, email: a.email })),
    projects: r.projects.map((p) => ({ id: p.id, slug: p.slug, name: p.name, platform: p.platform, platforms: p.platform ? [p.platform] : [], newGroups: 0 })),
    data: {},
  };
}

export function serializeCommit(c: ReleaseCommit) {
  return {
    id: c.id,
    message: c.message,
    dateCreated: c.timestamp === null ? null : toIsoString(c.timestamp),
    repository: c.repository ? { name: c.repository } : null,
    author: c.authorName || c.authorEmail ? { name: c.authorName, email: c.authorEmail } : null,
  };
}

export function serializeDeploy(d: ReleaseDeploy) {
  return {
    id: String(d.id),
    environment: d.environment,
    name: d.name,
    url: d.url,
    dateStarted: d.dateStarted === null ? null : toIsoString(d.dateStarted),
    dateFinished: toIsoString(d.dateFinished),
  };
}

/** Sentry's short form: a 40-hex commit version shortens to 12 characters; `pkg@1.2.3` to `1.2.3`. */
export function shortVersion(version: string): string {
  if (/^[0-9a-f]{40}$/i.test(version)) return version.slice(0, 12);
  const at = version.lastIndexOf("@");
  return at > 0 && at < version.length - 1 ? version.slice(at + 1) : version;
}
