import type { IncomingHttpHeaders } from "node:http";
import { httpError } from "../http/errors.ts";

/** Highest protocol version we speak; Relay rejects newer ones. */
const MAX_SENTRY_VERSION = 7;

export interface SentryAuth {
  publicKey: string;
  /** where the key came from, for diagnostics */
  source: "x-sentry-auth" | "authorization" | "query" | "envelope-dsn";
  client?: string;
}

/**
 * The DSN public key of a request, from (in Relay's order) `X-Sentry-Auth`, `Authorization: Sentry`,
 * or the `sentry_key` query parameter. Returns undefined when none is present (the envelope's `dsn`
 * header may still carry one). Malformed or conflicting auth is a 401.
 */
export function extractRequestAuth(headers: IncomingHttpHeaders, query: URLSearchParams): SentryAuth | undefined {
  const found: SentryAuth[] = [];
  const xAuth = headers["x-sentry-auth"];
  if (typeof xAuth === "string" && xAuth.trim()) found.push(_fromHeader(xAuth, "x-sentry-auth"));
  const authorization = headers["authorization"];
  if (typeof authorization === "string" && /^\s*sentry\s/i.test(authorization)) found.push(_fromHeader(authorization, "authorization"));
  const queryKey = query.get("sentry_key");
  if (queryKey !== null) {
    _checkVersion(query.get("sentry_version"));
    found.push({ publicKey: _checkKey(queryKey), source: "query", ...(query.get("sentry_client") ? { client: query.get("sentry_client")! } : {}) });
  }
  if (found.length === 0) return undefined;
  if (found.some((a) => a.publicKey !== found[0]!.publicKey)) throw httpError(401, "multiple authorization payloads with different keys");
  return found[0];
}

/**
 * The credential of an envelope that brought none in its request: the `dsn` envelope header,
 * checked (present, well-formed, for this project) as soon as the header line is parsed, before
 * any item is decompressed or held. Pure and synchronous, so whichever code parses the header line
 * can call it; the key itself is then looked up by the caller.
 * @throws HTTPError 401 when the header has no DSN or a malformed one, 403 when it names another project
 */
export function authFromEnvelopeHeader(headers: Record<string, unknown>, projectId: number): SentryAuth {
  if (headers.dsn === undefined || headers.dsn === null) throw httpError(401, "missing authorization information");
  return extractDsnAuth(headers.dsn, projectId);
}

/** The public key inside an envelope's `dsn` header (`scheme://key[:secret]@host/…/project_id`). */
export function extractDsnAuth(dsn: unknown, projectId: number): SentryAuth {
  if (typeof dsn !== "string") throw httpError(401, "envelope header \"dsn\" must be a string");
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw httpError(401, "envelope header \"dsn\" is not a valid DSN");
  }
  const dsnProject = url.pathname.split("/").filter(Boolean).pop();
  if (dsnProject !== String(projectId)) throw httpError(403, `DSN in the envelope is for project ${dsnProject ?? "?"}, not ${projectId}`);
  return { publicKey: _checkKey(decodeURIComponent(url.username)), source: "envelope-dsn" };
}

// --- Internal ---

/** `Sentry sentry_key=…, sentry_version=7, sentry_client=…` */
function _fromHeader(value: string, source: "x-sentry-auth" | "authorization"): SentryAuth {
  const body = value.trim().replace(/^sentry\s+/i, "");
  const fields = new Map<string, string>();
  for (const part of body.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const key = fields.get("sentry_key");
  if (key === undefined) throw httpError(401, `${source} header has no sentry_key`);
  _checkVersion(fields.get("sentry_version") ?? null);
  const client = fields.get("sentry_client");
  return { publicKey: _checkKey(key), source, ...(client ? { client } : {}) };
}

function _checkKey(key: string): string {
  const k = key.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(k)) throw httpError(401, "sentry_key is malformed");
  return k;
}

function _checkVersion(version: string | null): void {
  if (version === null || version === "") return;
  const n = Number(version);
  if (!Number.isFinite(n)) throw httpError(401, `sentry_version "${version}" is not a number`);
  if (n > MAX_SENTRY_VERSION) throw httpError(400, `sentry_version ${version} is newer than supported (${MAX_SENTRY_VERSION})`);
}
