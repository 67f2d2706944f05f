import type { NormalizedEvent } from "../events/types.ts";
import { crashFrame, mainException } from "../events/title.ts";

/**
 * An SDK `fingerprint` as a grouping key: one line per entry, `{{ default }}` standing for the
 * default key and Sentry's other variables (`{{ type }}`, `{{ tags.x }}`, …) expanded.
 * @see https://docs.sentry.io/concepts/data-management/event-grouping/fingerprint-rules/#variables
 */
export function resolveFingerprint(parts: string[], event: NormalizedEvent, defaultKey: string): string {
  const lines = parts.map((part) => {
    const m = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(part.trim());
    if (!m) return part;
    return _fingerprintVariable(m[1]!.toLowerCase(), event, defaultKey);
  });
  return "fingerprint\n" + lines.join("\n");
}

// --- Internal ---

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
