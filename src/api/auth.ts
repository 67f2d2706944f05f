import { HTTPError, type H3Event } from "h3";
import { isSameOriginRequest } from "../http/security.ts";
import type { ApiDeps } from "./context.ts";
import { hashLoginToken, readLoginToken } from "./login-cookie.ts";
import type { ApiPrincipal } from "./principal.ts";
import { hashApiToken } from "./tokens.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every `/api/0/` request needs `Authorization: Bearer <token>` (looked up by its hash) or the UI's
 * login cookie. Cookie-authenticated requests that change state must come from this server's own
 * origin (CSRF); a token needs no such check because browsers never attach it on their own.
 */
export async function requireApiAuth(event: H3Event, deps: Pick<ApiDeps, "store" | "clock" | "publicUrl">): Promise<ApiPrincipal> {
  const header = event.req.headers.get("authorization");
  if (header) {
    const m = /^\s*(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HTTPError({ status: 401, message: "Authorization header must be \"Bearer <token>\"." });
    // Looked up by SHA-256: the index compares only the hash of what the client sent, so timing
    // reveals nothing about stored tokens (no secret is ever compared in plain text; passwords use
    // timingSafeEqual, logins are looked up by hash too).
    const token = await deps.store.findApiTokenByHash(hashApiToken(m[1]!));
    if (!token) throw new HTTPError({ status: 401, message: "Invalid token" });
    return { kind: "token", token };
  }
  const loginToken = readLoginToken(event, deps.publicUrl());
  if (!loginToken) throw new HTTPError({ status: 401, message: "Authentication credentials were not provided." });
  const user = await deps.store.findLoginUser(hashLoginToken(loginToken), deps.clock.now() / 1000);
  if (!user) throw new HTTPError({ status: 401, message: "Your sign-in has expired; sign in again." });
  if (!SAFE_METHODS.has(event.req.method)) requireSameOrigin(event, deps.publicUrl());
  return { kind: "login", user };
}

/** 403 unless the request's Origin/Referer is this server (see isSameOriginRequest). */
export function requireSameOrigin(event: H3Event, publicUrl: string): void {
  const h = event.req.headers;
  if (!isSameOriginRequest({ origin: h.get("origin"), referer: h.get("referer"), host: h.get("host") }, publicUrl)) {
    throw new HTTPError({ status: 403, message: "Cross-origin request refused: the Origin header is missing or is not this server (browsing through an https proxy? set LIGHTTRACE_PUBLIC_URL to the address you browse to)." });
  }
}
