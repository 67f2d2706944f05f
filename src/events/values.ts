/** Small pure helpers for untrusted JSON values. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

/** 32 lowercase hex from a dashed or plain UUID; undefined when it is not one. */
export function normalizeEventId(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const hex = value.replace(/-/g, "").toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}
