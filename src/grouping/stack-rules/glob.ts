/**
 * Sentry's glob flavour for stack-trace rules. Path-like values (`path`, `package`) are matched
 * case-insensitively with `\` read as `/`; there `*` stays within one path segment and `**` crosses
 * segments, and a relative path also matches as if it started with `/` (so `**\/vendor/**` matches
 * `vendor/x.php`). Elsewhere (`module`, `function`, exception fields) `*` matches anything.
 * `?` is one character, `[abc]` / `[!abc]` a character class, `\x` a literal x.
 */

/** Whether a path-like frame value matches a path glob. */
export function matchPathGlob(pattern: string, value: string): boolean {
  return pathGlobMatcher(pattern)(normalizePathValue(value));
}

/** Whether a plain value (module, function, exception type/value) matches a glob, case-sensitively. */
export function matchPlainGlob(pattern: string, value: string): boolean {
  return plainGlobMatcher(pattern)(value);
}

/**
 * A compiled path glob: tests a value already passed through {@link normalizePathValue}. A glob's
 * longest literal part is checked with `includes` first, so most frames never reach the regex.
 */
export function pathGlobMatcher(pattern: string): (normalizedPath: string) => boolean {
  return _cached("p:" + pattern, () => {
    const re = _compile(pattern.toLowerCase(), true);
    const literal = _longestLiteral(pattern.toLowerCase().replace(/\\/g, "/"));
    // ("/" + path).includes(literal), without building the string for every frame
    const afterSlash = literal.startsWith("/") ? literal.slice(1) : undefined;
    return (path) => (literal === "" || path.includes(literal) || (afterSlash !== undefined && path.startsWith(afterSlash)))
      && (re.test(path) || (!path.startsWith("/") && re.test("/" + path)));
  });
}

/** A compiled plain glob (module, function, exception fields): `*` matches anything. */
export function plainGlobMatcher(pattern: string): (value: string) => boolean {
  return _cached("v:" + pattern, () => {
    if (!/[*?[\\]/.test(pattern)) return (value) => value === pattern;
    const re = _compile(pattern, false);
    return (value) => re.test(value);
  });
}

/**
 * Text every value matching the glob contains (its longest part without wildcards; "" when none
 * is certain), for skipping a rule that no frame of a stack can match. Path globs: in the form of
 * {@link normalizePathValue}, and possibly only after a leading "/" is added to the value.
 */
export function globLiteral(pattern: string, pathLike: boolean): string {
  if (pathLike) return _longestLiteral(pattern.toLowerCase().replace(/\\/g, "/"));
  return /[[\\]/.test(pattern) ? "" : _longestLiteral(pattern);
}

/** A path as path matchers see it: lower case, forward slashes. */
export function normalizePathValue(value: string): string {
  return value.toLowerCase().replace(/\\/g, "/");
}

// --- Internal ---

/** Compiled globs by flavour and pattern; rule sets are few and small, so this stays bounded in practice. */
const COMPILED = new Map<string, (value: string) => boolean>();
const MAX_COMPILED = 5_000;

function _cached(key: string, make: () => (value: string) => boolean): (value: string) => boolean {
  let fn = COMPILED.get(key);
  if (!fn) {
    if (COMPILED.size >= MAX_COMPILED) COMPILED.clear();
    fn = make();
    COMPILED.set(key, fn);
  }
  return fn;
}

function _compile(glob: string, pathLike: boolean): RegExp {
  return new RegExp("^" + _translate(glob, pathLike) + "$", "s");
}

/** The longest run of characters a path must contain for the glob to match (no wildcard in it). */
function _longestLiteral(glob: string): string {
  if (glob.includes("[")) return "";
  return glob.split(/[*?]/).reduce((best, part) => (part.length > best.length ? part : best), "");
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
