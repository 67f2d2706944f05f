/** Display formatting: pure functions of their inputs (tests pass `now` explicitly). */

const UNITS: [number, string][] = [
  [365 * 24 * 3600, "y"],
  [30 * 24 * 3600, "mo"],
  [7 * 24 * 3600, "w"],
  [24 * 3600, "d"],
  [3600, "h"],
  [60, "min"],
];

/**
 * "5 min ago", "3 d ago", "just now"; future times (clock skew) read "in 2 min".
 * @example formatRelativeTime("2024-05-01T10:00:00Z", Date.parse("2024-05-01T10:05:30Z")) // "5 min ago"
 */
export function formatRelativeTime(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "—";
  const seconds = Math.round((nowMs - t) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  for (const [size, unit] of UNITS) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      return seconds >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return seconds >= 0 ? "1 min ago" : "in 1 min";
}

/**
 * Compact counts: 999, 1.2k, 45k, 1.3M.
 * @example formatCount(12_345) // "12k"
 */
export function formatCount(value: number | string): string {
  const n = typeof value === "string" ? Number(value) : value;
  if (!Number.isFinite(n)) return String(value);
  const abs = Math.abs(n);
  const fmt = (x: number, unit: string) => `${x >= 10 ? Math.floor(x) : Math.floor(x * 10) / 10}${unit}`;
  if (abs >= 1e9) return fmt(n / 1e9, "B");
  if (abs >= 1e6) return fmt(n / 1e6, "M");
  if (abs >= 1e3) return fmt(n / 1e3, "k");
  return String(Math.round(n));
}

/** "2024-05-01 10:00:00" in the viewer's time zone (or UTC when asked, for tests). */
export function formatDateTime(iso: string | null | undefined, options: { utc?: boolean } = {}): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const p = (n: number) => String(n).padStart(2, "0");
  const [y, mo, day, h, mi, s] = options.utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${y}-${p(mo)}-${p(day)} ${p(h)}:${p(mi)}:${p(s)}`;
}

/**
 * A breadcrumb's time relative to the event: "-2.35s", "-1m 04s", "0.00s".
 * @example formatOffset("2024-05-01T10:00:00.000Z", "2024-05-01T10:00:02.350Z") // "-2.35s"
 */
export function formatOffset(iso: string | null, eventIso: string): string {
  if (!iso) return "";
  const delta = (Date.parse(iso) - Date.parse(eventIso)) / 1000;
  if (!Number.isFinite(delta)) return "";
  const sign = delta < 0 ? "-" : delta > 0 ? "+" : "";
  const abs = Math.abs(delta);
  if (abs < 60) return `${sign}${abs.toFixed(2)}s`;
  const m = Math.floor(abs / 60);
  if (m < 60) return `${sign}${m}m ${String(Math.floor(abs % 60)).padStart(2, "0")}s`;
  return `${sign}${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** Cuts a string to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + "…";
}

/** Any JSON-ish value as one readable line (strings unquoted). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
