/**
 * Sentry's glob flavour for stack-trace rules. Path-like values (`path`, `package`) are matched
 * case-insensitively with `\` read as `/`; there `*` stays within one path segment and `**` crosses
 * segments, and a relative path also matches as if it started with `/` (so `**\/vendor/**` matches
 * `vendor/x.php`). Elsewhere (`module`, `function`, exception fields) `*` matches anything.
 * `?` is one character, `[abc]` / `[!abc]` a character class, `\x` a literal x.
 */

/** Whether a path-like frame value matches a path glob. */
export function matchPathGlob(pattern: string, value: string): boolean {
  const re = _compiled(pattern, true);
  const path = normalizePathValue(value);
  return re.test(path) || (!path.startsWith("/") && re.test("/" + path));
}

/** Whether a plain value (module, function, exception type/value) matches a glob, case-sensitively. */
export function matchPlainGlob(pattern: string, value: string): boolean {
  return _compiled(pattern, false).test(value);
}

/** A path as path matchers see it: lower case, forward slashes. */
export function normalizePathValue(value: string): string {
  return value.toLowerCase().replace(/\\/g, "/");
}

// --- Internal ---

/** Compiled globs by flavour and pattern; rule sets are few and small, so this stays bounded in practice. */
const COMPILED = new Map<string, RegExp>();
const MAX_COMPILED = 5_000;

function _compiled(pattern: string, pathLike: boolean): RegExp {
  const cacheKey = (pathLike ? "p:" : "v:") + pattern;
  let re = COMPILED.get(cacheKey);
  if (!re) {
    if (COMPILED.size >= MAX_COMPILED) COMPILED.clear();
    re = new RegExp("^" + _translate(pathLike ? pattern.toLowerCase() : pattern, pathLike) + "$", "s");
    COMPILED.set(cacheKey, re);
  }
  return re;
}

function _translate(glob: string, pathLike: boolean): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (pathLike && glob[i + 1] === "*") {
        out += ".*";
        while (glob[i + 1] === "*") i++;
      } else {
        out += pathLike ? "[^/]*" : ".*";
      }
    } else if (c === "?") {
      out += pathLike ? "[^/]" : ".";
    } else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) {
        out += "\\[";
      } else {
        let body = glob.slice(i + 1, end);
        const negate = body.startsWith("!");
        if (negate) body = body.slice(1);
        out += "[" + (negate ? "^" : "") + body.replace(/[\\\]^]/g, "\\$&") + "]";
        i = end;
      }
    } else if (c === "\\" && i + 1 < glob.length && !pathLike) {
      out += _escape(glob[++i]!);
    } else {
      out += _escape(pathLike && c === "\\" ? "/" : c);
    }
  }
  return out;
}

function _escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? "\\" + c : c;
}
