import type { ExceptionValue, Frame, NormalizedEvent } from "./types.ts";
import { truncate } from "./values.ts";

/** What an issue shows and keeps from the event that created it (Sentry's `metadata`). */
export interface EventMetadata {
  type?: string;
  value?: string;
  filename?: string;
  function?: string;
  title?: string;
}

/** The exception that was thrown: the last value (chained causes come first). */
export function mainException(event: NormalizedEvent): ExceptionValue | undefined {
  const values = event.exception?.values;
  return values && values.length ? values[values.length - 1] : undefined;
}

/**
 * Sentry's title: `Type: first line of value` for errors (the crash frame's function when the type
 * is synthetic), the first line of the message otherwise.
 */
export function computeTitle(event: NormalizedEvent): string {
  const exc = mainException(event);
  if (exc) {
    const type = exc.mechanism?.synthetic ? crashFrame(event)?.function ?? "<unknown>" : exc.type;
    const value = _firstLine(exc.value ?? "");
    if (type && value) return truncate(`${type}: ${value}`, 100 + type.length + 2);
    if (type) return type;
    if (value) return truncate(value, 100);
  }
  const message = _firstLine(event.logentry?.formatted ?? event.logentry?.message ?? "");
  if (message) return truncate(message, 100);
  if (event.transaction) return event.transaction;
  return "<unlabeled event>";
}

export function computeMetadata(event: NormalizedEvent): EventMetadata {
  const exc = mainException(event);
  const title = computeTitle(event);
  if (!exc) return { title, value: truncate(_firstLine(event.logentry?.formatted ?? event.logentry?.message ?? ""), 1024) };
  const frame = crashFrame(event);
  const meta: EventMetadata = { title };
  const type = exc.mechanism?.synthetic ? frame?.function : exc.type;
  if (type) meta.type = truncate(type, 128);
  if (exc.value) meta.value = truncate(exc.value, 1024);
  if (frame?.filename) meta.filename = frame.filename;
  if (frame?.function) meta.function = frame.function;
  return meta;
}

/**
 * The frame most likely at fault: in the last exception that has frames, the last in-app frame
 * with source (JS engines report `JSON.parse` as an in-app `<anonymous>` frame), else its last
 * frame. Falls back to the top-level stack trace (message events).
 */
export function crashFrame(event: NormalizedEvent): Frame | undefined {
  const values = event.exception?.values ?? [];
  for (let i = values.length - 1; i >= 0; i--) {
    const frames = values[i]!.stacktrace?.frames;
    if (frames && frames.length) return _lastInApp(frames);
  }
  const frames = event.stacktrace?.frames;
  return frames && frames.length ? _lastInApp(frames) : undefined;
}

/**
 * Where it happened: the transaction when the SDK set one (Sentry's current behaviour), else the
 * legacy culprit from the crash frame — `function(module)` for JavaScript, `module in function`
 * elsewhere — else the request URL.
 */
export function computeCulprit(event: NormalizedEvent): string {
  if (event.transaction) return truncate(event.transaction, 200);
  const exc = mainException(event);
  if (exc?.mechanism?.synthetic && !exc.type) return "";
  const frame = crashFrame(event);
  if (frame) {
    const platform = frame.platform ?? event.platform;
    const location = frame.module ?? frame.filename ?? frame.abs_path ?? "";
    const fn = frame.function && frame.function !== "?" ? frame.function : undefined;
    if (platform === "native" || platform === "cocoa" || platform === "objc") return truncate(fn ?? "?", 200);
    if (platform === "javascript" || platform === "node") return truncate(fn ? `${fn}(${location})` : location || "?", 200);
    return truncate(`${location || "?"} in ${fn ?? "?"}`, 200);
  }
  return truncate(event.request?.url ?? "", 200);
}

// --- Internal ---

/** The last in-app frame with real source; engine frames (`<anonymous>`, `[native code]`) only as a fallback. */
function _lastInApp(frames: Frame[]): Frame {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.in_app && !_isEngineFrame(frames[i]!)) return frames[i]!;
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.in_app) return frames[i]!;
  return frames[frames.length - 1]!;
}

function _isEngineFrame(frame: Frame): boolean {
  const path = frame.abs_path ?? frame.filename;
  return path === undefined || ENGINE_PATHS.has(path);
}

const ENGINE_PATHS = new Set(["<anonymous>", "[native code]", "native", "eval code"]);

function _firstLine(s: string): string {
  const line = s.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.trim();
}
