import { InvalidInputError } from "../errors.ts";

/** An owner a rule names: a person by email (lowercased) or a team by slug (`#billing`). */
export type Owner = { kind: "user"; email: string } | { kind: "team"; slug: string };

/** What a rule looks at: frame paths, frame modules, the request URL or one tag. */
export type RuleType = "path" | "module" | "url" | "tags";

export interface OwnershipRule {
  /** 1-based line in the text */
  line: number;
  /** the rule as written (trimmed), for activity and messages */
  text: string;
  type: RuleType;
  /** with `tags`: the tag key (`tags.team:billing` → "team") */
  tagKey?: string;
  pattern: string;
  matches: (value: string) => boolean;
  owners: Owner[];
}

/** A line that is not a rule; the message names the line. */
export class OwnershipSyntaxError extends InvalidInputError {
  override name = "OwnershipSyntaxError";
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

/** characters; longest rules text accepted (Sentry caps CODEOWNERS at 3 MB; rules typed by hand are far smaller) */
export const MAX_OWNERSHIP_CHARS = 100_000;

/**
 * Parses ownership rules in Sentry's syntax (`src/sentry/ownership/grammar.py`): one rule per
 * line, `type:pattern owner [owner…]`; types `path` (the default for a bare pattern), `module`,
 * `url`, `tags.<key>`; the pattern may be quoted; owners are emails or `#team`; `#` starts a
 * comment line. Throws OwnershipSyntaxError naming the first bad line.
 * @example parseOwnershipRules("path:src/billing/* #billing\ntags.team:payments pay@example.com")
 */
export function parseOwnershipRules(raw: string): OwnershipRule[] {
  if (raw.length > MAX_OWNERSHIP_CHARS) throw new OwnershipSyntaxError(1, `the rules are longer than ${MAX_OWNERSHIP_CHARS} characters`);
  const rules: OwnershipRule[] = [];
  raw.split(/\r?\n/).forEach((rawLine, i) => {
    const text = rawLine.trim();
    if (text === "" || text.startsWith("#")) return;
    rules.push(_parseLine(text, i + 1));
  });
  return rules;
}

/**
 * A case-insensitive glob as Sentry's ownership matchers use it (fnmatch): `*` any run of
 * characters, `?` one, `[a-z]` a class. Path globs compare with `\` read as `/` and also match
 * the path's tail after any `/` (a rule `src/billing/*` matches `/srv/app/src/billing/tax.js`).
 */
export function ownershipGlob(pattern: string, opts: { path: boolean }): (value: string) => boolean {
  const norm = opts.path ? pattern.replace(/\\/g, "/") : pattern;
  let body = "";
  for (let i = 0; i < norm.length; i++) {
    const c = norm[i]!;
    if (c === "*") body += ".*";
    else if (c === "?") body += ".";
    else if (c === "[") {
      const end = norm.indexOf("]", i + 2);
      if (end === -1) body += "\\[";
      else {
        const inner = norm.slice(i + 1, end).replace(/\\/g, "\\\\");
        body += `[${inner.startsWith("!") ? "^" + inner.slice(1) : inner}]`;
        i = end;
      }
    } else body += c.replace(/[.+^${}()|\\/\]]/g, "\\$&");
  }
  const anchoredTail = opts.path && !/^[/*]/.test(norm);
  const re = new RegExp(anchoredTail ? `^(?:.*/)?${body}$` : `^${body}$`, "is");
  return (value) => re.test(opts.path ? value.replace(/\\/g, "/") : value);
}

// --- Internal ---

function _parseLine(text: string, line: number): OwnershipRule {
  const m = /^(?:([A-Za-z_][\w.-]*):)?("(?:[^"\\]|\\.)*"|\S+)(?:\s+(.*))?$/.exec(text);
  if (!m) throw new OwnershipSyntaxError(line, `"${text.slice(0, 80)}" is not a rule (type:pattern owner …)`);
  const [, rawType, rawPattern, rest] = m;
  let type: RuleType = "path";
  let tagKey: string | undefined;
  if (rawType !== undefined) {
    const lower = rawType.toLowerCase();
    if (lower === "path" || lower === "module" || lower === "url") type = lower;
    else if (lower.startsWith("tags.") && lower.length > 5) {
      type = "tags";
      tagKey = rawType.slice(5);
    } else if (lower === "codeowners") throw new OwnershipSyntaxError(line, "codeowners rules are not supported; write path: rules instead");
    else throw new OwnershipSyntaxError(line, `unknown rule type "${rawType.slice(0, 40)}" (path, module, url, tags.<key>)`);
  }
  const pattern = rawPattern!.startsWith('"') ? rawPattern!.slice(1, -1).replace(/\\(.)/g, "$1") : rawPattern!;
  if (pattern === "") throw new OwnershipSyntaxError(line, "the pattern is empty");
  const ownerWords = (rest ?? "").split(/\s+/).filter((w) => w !== "");
  if (ownerWords.length === 0) throw new OwnershipSyntaxError(line, `"${text.slice(0, 80)}" names no owner (an email or #team)`);
  const owners: Owner[] = ownerWords.map((w) => {
    if (/^#[\w.-]+$/.test(w)) return { kind: "team", slug: w.slice(1) };
    if (/^[^\s@<>,;#]+@[^\s@<>,;]+$/.test(w)) return { kind: "user", email: w.toLowerCase() };
    throw new OwnershipSyntaxError(line, `"${w.slice(0, 60)}" is not an owner (an email address or #team)`);
  });
  return { line, text, type, ...(tagKey ? { tagKey } : {}), pattern, matches: ownershipGlob(pattern, { path: type === "path" }), owners };
}
