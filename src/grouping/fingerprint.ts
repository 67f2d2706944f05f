import { createHash } from "node:crypto";
import type { ExceptionValue, NormalizedEvent } from "../events/types.ts";
import { crashFrame, mainException } from "../events/title.ts";
import { frameGroupingKey } from "./frames.ts";
import { firstLines, parameterizeMessage } from "./parameterize.ts";

/** Id of the rules below; stored with every grouping so a later rule change never regroups old issues. */
export const GROUPING_MECHANISM = "lt-v1";

export interface Grouping {
  /** 32 hex, md5 of `key` */
  hash: string;
  /** readable input of the hash: what made these events one issue */
  key: string;
  mechanism: string;
}

/**
 * Groups an event as Sentry's default grouping does (docs/sentry-protocol.md §7): the in-app frames of its
 * exceptions, else all frames, else exception types and normalised values, else the normalised
 * message. An SDK `fingerprint` replaces that, with `{{ default }}` standing for it.
 */
export function computeGrouping(event: NormalizedEvent): Grouping {
  const defaultKey = computeDefaultGroupingKey(event);
  const key = event.fingerprint ? resolveFingerprint(event.fingerprint, event, defaultKey) : defaultKey;
  return { hash: createHash("md5").update(key).digest("hex"), key, mechanism: GROUPING_MECHANISM };
}

export function computeDefaultGroupingKey(event: NormalizedEvent): string {
  const exceptions = event.exception?.values ?? [];
  if (exceptions.length) {
    const inApp = _exceptionsKey(exceptions, event.platform, true);
    if (inApp) return "exception (in-app frames)\n" + inApp;
    const system = _exceptionsKey(exceptions, event.platform, false);
    if (system) return "exception (all frames)\n" + system;
    return "exception (no frames)\n" + exceptions.map(_typeAndValue).join("\n");
  }
  const message = event.logentry?.message ?? event.logentry?.formatted;
  if (message) return "message\n" + parameterizeMessage(firstLines(message));
  if (event.transaction) return "transaction\n" + event.transaction;
  return "fallback\n<no grouping information>";
}

/** Expands `{{ default }}` and Sentry's fingerprint variables; one line per fingerprint entry. */
export function resolveFingerprint(parts: string[], event: NormalizedEvent, defaultKey: string): string {
  const lines = parts.map((part) => {
    const m = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(part.trim());
    if (!m) return part;
    return _fingerprintVariable(m[1]!.toLowerCase(), event, defaultKey);
  });
  return "fingerprint\n" + lines.join("\n");
}

// --- Internal ---

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

function _contributingFrames(exc: ExceptionValue, platform: string, inAppOnly: boolean): string[] {
  const out: string[] = [];
  for (const frame of exc.stacktrace?.frames ?? []) {
    if (inAppOnly && frame.in_app !== true) continue;
    const key = frameGroupingKey(frame, platform);
    // recursion: consecutive identical frames contribute once
    if (key !== undefined && out[out.length - 1] !== key) out.push(key);
  }
  return out;
}

function _typeAndValue(exc: ExceptionValue): string {
  const type = exc.mechanism?.synthetic ? "" : exc.type ?? "";
  const value = exc.value ? parameterizeMessage(firstLines(exc.value)) : "";
  return [type, value].filter(Boolean).join(": ") || "<no type or value>";
}

function _fingerprintVariable(name: string, event: NormalizedEvent, defaultKey: string): string {
  const exc = mainException(event);
  const frame = crashFrame(event);
  switch (name) {
    case "default": return defaultKey;
    case "transaction": return event.transaction ?? "<no-transaction>";
    case "message": return event.logentry?.formatted ?? event.logentry?.message ?? exc?.value ?? "<no-message>";
    case "type": case "error.type": return exc?.type ?? "<no-type>";
    case "value": case "error.value": return exc?.value ?? "<no-value>";
    case "function": case "stack.function": return frame?.function ?? "<no-function>";
    case "path": case "stack.abs_path": return frame?.abs_path ?? frame?.filename ?? "<no-abs-path>";
    case "stack.filename": return frame?.filename ?? "<no-filename>";
    case "module": case "stack.module": return frame?.module ?? "<no-module>";
    case "package": case "stack.package": return frame?.package?.split(/[\\/]/).pop() ?? "<no-package>";
    case "level": return event.level;
    case "logger": return event.logger ?? "<no-logger>";
    default:
      if (name.startsWith("tags.")) {
        const tag = event.tags.find(([k]) => k === name.slice(5));
        return tag ? tag[1] : `<no-value-for-tag-${name.slice(5)}>`;
      }
      return `{{ ${name} }}`;
  }
}
