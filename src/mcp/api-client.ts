import type { H3 } from "h3";
import type { ApiPrincipal } from "../api/principal.ts";

/** An answer of LightTrace's web API: status, parsed JSON body and headers. */
export interface ApiAnswer<T = unknown> { status: number; body: T; headers: Headers }

/** A refusal or failure of the web API, with its `detail` text. */
export class ApiCallError extends Error {
  override name = "ApiCallError";
  readonly status: number;
  readonly detail: string;
  readonly path: string;
  constructor(status: number, detail: string, path: string) {
    super(`${status} ${detail}`);
    this.status = status;
    this.detail = detail;
    this.path = path;
  }
}

/**
 * How the MCP tools reach LightTrace: its own web API, so one place checks tokens and scopes and
 * every endpoint can become a tool. Over HTTP for a server elsewhere (`--url`, `--token`), or
 * in-process through the h3 app (the store on this machine, or `/mcp` inside the server).
 */
export interface LightTraceApi {
  /** where the web UI is, for links (no trailing slash) */
  readonly uiBase: string;
  get<T>(path: string, query?: Record<string, string | number | (string | number)[] | undefined>): Promise<ApiAnswer<T>>;
  send<T>(method: "POST" | "PUT" | "DELETE", path: string, body: unknown): Promise<ApiAnswer<T>>;
}

/** The API of a LightTrace server over HTTP, with a Bearer token. */
export function createHttpApi(baseUrl: string, token: string, timeoutMs = 120_000): LightTraceApi {
  const base = baseUrl.replace(/\/+$/, "");
  return _api(base, async (url, init) => fetch(url, {
    ...init, signal: AbortSignal.timeout(timeoutMs), headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
  }));
}

/**
 * The API in this process: requests go straight into the h3 app, as `principal` (the `/mcp`
 * caller's token, or the owner of the local store), so the same routes check the same scopes.
 */
export function createInProcessApi(app: H3, uiBase: string, principal: ApiPrincipal): LightTraceApi {
  return _api(uiBase.replace(/\/+$/, ""), async (url, init) => app.request(url, init, { inProcessPrincipal: principal }));
}

// --- Internal ---

function _api(base: string, call: (url: string, init: RequestInit) => Promise<Response>): LightTraceApi {
  const run = async <T>(path: string, init: RequestInit): Promise<ApiAnswer<T>> => {
    const res = await call(base + path, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    if (!res.ok) {
      const detail = body && typeof body === "object" && typeof (body as { detail?: unknown }).detail === "string" ? (body as { detail: string }).detail : String(text).slice(0, 300);
      throw new ApiCallError(res.status, detail, path);
    }
    return { status: res.status, body: body as T, headers: res.headers };
  };
  return {
    uiBase: base,
    get: (path, query) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query ?? {})) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
      }
      const qs = params.toString();
      return run(qs ? `${path}?${qs}` : path, { method: "GET", headers: { Accept: "application/json" } });
    },
    send: (method, path, body) => run(path, { method, headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) }),
  };
}
