/** Deepest nesting a JSON item may have below one of its top-level fields (Relay trims far earlier). */
export const MAX_NESTING_DEPTH = 64;

/**
 * The top-level field of `value` under which objects or arrays nest more than `maxDepth` levels
 * deep, or undefined. Walks with its own stack: every later step that recurses (normalisation,
 * scrubbing, JSON.stringify) is then safe from a payload built to overflow the call stack.
 * @example tooDeeplyNestedField({ tags: { a: { b: {} } } }, 2) // "tags"
 */
export function tooDeeplyNestedField(value: unknown, maxDepth = MAX_NESTING_DEPTH): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const fields = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [field, child] of fields) {
    const stack: [unknown, number][] = [[child, 1]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (node === null || typeof node !== "object") continue;
      if (depth > maxDepth) return field;
      for (const next of Array.isArray(node) ? node : Object.values(node)) {
        if (next !== null && typeof next === "object") stack.push([next, depth + 1]);
      }
    }
  }
  return undefined;
}
