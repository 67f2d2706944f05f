import type { SourceLinkSettings } from "../store/model/source-links.ts";
import type { ReleaseRecord, ReleaseHeadCommit } from "../store/model/releases.ts";

/**
 * The URL template a repository URL implies: GitHub (and Gitea/Forgejo-style hosts) use
 * `/blob/<commit>/<path>#L<line>`, GitLab `/-/blob/…`, Bitbucket `/src/<commit>/<path>#lines-<line>`.
 * @example defaultUrlTemplate("https://github.com/acme/shop") // "https://github.com/acme/shop/blob/{commit}/{path}#L{line}"
 */
export function defaultUrlTemplate(repositoryUrl: string): string {
  const base = repositoryUrl.replace(/\.git$/, "").replace(/\/+$/, "");
  const host = hostOf(base);
  if (host.includes("gitlab")) return `${base}/-/blob/{commit}/{path}#L{line}`;
  if (host.includes("bitbucket")) return `${base}/src/{commit}/{path}#lines-{line}`;
  return `${base}/blob/{commit}/{path}#L{line}`;
}

/**
 * The web page of a commit: GitHub-style `/commit/<sha>`, GitLab `/-/commit/<sha>`, Bitbucket `/commits/<sha>`.
 * @example commitUrl("https://github.com/acme/shop.git", "abc123") // "https://github.com/acme/shop/commit/abc123"
 */
export function commitUrl(repositoryUrl: string, sha: string): string {
  const base = repositoryUrl.replace(/\.git$/, "").replace(/\/+$/, "");
  const host = hostOf(base);
  const path = host.includes("gitlab") ? "/-/commit/" : host.includes("bitbucket") ? "/commits/" : "/commit/";
  return `${base}${path}${encodeURIComponent(sha)}`;
}

/** "acme/shop" from "https://github.com/acme/shop(.git)". */
export function repositoryNameFromUrl(repositoryUrl: string): string | undefined {
  try {
    const path = new URL(repositoryUrl).pathname.replace(/\.git$/, "").replace(/^\/+|\/+$/g, "");
    return path || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The commit a release's code was built from, for one repository: the head ref sentry-cli set
 * (`--commit repo@sha`), else the newest commit sent with `set-commits` for that repository (or
 * any repository), else a 7–40 hex SHA inside the release name (`web@3f2a9c1`, `3f2a9c1e…`).
 */
export function releaseCommit(
  release: Pick<ReleaseRecord, "version" | "lastCommit"> | undefined,
  heads: ReleaseHeadCommit[],
  repository: string,
  version: string | undefined,
): string | undefined {
  const head = heads.find((h) => h.repository === repository) ?? (heads.length === 1 ? heads[0] : undefined);
  if (head) return head.commit;
  // sentry-cli --local names the repository after the git remote ("origin"): a name without "/" matches any
  const named = release?.lastCommit?.repository;
  if (release?.lastCommit && (!named || named === repository || !named.includes("/"))) return release.lastCommit.id;
  const m = /(?:^|[^0-9a-f])([0-9a-f]{40}|[0-9a-f]{7,39})(?![0-9a-z])/i.exec(version ?? release?.version ?? "");
  return m && /[a-f]/i.test(m[1]!) && /\d/.test(m[1]!) ? m[1]!.toLowerCase() : undefined;
}

/**
 * The link to a source line: the frame's path with the stack root replaced by the source root,
 * filled into the template. Undefined for paths outside the stack root or ones that are not files
 * of the project (node_modules, absolute URLs of other hosts).
 * @example buildSourceLink({ repositoryUrl: "https://github.com/acme/shop", stackRoot: "", … }, "abc123", "../src/cart.ts", 12)
 *   // "https://github.com/acme/shop/blob/abc123/src/cart.ts#L12"
 */
export function buildSourceLink(settings: SourceLinkSettings, commit: string, path: string, line: number): string | undefined {
  let p = path.replace(/\\/g, "/");
  if (/(^|\/)node_modules\//.test(p)) return undefined;
  // the stack root is stripped first; a bundler prefix (webpack://app/) that is not the stack root stays unusable
  if (settings.stackRoot) {
    if (!p.startsWith(settings.stackRoot)) return undefined;
    p = p.slice(settings.stackRoot.length);
  } else {
    // a script URL is a deployed file, not a repository path, unless the stack root says how to map it
    if (/^https?:\/\//i.test(p)) return undefined;
    p = p.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*\//i, "");
  }
  p = p.replace(/^(\.\.?\/)+/, "").replace(/^\/+/, "");
  if (!p || p.includes("..")) return undefined;
  const full = (settings.sourceRoot ? settings.sourceRoot.replace(/\/*$/, "/") : "") + p;
  const template = settings.urlTemplate || defaultUrlTemplate(settings.repositoryUrl);
  return template
    .replaceAll("{commit}", encodeURIComponent(commit))
    .replaceAll("{path}", full.split("/").map(encodeURIComponent).join("/"))
    .replaceAll("{line}", String(line));
}

/** The lowercase host name of `url`, or "" when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
}
