import type { Frame } from "../events/types.ts";

/** Platforms whose source lines are stable enough to identify a frame (Sentry's contextline_platforms). */
const CONTEXT_LINE_PLATFORMS = new Set(["javascript", "node", "python", "php", "ruby"]);
const JS_PLATFORMS = new Set(["javascript", "node"]);
/** Longer context lines are minified code: they change with every build. */
const MAX_CONTEXT_LINE = 120;

/**
 * The readable grouping contribution of one frame, or undefined when the frame does not
 * contribute. Line and column numbers never contribute: they move with every unrelated edit.
 * @example frameGroupingKey({ module: "app", function: "parseConfig", context_line: "return JSON.parse(s);" }, "node")
 *   // → 'app | parseConfig | return JSON.parse(s);'
 */
export function frameGroupingKey(frame: Frame, eventPlatform: string): string | undefined {
  const platform = frame.platform ?? eventPlatform;
  const js = JS_PLATFORMS.has(platform);
  const absPath = frame.abs_path ?? frame.filename ?? "";
  if (js && (frame.function === "eval" || absPath === "[native code]" || absPath === "eval code" || absPath === "<anonymous>")) return undefined;
  const fromUrl = /^https?:\/\//i.test(absPath) || (js && /^(file|blob|webpack|app):\/\//i.test(absPath));

  const location = _location(frame, js, fromUrl, absPath);
  const fn = _functionName(frame, js);
  let context: string | undefined;
  if (CONTEXT_LINE_PLATFORMS.has(platform) && frame.context_line && !(js && fromUrl && !fn)) {
    const collapsed = frame.context_line.replace(/\s+/g, " ").trim();
    if (collapsed && collapsed.length <= MAX_CONTEXT_LINE) context = collapsed;
  }
  if (!location && !fn && !context) return undefined;
  return [location ?? "-", fn ?? "-", context ?? "-"].join(" | ");
}

/** Ruby/JS/Java noise in function names that changes between runs or builds. */
export function normalizeFunctionName(name: string, js: boolean): string | undefined {
  let fn = name.trim();
  if (!fn || fn === "?" || fn === "<anonymous>" || fn === "Anonymous function" || fn.endsWith("/<")) return undefined;
  if (/^lambda\$/.test(fn)) return undefined;
  if (js) {
    fn = fn.replace(/^(?:async |new )/, "");
    const dot = fn.lastIndexOf(".");
    if (dot >= 0 && dot < fn.length - 1) fn = fn.slice(dot + 1);
    if (fn === "<anonymous>") return undefined;
  }
  fn = fn.replace(/^block (?:\(\d+ levels\) )?in /, "block in ").replace(/_\d+$/, (m) => (/^_erb/.test(fn) ? "" : m));
  return fn;
}

// --- Internal ---

function _location(frame: Frame, js: boolean, fromUrl: boolean, absPath: string): string | undefined {
  if (frame.module && !(js && frame.module.includes("/") && absPath.endsWith(frame.module)) && frame.module !== "<anonymous>") {
    return frame.module.replace(/\$\$Lambda\$[\w/$]+/g, "").replace(/\$fn__\d+/g, "<auto>");
  }
  if (fromUrl || !frame.filename) return undefined;
  if (frame.filename === "<anonymous>" || frame.filename === "[native code]") return undefined;
  const base = frame.filename.split(/[\\/]/).pop() ?? "";
  return base ? base.toLowerCase() : undefined;
}

function _functionName(frame: Frame, js: boolean): string | undefined {
  const raw = frame.function ?? frame.raw_function;
  return raw ? normalizeFunctionName(raw, js) : undefined;
}
