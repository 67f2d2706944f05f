import type { ExceptionValue, Frame, NormalizedEvent } from "../events/types.ts";
import { resolveFingerprint } from "./fingerprint-variables.ts";
import { sdkInApp } from "./stack-rules/apply.ts";
import { stackCacheKey } from "./default-grouping.ts";

/**
 * The first grouping mechanism, frozen: issues created before lt-v2 have keys made by it, so
 * every event also computes its lt-v1 key as a fallback and finds those issues (see
 * grouping/mechanisms.ts). Do not change what this computes: old issues would split. It takes the
 * SDK's in_app as final (the value the SDK sent, even after rules re-marked a stored frame).
 */
export const LEGACY_V1_MECHANISM = "lt-v1";

/** The lt-v1 grouping key of an event (readable; hash it with the other keys). */
export function computeLegacyV1Key(event: NormalizedEvent): string {
  const defaultKey = _defaultKey(event);
  return event.fingerprint ? resolveFingerprint(event.fingerprint, event, defaultKey) : defaultKey;
}

// --- Internal ---

function _defaultKey(event: NormalizedEvent): string {
  const exceptions = event.exception?.values ?? [];
  if (exceptions.length) {
    const inApp = _exceptionsKey(exceptions, event.platform, true);
    if (inApp) return "exception (in-app frames)\n" + inApp;
    const system = _exceptionsKey(exceptions, event.platform, false);
    if (system) return "exception (all frames)\n" + system;
    return "exception (no frames)\n" + exceptions.map(_typeAndValue).join("\n");
  }
  const message = event.logentry?.message ?? event.logentry?.formatted;
  if (message) return "message\n" + _parameterize(_firstLines(message));
  if (event.transaction) return "transaction\n" + event.transaction;
  return "fallback\n<no grouping information>";
}

function _exceptionsKey(exceptions: ExceptionValue[], platform: string, inAppOnly: boolean): string | undefined {
  let anyFrames = false;
  const parts = exceptions.map((exc) => {
    const frames = _contributingFrames(exc, platform, inAppOnly);
    if (frames.length === 0) return _typeAndValue(exc);
    anyFrames = true;
    const type = exc.mechanism?.synthetic ? "" : exc.type ?? "";
    return [type || "<no type>", ...frames.map((f) => "  " + f)].join("\n");
  });
  return anyFrames ? parts.join("\n") : undefined;
}

/**
 * The frame keys of one stack. Memoised by everything they read from the frames (as lt-v2's
 * evaluated stacks are, default-grouping.ts): most events repeat a stack an earlier one had, and
 * this runs on every event. Callers never change the returned array.
 */
function _contributingFrames(exc: ExceptionValue, platform: string, inAppOnly: boolean): string[] {
  const frames = exc.stacktrace?.frames ?? [];
  if (frames.length === 0) return [];
  const cacheKey = `${inAppOnly ? "in-app" : "all"}\u0000${stackCacheKey(frames, platform, undefined)}`;
  const hit = FRAME_KEYS.get(cacheKey);
  if (hit) return hit;
  const out: string[] = [];
  for (const frame of frames) {
    if (inAppOnly && sdkInApp(frame) !== true) continue;
    const key = _frameKey(frame, platform);
    if (key !== undefined && out[out.length - 1] !== key) out.push(key);
  }
  if (cacheKey.length <= MAX_CACHED_KEY_CHARS) {
    if (FRAME_KEYS.size >= MAX_CACHED_STACKS) FRAME_KEYS.delete(FRAME_KEYS.keys().next().value!);
    FRAME_KEYS.set(cacheKey, out);
  }
  return out;
}

/** Frame keys of recent stacks, oldest first; bounded in count and key size (≈ 8 MB at most). */
const FRAME_KEYS = new Map<string, string[]>();
const MAX_CACHED_STACKS = 1_000;
const MAX_CACHED_KEY_CHARS = 8_000;

function _typeAndValue(exc: ExceptionValue): string {
  const type = exc.mechanism?.synthetic ? "" : exc.type ?? "";
  const value = exc.value ? _parameterize(_firstLines(exc.value)) : "";
  return [type, value].filter(Boolean).join(": ") || "<no type or value>";
}

const CONTEXT_LINE_PLATFORMS = new Set(["javascript", "node", "python", "php", "ruby"]);
const JS_PLATFORMS = new Set(["javascript", "node"]);

function _frameKey(frame: Frame, eventPlatform: string): string | undefined {
  const platform = frame.platform ?? eventPlatform;
  const js = JS_PLATFORMS.has(platform);
  const absPath = frame.abs_path ?? frame.filename ?? "";
  if (js && (frame.function === "eval" || absPath === "[native code]" || absPath === "eval code" || absPath === "<anonymous>")) return undefined;
  const fromUrl = /^https?:\/\//i.test(absPath) || (js && /^(file|blob|webpack|app):\/\//i.test(absPath));
  const location = _location(frame, js, fromUrl);
  const raw = frame.function ?? frame.raw_function;
  const fn = raw ? _functionName(raw, js) : undefined;
  let context: string | undefined;
  if (CONTEXT_LINE_PLATFORMS.has(platform) && frame.context_line && !(js && fromUrl && !fn)) {
    const collapsed = frame.context_line.replace(/\s+/g, " ").trim();
    if (collapsed && collapsed.length <= 120) context = collapsed;
  }
  if (!location && !fn && !context) return undefined;
  return [location ?? "-", fn ?? "-", context ?? "-"].join(" | ");
}

function _functionName(name: string, js: boolean): string | undefined {
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

function _location(frame: Frame, js: boolean, fromUrl: boolean): string | undefined {
  const absPath = frame.abs_path ?? frame.filename ?? "";
  if (frame.module && !(js && frame.module.includes("/") && absPath.endsWith(frame.module)) && frame.module !== "<anonymous>") {
    return frame.module.replace(/\$\$Lambda\$[\w/$]+/g, "").replace(/\$fn__\d+/g, "<auto>");
  }
  if (fromUrl || !frame.filename) return undefined;
  if (frame.filename === "<anonymous>" || frame.filename === "[native code]") return undefined;
  const base = frame.filename.split(/[\\/]/).pop() ?? "";
  return base ? base.toLowerCase() : undefined;
}

function _firstLines(message: string): string {
  return message.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 2).join("\n");
}

function _parameterize(message: string): string {
  let out = message;
  for (const [placeholder, pattern] of V1_PATTERNS) out = out.replace(pattern, placeholder);
  return out;
}

const V1_PATTERNS: [string, RegExp][] = [
  ["<email>", /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g],
  ["<url>", /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi],
  ["<ip>", /\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4})?\b/gi],
  ["<uuid>", /\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi],
  ["<sha1>", /\b[0-9a-f]{40}\b/gi],
  ["<md5>", /\b[0-9a-f]{32}\b/gi],
  ["<date>", /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b/g],
  ["<duration>", /\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|minutes|mins|min|hours|h)\b/gi],
  ["<hex>", /\b0x[0-9a-f]+\b/gi],
  ["<float>", /\b\d+\.\d+\b/g],
  ["<int>", /\b\d+\b/g],
  ["=<quoted_str>", /='[^']*'/g],
  ["=<bool>", /=(?:true|false)\b/gi],
];
