/**
 * The name of the function enclosing `line` (0-based) in an original source, found by walking up
 * to the nearest less-indented definition: `function f(`, `f = (…) =>`, `f: function`, `f(…) {`
 * methods. A stand-in for Sentry's scope analysis of the minified code (which needs a JavaScript
 * parser); used when the source map's names cannot tell (see symbolicate.ts).
 * @example enclosingFunctionName(["export function pay(o) {", "  throw new Error();", "}"], 1) // "pay"
 */
export function enclosingFunctionName(lines: string[], line: number): string | undefined {
  let indent = _indent(lines[line] ?? "");
  for (let i = line, steps = 0; i >= 0 && steps < MAX_LINES_UP; i--, steps++) {
    const text = lines[i]!;
    if (!text.trim()) continue;
    const own = _indent(text);
    // the line itself may be the definition (a one-line function); otherwise only enclosing ones count
    if (i !== line && own >= indent) continue;
    const name = _definedName(text);
    if (name) return name;
    if (i !== line) indent = own;
    if (own === 0 && i !== line) return undefined;
  }
  return undefined;
}

// --- Internal ---

const MAX_LINES_UP = 400;
const KEYWORDS = new Set(["if", "for", "while", "switch", "catch", "with", "return", "function", "else", "do", "try", "new", "typeof", "await", "super"]);

const PATTERNS = [
  /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/,
  /([A-Za-z_$][\w$]*)\s*(?::\s*[^=]+?)?=\s*(?:async\s+)?(?:function\b|(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::\s*[^=]+?)?=>)/,
  /([A-Za-z_$][\w$]*)\s*:\s*(?:async\s+)?(?:function\b|(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>)/,
  /^\s*(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^)]*\)?\s*(?::\s*[^{]+)?\{\s*$/,
];

function _definedName(text: string): string | undefined {
  for (const re of PATTERNS) {
    const name = re.exec(text)?.[1];
    if (name && !KEYWORDS.has(name)) return name;
  }
  return undefined;
}

function _indent(text: string): number {
  return /^\s*/.exec(text)![0].replace(/\t/g, "  ").length;
}
