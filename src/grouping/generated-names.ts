/**
 * Names that compilers, frameworks and runtimes generate and that change with every process,
 * build or unrelated edit: Java/Spring/Guice CGLIB classes, Hibernate/ByteBuddy/Javassist
 * proxies, reflection accessors, JDK dynamic proxies and lambdas, Clojure functions, Rails
 * template methods (including negative ids) and callback chains, PHP closures, anonymous classes
 * and Symfony container hashes, .NET async state machines, display classes and lambdas, hashed
 * JavaScript bundles, memory addresses. Each is replaced by a stable placeholder before a name
 * contributes to grouping. Patterns follow Sentry's frame strategy
 * (src/sentry/grouping/strategies/newstyle.py) and extend it where real stacks needed more.
 */

/** A name as it contributes to grouping, and what was done to it (shown in the grouping info). */
export interface GroupingName {
  value: string;
  hint?: string;
}

/** The class/module part of a frame with its generated parts replaced. */
export function normalizeModuleName(module: string, platform: string): GroupingName {
  const rules = MODULE_RULES[platform] ?? [];
  return _applyRules(module, rules, true);
}

/** The function part of a frame with generated parts replaced; `value` is empty when nothing stable is left. */
export function normalizeFunctionName(fn: string, platform: string): GroupingName {
  const rules = FUNCTION_RULES[platform] ?? [];
  return _applyRules(fn, rules, true);
}

/** A file's base name with build hashes and generated parts replaced. */
export function normalizeFileName(basename: string, platform: string): GroupingName {
  return _applyRules(basename, FILE_RULES[platform] ?? [], false);
}

// --- Internal ---

interface NameRule {
  /** text the name must contain for the rule to apply: a cheap test before the regex */
  needle: string;
  /** when given, the name must also contain one of these */
  words?: string[];
  pattern: RegExp;
  replacement: string | ((...groups: string[]) => string);
  hint: string;
}

const ADDRESS_RULE: NameRule = { needle: "0x", pattern: /\b0x[0-9a-fA-F]{6,16}\b/g, replacement: "0x<addr>", hint: "memory address" };

const JAVA_MODULE_RULES: NameRule[] = [
  { needle: "Generated", pattern: /((?:sun|jdk\.internal)\.reflect\.Generated(?:Serialization)?(?:Method|Constructor)Accessor)\d+/g, replacement: "$1<auto>", hint: "reflection accessor" },
  { needle: "CGLIB", pattern: /(\$\$\w+?CGLIB\$\$)[a-fA-F0-9]+(?:_\d+)?/g, replacement: "$1<auto>", hint: "CGLIB proxy" },
  { needle: "EnhancerBy", pattern: /(\$\$?EnhancerBy\w+?\$?\$)[a-fA-F0-9]+(?:_\d+)?/g, replacement: "$1<auto>", hint: "CGLIB enhancer" },
  { needle: "FastClassBy", pattern: /(\$\$?FastClassBy\w+?\$?\$)[a-fA-F0-9]+(?:_\d+)?/g, replacement: "$1<auto>", hint: "CGLIB fast class" },
  { needle: "HibernateProxy", pattern: /(\$\$?HibernateProxy\$?\$)\w+/g, replacement: "$1<auto>", hint: "Hibernate proxy" },
  { needle: "$", words: ["$ByteBuddy$", "$MockitoMock$", "$auxiliary$"], pattern: /(\$(?:ByteBuddy|MockitoMock|auxiliary)\$)\w+/g, replacement: "$1<auto>", hint: "ByteBuddy class" },
  { needle: "_$$_", pattern: /(\$\$_javassist)(?:_seam)?(?:_\d+)?/g, replacement: "$1<auto>", hint: "Javassist proxy" },
  { needle: "_$$_", pattern: /(_\$\$_jvst)\w+/g, replacement: "$1<auto>", hint: "Javassist proxy" },
  { needle: "$", words: ["$fn__", "$eval"], pattern: /(\$fn__|\$eval)\d+/g, replacement: "$1<auto>", hint: "Clojure function" },
  { needle: "$$Lambda", pattern: /\$\$Lambda(?:\$\d+)?(?:\/(?:0x)?[0-9a-fA-F]+)?/g, replacement: "$$$$Lambda", hint: "lambda class" },
  { needle: "$Proxy", pattern: /(\$Proxy)\d+/g, replacement: "$1<auto>", hint: "dynamic proxy" },
  { needle: "jdk.proxy", pattern: /\b(jdk\.proxy)\d+\./g, replacement: "$1<auto>.", hint: "dynamic proxy module" },
];

const DOTNET_RULES: NameRule[] = [
  { needle: "<>c__DisplayClass", pattern: /<>c__DisplayClass\d+_\d+/g, replacement: "<>c__DisplayClass", hint: "closure class" },
  { needle: ">d__", pattern: /(<[\w<>]*>)d__\d+/g, replacement: "$1d", hint: "async state machine" },
  { needle: ">b__", pattern: /(<[\w<>]*>)b__\d+(?:_\d+)?/g, replacement: "$1b", hint: "lambda" },
  { needle: ">g__", pattern: /(<\w*>g__\w+)\|\d+_\d+/g, replacement: "$1", hint: "local function" },
];

const RUBY_FUNCTION_RULES: NameRule[] = [
  // "block (2 levels) in foo": the nesting depth moves with unrelated edits
  { needle: "block (", pattern: /^block \(\d+ levels\) in /, replacement: "block in ", hint: "block depth" },
  // ActionView: "_app_views_orders_show_html_erb__3547189071468446394_47280"; the hash may be
  // negative ("__-3547…", or "___3547…" where Rails replaces "-" by "_")
  { needle: "_", pattern: /^((?:block in )?_\w+?)__[-_]?\d+_-?\d+$/, replacement: "$1", hint: "template method id" },
  { needle: "_run__", pattern: /^_run__\d+__(\w+?)__\d+__callbacks$/, replacement: "_run__$1__callbacks", hint: "callback chain id" },
  { needle: "_callback_", pattern: /^(_callback_(?:before|after|around))_\d+$/, replacement: "$1_<n>", hint: "callback id" },
];

const PHP_FUNCTION_RULES: NameRule[] = [
  // "class@anonymous/app/src/Foo.php::handle" (sentry-php) or the raw "class@anonymous\0…:12$0::handle"
  { needle: "class@anonymous", pattern: /^class@anonymous[^]*::/, replacement: "class@anonymous::", hint: "anonymous class" },
  // PHP 8.4 closures carry their line: "{closure:App\Http\OrderController::store():42}"
  { needle: "{closure:", pattern: /\{closure:(.*?):\d+\}/g, replacement: "{closure:$1}", hint: "closure line" },
  // Symfony: "Container" + 7 characters of a base64 hash (a CamelCase word is a real namespace)
  { needle: "Container", pattern: /\bContainer(?![A-Z][a-z]{6}\\)[A-Za-z0-9._]{7}\\/g, replacement: "Container<hash>\\", hint: "compiled container hash" },
];

const JS_HASH_RULES: NameRule[] = [
  // webpack/rollup content hashes: "server.3f9a2b1c.js", "main-8e7d6c5b4a.js", "index-BxK3s9aZ.js" (Vite)
  // (the separator is normalised too: a bundler change between builds swaps "." and "-")
  { needle: "", pattern: /[.-](?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{8,}(?=\.[cm]?js$|$)/, replacement: ".<hash>", hint: "bundle hash" },
  { needle: "", pattern: /-(?=[A-Za-z0-9_]*[A-Z])(?=[A-Za-z0-9_]*[a-z])(?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{8}(?=\.[cm]?js$|$)/, replacement: ".<hash>", hint: "bundle hash" },
];

const MODULE_RULES: Readonly<Record<string, NameRule[]>> = {
  java: JAVA_MODULE_RULES,
  csharp: DOTNET_RULES,
  javascript: JS_HASH_RULES,
  node: JS_HASH_RULES,
};

const FUNCTION_RULES: Readonly<Record<string, NameRule[]>> = {
  java: [
    // javac numbers lambdas per class: "lambda$placeOrder$0" becomes "$1" when one is added above
    { needle: "lambda$", pattern: /^lambda\$(.*)\$\d+$/, replacement: "lambda$$$1", hint: "lambda number" },
    { needle: "$lambda", pattern: /^(\w+\$lambda)[-$]\d+$/, replacement: "$1", hint: "Kotlin lambda number" },
    { needle: "CGLIB$", pattern: /^CGLIB\$(\w+)\$\d+(\$Proxy)?$/, replacement: "CGLIB$$$1$2", hint: "CGLIB method index" },
  ],
  csharp: DOTNET_RULES,
  ruby: RUBY_FUNCTION_RULES,
  php: PHP_FUNCTION_RULES,
};

const FILE_RULES: Readonly<Record<string, NameRule[]>> = {
  java: [{ needle: "_$$_", pattern: /(\$\$_javassist)(?:_seam)?(?:_\d+)?/g, replacement: "$1<auto>", hint: "Javassist proxy" }],
  javascript: JS_HASH_RULES,
  node: JS_HASH_RULES,
  php: [
    // compiled Blade/Twig templates are named by a hash of their source path (which moves per deploy)
    { needle: ".php", pattern: /^[0-9a-f]{32,64}\.php$/, replacement: "<hash>.php", hint: "compiled template hash" },
    { needle: "eval()'d code", pattern: /\(\d+\) : eval\(\)'d code$/, replacement: "(<n>) : eval()'d code", hint: "eval line" },
  ],
};

function _applyRules(name: string, rules: readonly NameRule[], withAddresses: boolean): GroupingName {
  let value = name;
  let hints: string[] | undefined;
  const apply = (rule: NameRule) => {
    if (!value.includes(rule.needle) || (rule.words && !rule.words.some((w) => value.includes(w)))) return;
    rule.pattern.lastIndex = 0;
    const next = value.replace(rule.pattern, rule.replacement as string);
    if (next === value) return;
    hints ??= [];
    if (!hints.includes(rule.hint)) hints.push(rule.hint);
    value = next;
  };
  for (const rule of rules) apply(rule);
  if (withAddresses) apply(ADDRESS_RULE);
  return hints ? { value, hint: `generated name normalised (${hints.join(", ")})` } : { value };
}
