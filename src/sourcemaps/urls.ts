/**
 * URL rules of source-map lookup (Symbolicator's, docs/sentry-protocol.md §11). Release artifacts are named
 * by full URL or by `~/` + path ("any host"); a frame's URL is tried in this order.
 * @example releaseFileCandidates("https://shop.example/static/app.js?v=3#x")
 *   // ["https://shop.example/static/app.js?v=3", "https://shop.example/static/app.js", "~/static/app.js?v=3", "~/static/app.js"]
 */
export function releaseFileCandidates(absPath: string): string[] {
  const out: string[] = [];
  const add = (u: string) => {
    if (u && !out.includes(u)) out.push(u);
  };
  const noFragment = absPath.split("#")[0]!;
  const noQuery = noFragment.split("?")[0]!;
  add(noFragment);
  add(noQuery);
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(noFragment);
  if (m) {
    const path = m[1] ?? "/";
    add("~" + path);
    add("~" + path.split("?")[0]);
  } else if (noFragment.startsWith("/")) {
    // a server-side path (Node): uploaded as ~/… relative to some root we do not know; try the name
    add("~" + noQuery);
  }
  return out;
}

/**
 * Resolves a source-map reference against the minified file's URL, keeping the `~/` pseudo-host.
 * @example resolveRelativeUrl("~/static/app.min.js", "app.min.js.map") // "~/static/app.min.js.map"
 */
export function resolveRelativeUrl(base: string, ref: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("~/")) return ref;
  const tilde = base.startsWith("~/");
  const absoluteBase = tilde ? "http://~" + base.slice(1) : /^[a-z][a-z0-9+.-]*:\/\//i.test(base) ? base : "file://" + (base.startsWith("/") ? "" : "/") + base;
  let resolved: URL;
  try {
    resolved = new URL(ref, absoluteBase);
  } catch {
    return ref;
  }
  if (tilde) return "~" + resolved.pathname + resolved.search;
  if (resolved.protocol === "file:" && !/^file:/i.test(base)) return decodeURIComponent(resolved.pathname);
  return resolved.href;
}

/** The `//# sourceMappingURL=` of a minified file (the last one wins, as browsers do). */
export function findSourceMappingUrl(source: string): string | undefined {
  const tail = source.length > 10_000 ? source.slice(-10_000) : source;
  const matches = [...tail.matchAll(/\/[/*][#@]\s*sourceMappingURL=(\S+?)\s*(?:\*\/)?\s*$/gm)];
  return matches.at(-1)?.[1];
}

/** The map inside a `data:application/json;base64,…` (or percent-encoded) URL; undefined for other URLs. */
export function decodeDataUrl(url: string): string | undefined {
  const m = /^data:([^,]*?),(.*)$/s.exec(url);
  if (!m) return undefined;
  return /;base64$/i.test(m[1]!) ? Buffer.from(m[2]!, "base64").toString("utf8") : decodeURIComponent(m[2]!);
}

/**
 * A readable file name for an original source: bundler prefixes (`webpack://app/`) and leading
 * `./` and `../` steps removed.
 * @example cleanSourcePath("webpack://shop/./src/cart.ts") // "src/cart.ts"
 */
export function cleanSourcePath(source: string): string {
  let p = source.replace(/\\/g, "/");
  const tildeAt = p.indexOf("/~/");
  if (/^webpack:/i.test(p) && tildeAt >= 0) return "~/" + p.slice(tildeAt + 3);
  p = p.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*\//i, "").replace(/^[a-z][a-z0-9+.-]*:\/*/i, "");
  while (/^\.\.?\//.test(p)) p = p.replace(/^\.\.?\//, "");
  return p || source;
}
