import { createHash, randomBytes } from "node:crypto";
import { HTTPError, getCookie, getRequestIP, type H3, type H3Event } from "h3";
import { z } from "zod";
import { isLoopbackHost, hostnameOf } from "../http/security.ts";
import type { User } from "../store/types.ts";
import { requireSameOrigin } from "./auth.ts";
import { parseJsonBody, type ApiDeps } from "./context.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./passwords.ts";
import { LoginThrottle } from "./login-throttle.ts";

/** How long a browser stays signed in. */
export const SESSION_LIFETIME_SECONDS = 30 * 24 * 3600;

const loginSchema = z.object({
  email: z.string().trim().min(1, "enter your email").max(254),
  password: z.string().min(1, "enter your password").max(1024),
}).strict();

/**
 * Browser sign-in under `/api/0/auth/` (no token needed to reach these):
 * - `GET  /api/0/auth/session/`: the signed-in user; on a loopback server, signs the browser in
 *   as the local admin first; otherwise 401 `{loginRequired: true}`.
 * - `POST /api/0/auth/login/` `{email, password}`: password sign-in, sets the session cookie.
 * - `DELETE /api/0/auth/session/`: signs out.
 */
export function mountSessionRoutes(app: H3, deps: ApiDeps): void {
  const on = (method: "GET" | "POST" | "DELETE", path: string, handler: (event: H3Event) => Promise<unknown>) => {
    app.on(method, path, handler);
    app.on(method, path + "/", handler);
  };

  on("GET", "/api/0/auth/session", async (event) => {
    const current = await _currentUser(event, deps);
    if (current) return _sessionBody(current, false);
    if (!canAutoSignIn(deps.config.host, event.req.headers)) {
      return Response.json({ detail: "Sign in to continue.", loginRequired: true }, { status: 401, headers: { "Cache-Control": "no-store" } });
    }
    const admin = await deps.store.ensureLocalAdmin();
    return _startSession(deps, admin, true);
  });

  const throttle = new LoginThrottle();
  on("POST", "/api/0/auth/login", async (event) => {
    requireSameOrigin(event, deps.publicUrl());
    const body = await parseJsonBody(event, loginSchema);
    const clientIp = getRequestIP(event, { xForwardedFor: deps.config.trustProxy }) ?? "unknown";
    const wait = throttle.retryAfter(clientIp, body.email, deps.clock.now());
    if (wait > 0) {
      throw new HTTPError({ status: 429, message: `Too many failed sign-ins; try again in ${wait} s.`, headers: { "Retry-After": String(wait) } });
    }
    const found = await deps.store.findUserByEmail(body.email);
    // verify even when the user is unknown, so response time does not tell which emails exist
    const ok = await verifyPassword(body.password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!found || !found.passwordHash || !ok) {
      throttle.recordFailure(clientIp, body.email, deps.clock.now());
      throw new HTTPError({ status: 401, message: "Wrong email or password." });
    }
    throttle.recordSuccess(clientIp, body.email);
    return _startSession(deps, found.user, false);
  });

  on("DELETE", "/api/0/auth/session", async (event) => {
    requireSameOrigin(event, deps.publicUrl());
    const sessionId = getCookie(event, sessionCookieName(deps.publicUrl()));
    if (sessionId) await deps.store.deleteSession(hashSessionId(sessionId));
    return new Response(null, { status: 204, headers: { "Set-Cookie": _cookie(deps.publicUrl(), "", 0) } });
  });
}

/**
 * Auto sign-in is for a developer on their own machine: the server listens on loopback only, the
 * browser addressed it by a loopback name, and no proxy headers say the request came from elsewhere
 * (a reverse proxy on the same machine would otherwise hand the admin session to the internet).
 */
export function canAutoSignIn(listenHost: string, headers: Headers): boolean {
  if (!isLoopbackHost(listenHost)) return false;
  const hostname = hostnameOf(headers.get("host") ?? undefined);
  if (!hostname || !isLoopbackHost(hostname)) return false;
  return !["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip"].some((h) => headers.has(h));
}

/** Cookie per port: browsers share cookies across ports of a host, and two local servers must not clash. */
export function sessionCookieName(publicUrl: string): string {
  let port = "";
  try {
    const u = new URL(publicUrl);
    port = u.port || (u.protocol === "https:" ? "443" : "80");
  } catch {
    // keep the bare name
  }
  return port ? `lighttrace_session_${port}` : "lighttrace_session";
}

/** Sessions are stored by SHA-256 of the cookie value, like API tokens. */
export function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

// --- Internal ---

async function _currentUser(event: H3Event, deps: ApiDeps): Promise<User | undefined> {
  const sessionId = getCookie(event, sessionCookieName(deps.publicUrl()));
  if (!sessionId) return undefined;
  return deps.store.findSessionUser(hashSessionId(sessionId), deps.clock.now() / 1000);
}

async function _startSession(deps: ApiDeps, user: User, autoSignedIn: boolean): Promise<Response> {
  const sessionId = randomBytes(32).toString("base64url");
  const now = deps.clock.now() / 1000;
  await deps.store.createSession({ userId: user.id, tokenHash: hashSessionId(sessionId), now, expiresAt: now + SESSION_LIFETIME_SECONDS });
  return Response.json(_sessionBody(user, autoSignedIn), {
    headers: { "Set-Cookie": _cookie(deps.publicUrl(), sessionId, SESSION_LIFETIME_SECONDS), "Cache-Control": "no-store" },
  });
}

function _sessionBody(user: User, autoSignedIn: boolean) {
  return { user: { id: String(user.id), email: user.email, isLocalAdmin: user.isLocalAdmin }, autoSignedIn };
}

function _cookie(publicUrl: string, value: string, maxAge: number): string {
  const secure = publicUrl.startsWith("https:") ? "; Secure" : "";
  return `${sessionCookieName(publicUrl)}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}
