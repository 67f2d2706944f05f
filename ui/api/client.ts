/**
 * Typed fetch over the web API. Every non-2xx answer becomes an ApiError carrying the API's
 * `detail` text, so screens can say what went wrong in words. The login cookie rides along
 * (same origin); no token lives in the browser.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ApiPage<T> { data: T; nextCursor: string | null; previousCursor: string | null }

/** GET a JSON resource. */
export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await apiGetPage<T>(path, signal)).data;
}

/** GET a JSON list and the cursors from its `Link` header. */
export async function apiGetPage<T>(path: string, signal?: AbortSignal): Promise<ApiPage<T>> {
  const res = await _fetch(path, { method: "GET", signal: signal ?? null });
  const links = parseLinkHeader(res.headers.get("link"));
  return { data: (await res.json()) as T, nextCursor: links.next ?? null, previousCursor: links.previous ?? null };
}

/** POST/PUT/DELETE with a JSON body; resolves with the parsed answer (undefined for 204 or an empty body, e.g. Sentry's 202 on DELETE). */
export async function apiSend<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
  const res = await _fetch(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * The cursors of a Sentry `Link` header whose `results="true"`.
 * @example parseLinkHeader('<…>; rel="next"; results="true"; cursor="0:25:0"') // { next: "0:25:0" }
 */
export function parseLinkHeader(header: string | null): { next?: string; previous?: string } {
  const out: { next?: string; previous?: string } = {};
  if (!header) return out;
  for (const part of header.split(/,\s*(?=<)/)) {
    const rel = /rel="(\w+)"/.exec(part)?.[1];
    const results = /results="(\w+)"/.exec(part)?.[1];
    const cursor = /cursor="([^"]+)"/.exec(part)?.[1];
    if ((rel === "next" || rel === "previous") && results === "true" && cursor) out[rel] = cursor;
  }
  return out;
}

/** Words for an API failure, for error boxes. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return `You are not signed in (${err.message})`;
    if (err.status === 403) return `Not allowed: ${err.message}`;
    if (err.status === 404) return "Not found: it may have been deleted, or the link is wrong.";
    if (err.status >= 500) return `The server failed (${err.status}): ${err.message}. Check the server log.`;
    return err.message;
  }
  if (err instanceof TypeError) return "Cannot reach the LightTrace server. Is it running?";
  return err instanceof Error ? err.message : String(err);
}

// --- Internal ---

async function _fetch(path: string, init: RequestInit): Promise<Response> {
  const res = await fetch(path, { ...init, credentials: "same-origin", headers: { Accept: "application/json", ...(init.headers ?? {}) } });
  if (res.ok) return res;
  let detail = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { detail?: unknown };
    if (typeof body.detail === "string") detail = body.detail;
  } catch {
    // not JSON: keep the status text
  }
  throw new ApiError(res.status, detail);
}
