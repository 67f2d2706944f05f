/** Deepest nesting a JSON item may have below one of its top-level fields (Relay trims far earlier). */
export const MAX_NESTING_DEPTH = 64;

/**
 * The top-level field of `value` under which objects or arrays nest more than `maxDepth` levels
 * deep, or undefined. Runs before any later step that recurses (normalisation, scrubbing,
 * JSON.stringify), which are then safe from a payload built to overflow the call stack. Itself
 * recursive but bounded: it never goes more than `maxDepth` + 1 calls deep. Allocates nothing (it
 * runs on every event: a walk with its own stack of tuples cost ~3x as much).
 * @example tooDeeplyNestedField({ tags: { a: { b: {} } } }, 2) // "tags"
 */
export function tooDeeplyNestedField(value: unknown, maxDepth = MAX_NESTING_DEPTH): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (_nestsDeeper(value[i], 1, maxDepth)) return String(i);
    return undefined;
  }
  for (const field of Object.keys(value)) if (_nestsDeeper((value as Record<string, unknown>)[field], 1, maxDepth)) return field;
  return undefined;
}

// --- Internal ---

/** Whether `node`, at `depth`, is an object or array that is, or holds one that is, deeper than `maxDepth`. */
function _nestsDeeper(node: unknown, depth: number, maxDepth: number): boolean {
  if (node === null || typeof node !== "object") return false;
  if (depth > maxDepth) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (_nestsDeeper(node[i], depth + 1, maxDepth)) return true;
    return false;
  }
  // own enumerable keys, as Object.values read them (JSON.parse makes only those)
  for (const key in node) {
    if (Object.hasOwn(node, key) && _nestsDeeper((node as Record<string, unknown>)[key], depth + 1, maxDepth)) return true;
  }
  return false;
}
