/**
 * A debug id in its canonical form, lowercase with dashes; accepts the undashed and uppercase forms
 * sentry-cli and SDKs also write. Undefined-ish input gives null.
 * @example normalizeDebugId("23A0335ED4DB540EA32CB2E5BD9EB506") // "23a0335e-d4db-540e-a32c-b2e5bd9eb506"
 */
export function normalizeDebugId(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const hex = value.trim().toLowerCase().replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
