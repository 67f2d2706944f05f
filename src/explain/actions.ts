import type { FactCrumb } from "./event-facts.ts";

/**
 * Recognising the same user action and the same request across breadcrumbs worded differently:
 * a CSS selector whose index or state class changed (`li:nth-child(3) > button.buy.is-loading`),
 * a label with a suffix ("Pay now again", "Submit (2)"), and request URLs with ids in them.
 */

/** Breadcrumb categories SDKs use for a user's click or tap (browser, React Native, mobile). */
const ACTION_CATEGORIES = new Set(["ui.click", "ui.tap", "touch", "ui.action", "click", "user.click"]);
const HTTP_CATEGORIES = new Set(["fetch", "xhr", "http", "httplib", "http.client", "requests", "okhttp", "net/http", "urllib3", "Faraday", "guzzle"]);

/** Whether a crumb records a user's click or tap. */
export function isUserAction(c: FactCrumb): boolean {
  return (c.category !== null && ACTION_CATEGORIES.has(c.category)) || (c.type === "user" && (c.category ?? "").startsWith("ui."));
}

/** Whether a crumb records an outgoing HTTP request. */
export function isHttpCrumb(c: FactCrumb): boolean {
  return c.type === "http" || (c.category !== null && HTTP_CATEGORIES.has(c.category));
}

/**
 * The identity of the control a click crumb names, the same for the same control however the
 * SDK worded it: selector indexes, numbered ids and state classes dropped; labels lowercased
 * without "again", "(2)", "x2" or trailing dots.
 * @example controlKey("ul > li:nth-child(3) > button.buy.is-loading") === controlKey("ul > li:nth-child(4) > button.buy")
 */
export function controlKey(c: FactCrumb): string {
  const text = (c.message ?? (typeof c.data?.target === "string" ? c.data.target : "") ?? "").trim();
  if (_looksLikeSelector(text)) {
    return text.split(/\s*>\s*|\s+/).map(_normalizeCompound).filter(Boolean).join(">");
  }
  return text.toLowerCase()
    .replace(/[.…!?\s]+$/, "")
    .replace(/\s*(\(\d+\)|x\d+|#\d+|\bagain\b|\bonce more\b)\s*$/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** `POST https://api.shop/orders/{id}`: method, host and path with ids replaced; query and fragment dropped. */
export function endpointKey(c: FactCrumb): string | undefined {
  const url = typeof c.data?.url === "string" ? c.data.url : c.message ?? "";
  if (!url) return undefined;
  const method = typeof c.data?.method === "string" ? c.data.method.toUpperCase() : "GET";
  const path = url.replace(/[?#].*$/, "").split("/").map((seg, i) => (i > 2 || !/^https?:$/.test(url.split("/")[0]!)) && _isIdSegment(seg) ? "{id}" : seg).join("/");
  return `${method} ${path}`;
}

/** HTTP status of a request crumb, when it has one. */
export function statusOf(c: FactCrumb): number | undefined {
  const s = Number(c.data?.status_code ?? c.data?.statusCode ?? c.data?.status);
  return Number.isFinite(s) && s > 0 ? s : undefined;
}

/** Seconds since epoch the request started, when the SDK recorded it (the crumb's own time is its end). */
export function requestStart(c: FactCrumb): number | undefined {
  for (const key of ["start_timestamp", "startTimestamp", "request_start"]) {
    const v = c.data?.[key];
    const n = typeof v === "number" ? (v > 1e11 ? v / 1000 : v) : typeof v === "string" ? Date.parse(v) / 1000 : NaN;
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/** `#4 ui.click \`button#pay\``: a crumb as evidence, numbered from 1 (oldest first). */
export function describeCrumb(c: FactCrumb): string {
  if (isHttpCrumb(c)) {
    const status = statusOf(c);
    return `#${c.index + 1} ${c.category ?? "http"} \`${endpointKey(c) ?? "?"}\`${status !== undefined ? ` → ${status}` : c.level === "error" ? " → failed" : ""}`;
  }
  const text = c.message ?? (typeof c.data?.to === "string" ? `to ${c.data.to}` : "");
  return `#${c.index + 1} ${c.category ?? c.type}${text ? ` \`${text.length > 80 ? text.slice(0, 79) + "…" : text}\`` : ""}`;
}

// --- Internal ---

const STATE_CLASS = /^(active|disabled|loading|busy|pending|focus|focused|hover|selected|pressed|open|checked|is-.*|has-.*|ng-.*|css-[a-z0-9]+|sc-[a-z0-9]+|jsx-\d+|svelte-[a-z0-9]+)$/i;

function _looksLikeSelector(text: string): boolean {
  return />/.test(text) || /^[a-z][\w-]*(?:[#.[:][^\s]*)$/i.test(text) || /^[#.][\w-]/.test(text);
}

/** One compound selector (`button#item-42.btn.is-loading:nth-child(3)`) without indexes, numbered ids and state classes. */
function _normalizeCompound(compound: string): string {
  const noPseudo = compound.replace(/:(?:nth-(?:child|of-type|last-child)|eq)\([^)]*\)|:(?:first|last)-child|:hover|:focus(?:-visible)?/g, "").replace(/\[\d+\]/g, "");
  const tag = /^[a-z][\w-]*/i.exec(noPseudo)?.[0] ?? "";
  const id = /#([\w-]+)/.exec(noPseudo)?.[1]?.replace(/\d+/g, "{n}");
  const classes = [...noPseudo.matchAll(/\.([\w-]+)/g)].map((m) => m[1]!).filter((c) => !STATE_CLASS.test(c)).sort();
  const attrs = [...noPseudo.matchAll(/\[([\w-]+)(?:=["']?([^\]"']*)["']?)?\]/g)].filter((m) => !/^(aria-(?:busy|pressed|expanded|selected)|disabled|data-state)$/.test(m[1]!))
    .map((m) => `[${m[1]}${m[2] !== undefined ? `=${m[2].replace(/\d+/g, "{n}")}` : ""}]`).sort();
  return `${tag}${id ? `#${id}` : ""}${classes.map((c) => `.${c}`).join("")}${attrs.join("")}`;
}

function _isIdSegment(seg: string): boolean {
  return /^\d+$/.test(seg) || /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(seg) || /^[0-9a-f]{12,}$/i.test(seg) ||
    (/\d/.test(seg) && /^[A-Za-z0-9_-]{10,}$/.test(seg) && /[A-Za-z]/.test(seg));
}
