import { InvalidInputError } from "../../errors.ts";

/**
 * Sentry's stack-trace rule syntax ("grouping enhancements"), parsed into plain data so a rule set
 * can cross a worker-thread boundary or be cached by its text. One rule per line:
 * `matcher:argument [matcher:argument …] action [action …]`, e.g. `stack.abs_path:**\/vendor/** -app`.
 * @see https://docs.sentry.io/concepts/data-management/event-grouping/stack-trace-rules/
 */

/** The frame (or exception) field a matcher reads. */
export type MatcherField = "path" | "module" | "function" | "package" | "family" | "app" | "category" | "type" | "value" | "mechanism";

export interface FrameMatcher {
  field: MatcherField;
  /** glob for path/package (case-insensitive, `**` crosses `/`), module/function/type/value; a list for family; yes/no for app */
  pattern: string;
  negated: boolean;
  /** `[ … ] |` tests the caller (the frame before), `| [ … ]` the callee (the frame after) */
  position: "frame" | "caller" | "callee";
}

export type StackRuleAction =
  | { kind: "flag"; flag: "app" | "group"; value: boolean; range: "frame" | "up" | "down" }
  | { kind: "var"; name: "category"; value: string }
  | { kind: "var"; name: "max-frames" | "min-frames"; value: number };

export interface StackRule {
  /** 1-based line in the rule text */
  line: number;
  /** the rule as written (without a trailing comment), shown in grouping hints */
  text: string;
  matchers: FrameMatcher[];
  actions: StackRuleAction[];
}

/** A line that is not a valid rule; the API answers 400 with this message (src/http/errors.ts). */
export class StackRuleSyntaxError extends InvalidInputError {
  override name = "StackRuleSyntaxError";
  readonly line: number;
  constructor(line: number, text: string, reason: string) {
    super(`invalid stack-trace rule on line ${line} (${JSON.stringify(text.trim().slice(0, 120))}): ${reason}`);
    this.line = line;
  }
}

/** Matcher names as written (Sentry's Discover-style names and the short ones) → the field read. */
export const MATCHER_NAMES: Readonly<Record<string, MatcherField>> = {
  "stack.abs_path": "path", "stack.module": "module", "stack.function": "function", "stack.package": "package",
  "error.type": "type", "error.value": "value", "error.mechanism": "mechanism",
  path: "path", module: "module", function: "function", package: "package", category: "category", family: "family", app: "app",
};

const FAMILIES = new Set(["native", "javascript", "other", "all"]);
const BOOLEANS: Readonly<Record<string, boolean>> = { yes: true, true: true, "1": true, on: true, no: false, false: false, "0": false, off: false };
/** Rule texts above this are refused: they are read on every event. */
export const MAX_STACK_RULES_CHARS = 50_000;

/**
 * Parses a rule text: blank lines and `#` comments are skipped; the first bad line throws a
 * {@link StackRuleSyntaxError} naming it.
 * @example parseStackRules("stack.module:com.acme.** +app\nfamily:javascript stack.abs_path:**\/generated/** -group")
 */
export function parseStackRules(text: string): StackRule[] {
  if (text.length > MAX_STACK_RULES_CHARS) throw new StackRuleSyntaxError(1, "", `the rules are longer than ${MAX_STACK_RULES_CHARS} characters`);
  const rules: StackRule[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const rule = _parseLine(lines[i]!, i + 1);
    if (rule) rules.push(rule);
  }
  return rules;
}

// --- Internal ---

function _parseLine(raw: string, line: number): StackRule | undefined {
  const tokens = _tokenize(raw, line);
  if (tokens.length === 0) return undefined;
  const fail = (reason: string): never => {
    throw new StackRuleSyntaxError(line, raw, reason);
  };
  const matchers: FrameMatcher[] = [];
  const actions: StackRuleAction[] = [];
  let i = 0;
  // [ caller ] |
  if (tokens[i] === "[") {
    if (tokens[i + 2] !== "]" || tokens[i + 3] !== "|") fail('a caller matcher is written "[ matcher:value ] |"');
    matchers.push(_parseMatcher(tokens[i + 1]!, "caller", fail));
    i += 4;
  }
  while (i < tokens.length && !_isAction(tokens[i]!) && tokens[i] !== "|") {
    matchers.push(_parseMatcher(tokens[i]!, "frame", fail));
    i++;
  }
  // | [ callee ]
  if (tokens[i] === "|") {
    if (tokens[i + 1] !== "[" || tokens[i + 3] !== "]") fail('a callee matcher is written "| [ matcher:value ]"');
    matchers.push(_parseMatcher(tokens[i + 2]!, "callee", fail));
    i += 4;
  }
  if (!matchers.some((m) => m.position === "frame")) fail("a rule needs at least one matcher for the frame itself, e.g. stack.module:com.acme.*");
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (!_isAction(token)) fail(`"${token}" is not an action; actions are +app, -app, +group, -group (optionally with ^ or v), category=…, max-frames=N, min-frames=N`);
    actions.push(_parseAction(token, fail));
    i++;
  }
  if (actions.length === 0) fail("the rule has no action (e.g. -app, +app, -group)");
  return { line, text: _stripComment(raw).trim(), matchers, actions };
}

/**
 * Splits a line at whitespace (quotes keep spaces). `[`, `]` and `|` are punctuation only as
 * tokens of their own, as in Sentry's grammar (`[ function:foo ] | function:bar -group`), so
 * globs like `*@v[0-9]*` keep their brackets.
 */
function _tokenize(raw: string, line: number): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === " " || raw[i] === "\t") { i++; continue; }
    if (raw[i] === "#") break;
    let token = "";
    while (i < raw.length && raw[i] !== " " && raw[i] !== "\t") {
      if (raw[i] === '"') {
        const end = _closingQuote(raw, i);
        if (end < 0) throw new StackRuleSyntaxError(line, raw, "unterminated quoted value");
        token += raw.slice(i, end + 1);
        i = end + 1;
      } else {
        token += raw[i];
        i++;
      }
    }
    tokens.push(token);
  }
  return tokens;
}

function _closingQuote(raw: string, start: number): number {
  for (let i = start + 1; i < raw.length; i++) {
    if (raw[i] === "\\") i++;
    else if (raw[i] === '"') return i;
  }
  return -1;
}

function _stripComment(raw: string): string {
  let inQuote = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\" && inQuote) i++;
    else if (raw[i] === '"') inQuote = !inQuote;
    else if (raw[i] === "#" && !inQuote) return raw.slice(0, i);
  }
  return raw;
}

function _isAction(token: string): boolean {
  return /^[\^v]?[+-]/.test(token) || /^[\w-]+=/.test(token);
}

function _parseMatcher(token: string, position: FrameMatcher["position"], fail: (reason: string) => never): FrameMatcher {
  const negated = token.startsWith("!");
  const body = negated ? token.slice(1) : token;
  const colon = body.indexOf(":");
  if (colon <= 0) fail(`"${token}" is not a matcher; write name:value, e.g. stack.abs_path:**/vendor/**`);
  const name = body.slice(0, colon).replace(/^"(.*)"$/, "$1");
  const field = MATCHER_NAMES[name];
  if (!field) fail(`unknown matcher "${name}"; known matchers: ${Object.keys(MATCHER_NAMES).join(", ")}`);
  const pattern = _unquote(body.slice(colon + 1), fail);
  if (!pattern) fail(`matcher "${name}" has no value`);
  if (field === "family") {
    const bad = pattern.split(",").find((f) => !FAMILIES.has(f));
    if (bad !== undefined) fail(`unknown family "${bad}"; families are native, javascript, other, all`);
  }
  if (field === "app" && BOOLEANS[pattern.toLowerCase()] === undefined) fail(`app: takes yes or no, not "${pattern}"`);
  return { field: field!, pattern, negated, position };
}

function _unquote(value: string, fail: (reason: string) => never): string {
  if (!value.startsWith('"')) return value;
  if (!value.endsWith('"') || value.length < 2) fail(`badly quoted value ${value}`);
  return value.slice(1, -1).replace(/\\(.)/g, "$1");
}

function _parseAction(token: string, fail: (reason: string) => never): StackRuleAction {
  const flag = /^([\^v]?)([+-])(app|group)$/.exec(token);
  if (flag) {
    const range = flag[1] === "^" ? "up" : flag[1] === "v" ? "down" : "frame";
    return { kind: "flag", flag: flag[3] as "app" | "group", value: flag[2] === "+", range };
  }
  const eq = token.indexOf("=");
  if (eq < 0) fail(`"${token}" is not an action; flag actions are +app, -app, +group, -group, optionally with ^ (callees) or v (callers)`);
  const name = token.slice(0, eq);
  const value = token.slice(eq + 1);
  if (name === "category") {
    if (!/^[\w.-]+$/.test(value)) fail(`category=${value}: a category is a word`);
    return { kind: "var", name, value };
  }
  if (name === "max-frames" || name === "min-frames") {
    if (!/^\d{1,4}$/.test(value)) fail(`${name}=${value}: expected a whole number`);
    return { kind: "var", name, value: Number(value) };
  }
  return fail(`unknown variable "${name}"; variables are category, max-frames, min-frames`);
}

/** Whether an `app:` argument means yes (parsed rules only hold valid ones). */
export function ruleBoolean(value: string): boolean {
  return BOOLEANS[value.toLowerCase()] === true;
}
