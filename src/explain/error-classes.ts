import type { ErrorClassExplanation, ErrorRule as Rule } from "./error-rule.ts";
import { RUNTIME_RULES, SERVICE_RULES } from "./error-classes-services.ts";

export type { ErrorCategory, ErrorClassExplanation } from "./error-rule.ts";

/**
 * Rules that explain an exception class and message in plain words, pointing at the expression
 * involved when the crashing source line shows it. Covers the messages of V8 (Node, Chrome),
 * SpiderMonkey (Firefox), JavaScriptCore (Safari) and CPython.
 */
/**
 * Explains `type: value`; `line` is the crashing source line when known. Rules for services
 * (timeouts, databases, permissions) and runtime classes go first: their messages are specific,
 * while some language rules below match broadly.
 */
export function explainErrorClass(type: string | null, value: string | null, line: string | undefined): ErrorClassExplanation | undefined {
  const v = value ?? "";
  for (const rule of [...SERVICE_RULES, ...RULES, ...RUNTIME_RULES]) {
    if (rule.types && (!type || !rule.types.some((t) => t === type || type.endsWith(`.${t}`)))) continue;
    const m = rule.match.exec(v);
    if (m) return { ...rule.explain(m, line, type ?? "Error"), category: rule.category };
  }
  return undefined;
}

/**
 * The object expressions a property is read from on `line`, e.g. `["order.customer"]` for property
 * `name` in `const n = order.customer.name;`. Empty when the line does not show one.
 */
export function findPropertyReceivers(line: string | undefined, property: string): string[] {
  if (!line || !property) return [];
  const prop = property.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`([A-Za-z_$][\\w$]*(?:(?:\\?\\.|\\.)[A-Za-z_$][\\w$]*|\\[[^\\]]*\\]|\\([^()]*\\))*)\\s*(?:\\?\\.|\\.)\\s*${prop}\\b|([A-Za-z_$][\\w$.]*)\\[\\s*["'\`]${prop}["'\`]\\s*\\]`, "g");
  const found: string[] = [];
  for (const m of line.matchAll(re)) {
    const receiver = m[1] ?? m[2];
    if (receiver && !found.includes(receiver)) found.push(receiver);
  }
  return found;
}

/** The first of findPropertyReceivers, or undefined. */
export function findPropertyReceiver(line: string | undefined, property: string): string | undefined {
  return findPropertyReceivers(line, property)[0];
}

// --- Internal ---

const _nullish = (what: string) => (what === "null" ? "null" : "undefined");

function _readOfNullish(what: string, property: string, line: string | undefined, receiverFromMessage?: string): Omit<ErrorClassExplanation, "category"> {
  const candidates = receiverFromMessage ? [receiverFromMessage] : findPropertyReceivers(line, property);
  if (candidates.length > 1) {
    const list = candidates.map((c) => `\`${c}\``);
    return {
      title: `Reading property \`${property}\` of ${what}`,
      cause: `One of ${list.slice(0, -1).join(", ")} or ${list[list.length - 1]} was ${what}: the failing line reads \`.${property}\` from each. ` +
        "Typically data that has not loaded yet, an optional field missing from an API response, or a lookup that found nothing.",
      fix: `Check which one is ${what} (log them, or split the line); guard it with \`?.${property}\` or make sure it is set before this line runs.`,
    };
  }
  const receiver = candidates[0];
  const where = receiver ? `\`${receiver}\` was ${what}` : `the value whose \`.${property}\` was read was ${what}`;
  return {
    ...(receiver ? { expression: receiver } : {}),
    title: `Reading property \`${property}\` of ${what}`,
    cause: `${where} when the code read \`.${property}\` from it${receiver ? ` (\`${receiver}.${property}\`)` : ""}. ` +
      `Typically data that has not loaded yet, an optional field missing from an API response, or a lookup that found nothing.`,
    fix: `Check where ${receiver ? `\`${receiver}\`` : "that value"} comes from; guard it (\`${receiver ?? "value"}?.${property}\`) or make sure it is set before this line runs.`,
  };
}

const RULES: Rule[] = [
  {
    // V8: Cannot read properties of undefined (reading 'name')
    types: ["TypeError"],
    category: "null-access",
    match: /Cannot read propert(?:y|ies) of (undefined|null) \(reading '([^']*)'\)/,
    explain: (m, line) => _readOfNullish(_nullish(m[1]!), m[2]!, line),
  },
  {
    // old V8: Cannot read property 'name' of undefined
    types: ["TypeError"],
    category: "null-access",
    match: /Cannot read property '([^']*)' of (undefined|null)/,
    explain: (m, line) => _readOfNullish(_nullish(m[2]!), m[1]!, line),
  },
  {
    // Firefox: can't access property "name", order.customer is undefined
    types: ["TypeError"],
    category: "null-access",
    match: /can't access property "([^"]*)",? (.+?) is (undefined|null)/,
    explain: (m, line) => _readOfNullish(_nullish(m[3]!), m[1]!, line, m[2]),
  },
  {
    // Safari: undefined is not an object (evaluating 'order.customer.name')
    types: ["TypeError"],
    category: "null-access",
    match: /(undefined|null) is not an object \(evaluating '([^']*)'\)/,
    explain: (m, line) => {
      const expr = m[2]!;
      const dot = expr.lastIndexOf(".");
      return _readOfNullish(_nullish(m[1]!), dot > 0 ? expr.slice(dot + 1) : expr, line, dot > 0 ? expr.slice(0, dot) : undefined);
    },
  },
  {
    types: ["TypeError"],
    category: "null-access",
    match: /Cannot set propert(?:y|ies) of (undefined|null) \(setting '([^']*)'\)/,
    explain: (m, line) => {
      const receiver = findPropertyReceiver(line, m[2]!);
      return {
        title: `Writing property \`${m[2]}\` on ${m[1]}`,
        cause: `${receiver ? `\`${receiver}\`` : "The target object"} was ${m[1]} when the code assigned \`.${m[2]}\` to it.`,
        fix: `Create the object before assigning to it, or check why ${receiver ? `\`${receiver}\`` : "it"} is missing.`,
      };
    },
  },
  {
    types: ["TypeError"],
    category: "not-a-function",
    match: /^(.+?) is not a function/,
    explain: (m) => ({
      title: `Calling \`${m[1]}\`, which is not a function`,
      cause: `\`${m[1]}\` held a value that is not a function when it was called: a typo in the method name, a wrong import/export (default vs named), an API that changed between library versions, or an object that is not the type the code expects.`,
      fix: `Log or inspect \`${m[1]}\` just before the call; check the import and the library version.`,
    }),
  },
  {
    types: ["TypeError"],
    category: "not-iterable",
    match: /^(.+?) is not iterable/,
    explain: (m) => ({
      title: `Iterating over \`${m[1]}\`, which is not iterable`,
      cause: `A \`for…of\`, spread or destructuring received ${m[1]} instead of an array or other iterable: often a missing or differently shaped API response.`,
      fix: "Default the value to an empty array or validate the response shape before iterating.",
    }),
  },
  {
    types: ["ReferenceError"],
    category: "reference",
    match: /^([\w$]+) is not defined/,
    explain: (m) => ({
      title: `\`${m[1]}\` is not defined`,
      cause: `The code refers to \`${m[1]}\`, which does not exist in this scope: a missing import, a typo, a global only present in another environment (browser vs Node), or a variable used outside its block.`,
      fix: `Import or declare \`${m[1]}\`, or guard environment-specific globals (\`typeof ${m[1]} !== "undefined"\`).`,
    }),
  },
  {
    types: ["SyntaxError"],
    category: "json",
    match: /Unexpected token '?<'?.*JSON|"<!DOCTYPE[^"]*" is not valid JSON|Unexpected token < in JSON/i,
    explain: () => ({
      title: "HTML where JSON was expected",
      cause: "A response body that starts with `<` was parsed as JSON: the server (or a proxy) answered with an HTML page, usually an error page, a login redirect or a 404 from a wrong URL.",
      fix: "Check the response status and content type before parsing; look at what the endpoint returned at that time.",
    }),
  },
  {
    types: ["SyntaxError"],
    category: "json",
    match: /Unexpected end of JSON input|JSON\.parse: unexpected end of data/i,
    explain: () => ({
      title: "Empty or truncated JSON",
      cause: "JSON parsing reached the end of the text early: the body was empty (e.g. a 204 or an error without body) or cut off.",
      fix: "Handle empty bodies before `JSON.parse`/`response.json()`, and check the status code first.",
    }),
  },
  {
    types: ["SyntaxError"],
    category: "json",
    match: /JSON/,
    explain: () => ({
      title: "Malformed JSON",
      cause: "Text that is not valid JSON was parsed as JSON: hand-written config, a partially written file or a response in another format.",
      fix: "Validate the input where it is produced, and report the parse error with the source (file or URL) it came from.",
    }),
  },
  {
    types: ["RangeError", "InternalError", "RecursionError"],
    category: "recursion",
    match: /Maximum call stack size exceeded|too much recursion|maximum recursion depth exceeded/i,
    explain: () => ({
      title: "Stack overflow: unbounded recursion",
      cause: "A function kept calling itself (directly or through others) without reaching its end condition, often through cyclic data or a setter/getter that triggers itself.",
      fix: "Look for the repeating frames in the stack trace and add or fix the recursion's end condition.",
    }),
  },
  {
    category: "network",
    match: /Failed to fetch|NetworkError when attempting to fetch resource|^Load failed$|Network request failed/,
    explain: () => ({
      title: "A network request failed before any response",
      cause: "The browser got no HTTP response at all: the server was down or unreachable, the connection dropped, a CORS preflight was refused, or an ad blocker/extension blocked the request.",
      fix: "Check the target service's availability and CORS headers at that time; retry idempotent requests and show the user an offline state.",
    }),
  },
  {
    category: "network",
    match: /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN)\b/,
    explain: (m) => ({
      title: `Upstream connection failed (${m[1]})`,
      cause: {
        ECONNREFUSED: "Nothing was listening at the address this service connects to: the upstream service or database was down or on another port.",
        ECONNRESET: "The upstream closed the connection mid-request: it crashed, restarted or hit a timeout of its own.",
        ENOTFOUND: "The upstream host name did not resolve: a wrong host name in the configuration or a DNS problem.",
        EAI_AGAIN: "DNS lookup failed temporarily.",
      }[m[1]!]!,
      fix: "Check the upstream's health and the configured address; add a timeout and retry with backoff where the call is idempotent.",
    }),
  },
  {
    types: ["ChunkLoadError"],
    category: "chunk-load",
    match: /Loading (?:CSS )?chunk [\w-]+ failed/,
    explain: () => ({
      title: "A code-split chunk could not be loaded",
      cause: "The page asked for a JavaScript chunk that no longer exists, typically right after a deploy replaced the chunk hashes while users still had the old page open.",
      fix: "Keep the previous deploy's chunks available for a while, or reload the page when a chunk fails to load.",
    }),
  },
  {
    types: ["AttributeError"],
    category: "null-access",
    match: /'NoneType' object has no attribute '([^']*)'/,
    explain: (m, line) => {
      const receiver = findPropertyReceiver(line, m[1]!);
      return {
        title: `Reading attribute \`${m[1]}\` of None`,
        cause: `${receiver ? `\`${receiver}\`` : "A value"} was None when \`.${m[1]}\` was read: a query or lookup that found nothing, or a function that returned None on some path.`,
        fix: `Handle the None case where ${receiver ? `\`${receiver}\`` : "the value"} is produced, or check it before use.`,
      };
    },
  },
  {
    types: ["KeyError"],
    category: "missing-key",
    match: /^'?([^']*)'?$/,
    explain: (m) => ({
      title: `Missing key \`${m[1]}\``,
      cause: `A dict lookup \`[…]\` asked for \`${m[1]}\`, which the dict did not have: input data without that field, or a key spelled differently.`,
      fix: `Use \`.get("${m[1]}")\` with a default, or validate the input shape where it enters.`,
    }),
  },
  {
    types: ["TypeError"],
    category: "null-access",
    match: /'NoneType' object is not (subscriptable|iterable|callable)/,
    explain: (m) => ({
      title: `None used as a ${m[1] === "subscriptable" ? "container" : m[1] === "iterable" ? "sequence" : "function"}`,
      cause: "A value was None where the code indexed, iterated or called it: a lookup that found nothing, or a function that returned None on some path.",
      fix: "Find where the value is produced and handle the None case.",
    }),
  },
  {
    types: ["IndexError"],
    category: "out-of-range",
    match: /index out of range/,
    explain: () => ({
      title: "Index out of range",
      cause: "The code indexed past the end of a list or string: an empty result, or an off-by-one.",
      fix: "Check the length first (or handle the empty case) before indexing.",
    }),
  },
  {
    types: ["ZeroDivisionError"],
    category: "division-by-zero",
    match: /division|modulo/,
    explain: () => ({
      title: "Division by zero",
      cause: "A divisor was zero: an empty collection's count, or an unset rate/quantity.",
      fix: "Guard the zero case explicitly and decide what the result should be then.",
    }),
  },
];
