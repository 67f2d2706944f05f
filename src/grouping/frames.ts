import type { Frame } from "../events/types.ts";
import { normalizeFileName, normalizeFunctionName, normalizeModuleName } from "./generated-names.ts";

/** What one frame can contribute to a grouping key, and why parts of it were changed or left out. */
export interface FrameComponent {
  /** "module-or-file | function | context line" ("-" for a missing part); undefined when nothing is left */
  key: string | undefined;
  hints: string[];
}

/** Platforms whose source lines are stable enough to identify a frame (Sentry's contextline_platforms). */
const CONTEXT_LINE_PLATFORMS = new Set(["javascript", "node", "python", "php", "ruby"]);
const JS_PLATFORMS = new Set(["javascript", "node"]);
/** Longer context lines are minified code: they change with every build. */
const MAX_CONTEXT_LINE = 120;
const ANONYMOUS_FUNCTIONS = new Set(["?", "<anonymous>", "<anonymous function>", "Anonymous function"]);

/**
 * The grouping contribution of one frame (Sentry's frame strategy): the module, else the file's
 * base name; the function; and the source line where the platform's lines are trustworthy. Line
 * and column numbers never contribute: they move with every unrelated edit. Generated names are
 * normalised (grouping/generated-names.ts).
 * @example frameComponent({ module: "app", function: "parseConfig", context_line: "return JSON.parse(s);" }, "node").key
 *   // → 'app | parseConfig | return JSON.parse(s);'
 */
export function frameComponent(frame: Frame, eventPlatform: string): FrameComponent {
  const platform = frame.platform ?? eventPlatform;
  const js = JS_PLATFORMS.has(platform);
  const hints: string[] = [];
  const absPath = frame.abs_path ?? frame.filename ?? "";
  if (js && (frame.function === "eval" || absPath === "[native code]" || absPath === "native code" || absPath === "eval code" || absPath === "<anonymous>")) {
    return { key: undefined, hints: ["low-quality JavaScript frame (eval or native code)"] };
  }
  const fromUrl = /^https?:\/\//i.test(absPath) || (js && /^(file|blob|webpack|app):\/\//i.test(absPath));
  const location = _location(frame, platform, js, fromUrl, absPath, hints);
  const fn = _functionName(frame, platform, js, hints);
  let context: string | undefined;
  if (CONTEXT_LINE_PLATFORMS.has(platform) && frame.context_line && !(js && fromUrl && !fn)) {
    const collapsed = frame.context_line.replace(/\s+/g, " ").trim();
    if (collapsed.length > MAX_CONTEXT_LINE) hints.push("source line too long (minified): left out");
    else if (collapsed) context = collapsed;
  }
  if (!location && !fn && !context) return { key: undefined, hints };
  return { key: [location ?? "-", fn ?? "-", context ?? "-"].join(" | "), hints };
}

/** How a frame reads in the grouping info: "module in function" or "file in function". */
export function frameLabel(frame: Frame): string {
  const where = frame.module ?? frame.filename ?? frame.abs_path ?? frame.package ?? "?";
  const fn = frame.function ?? frame.raw_function;
  return fn ? `${fn} (${where})` : where;
}

// --- Internal ---

function _location(frame: Frame, platform: string, js: boolean, fromUrl: boolean, absPath: string, hints: string[]): string | undefined {
  const module = frame.module;
  // Node's "at async Promise.all (index 2)": which promise failed is not a location
  if (js && (/^index \d+$/.test(module ?? "") || /^index \d+$/.test(frame.filename ?? ""))) return undefined;
  if (module && module !== "<anonymous>") {
    if (js && module.includes("/") && absPath.endsWith(module)) {
      hints.push("JavaScript module that is only the file path: left out");
    } else {
      return _named(normalizeModuleName(module, platform), hints);
    }
  }
  if (!frame.filename) return undefined;
  if (fromUrl) {
    hints.push("file name of a URL: left out (it changes with every deploy)");
    return undefined;
  }
  if (frame.filename === "<anonymous>" || frame.filename === "[native code]") return undefined;
  const base = (frame.filename.split(/[\\/]/).pop() ?? "").toLowerCase();
  return base ? _named(normalizeFileName(base, platform), hints) : undefined;
}

function _functionName(frame: Frame, platform: string, js: boolean, hints: string[]): string | undefined {
  // .NET SDKs put the demangled name in `function` and the compiler's in `raw_function`
  const raw = (platform === "csharp" ? frame.raw_function ?? frame.function : frame.function ?? frame.raw_function)?.trim();
  if (!raw) return undefined;
  let fn = raw;
  if (js) {
    // "Object.foo", "async Foo.bar", "new Cart": browsers and runtimes disagree on the prefix
    fn = fn.replace(/^(?:async |new )/, "");
    const dot = fn.lastIndexOf(".");
    if (dot >= 0 && dot < fn.length - 1) fn = fn.slice(dot + 1);
  }
  if (ANONYMOUS_FUNCTIONS.has(fn) || fn.endsWith("/<")) {
    hints.push("anonymous function: left out");
    return undefined;
  }
  return _named(normalizeFunctionName(fn, platform), hints) || undefined;
}

function _named(name: { value: string; hint?: string }, hints: string[]): string {
  if (name.hint) hints.push(name.hint);
  return name.value;
}
