/**
 * Release ordering, as Sentry does it: two versions that both parse as semver (optionally behind a
 * `package@` prefix, the same package on both sides) compare by semver; otherwise the release first
 * seen earlier is older. Pure: callers pass the first-seen times.
 */
export interface ReleaseRef {
  version: string;
  /** seconds since the epoch: the first event, session or creation that named it */
  firstSeen: number;
}

export interface Semver {
  pkg: string | null;
  /** major, minor, patch, revision (missing parts are 0) */
  numbers: [number, number, number, number];
  prerelease: string[];
}

/**
 * `1.2.3`, `web@1.2.3-beta.1+42`, `app@2.0` (Sentry's `<major>.<minor?>.<patch?>.<revision?>-<prerelease?>+<build?>`);
 * undefined when the version is not one (e.g. a commit sha).
 */
export function parseSemver(version: string): Semver | undefined {
  const at = version.lastIndexOf("@");
  const pkg = at > 0 ? version.slice(0, at) : null;
  const rest = at > 0 ? version.slice(at + 1) : version;
  const m = /^v?(\d{1,15})(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(rest);
  if (!m) return undefined;
  return {
    pkg,
    numbers: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0), Number(m[4] ?? 0)],
    prerelease: m[5] ? m[5].split(".") : [],
  };
}

/**
 * Negative when `a` is older than `b`, positive when newer, 0 when the same release.
 * @example compareReleases({ version: "web@1.10.0", firstSeen: 1 }, { version: "web@1.9.0", firstSeen: 2 }) // > 0
 */
export function compareReleases(a: ReleaseRef, b: ReleaseRef): number {
  if (a.version === b.version) return 0;
  const sa = parseSemver(a.version);
  const sb = parseSemver(b.version);
  if (sa && sb && sa.pkg === sb.pkg) {
    const bySemver = _compareSemver(sa, sb);
    if (bySemver !== 0) return bySemver;
  }
  if (a.firstSeen !== b.firstSeen) return a.firstSeen < b.firstSeen ? -1 : 1;
  return a.version < b.version ? -1 : 1;
}

/** The newest of the given releases (undefined for none). */
export function latestRelease<T extends ReleaseRef>(releases: readonly T[]): T | undefined {
  let latest: T | undefined;
  for (const r of releases) if (!latest || compareReleases(r, latest) > 0) latest = r;
  return latest;
}

// --- Internal ---

function _compareSemver(a: Semver, b: Semver): number {
  for (let i = 0; i < 4; i++) if (a.numbers[i] !== b.numbers[i]) return a.numbers[i]! < b.numbers[i]! ? -1 : 1;
  // a pre-release is older than its release: 1.0.0-rc.1 < 1.0.0
  if (!a.prerelease.length || !b.prerelease.length) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
